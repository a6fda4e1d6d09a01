import { describe, expect, it } from '@jest/globals'
import { commitExport } from '../src/export/deliver/commit.js'
import {
  commitRequest,
  files,
  Github,
  Overrides,
  resetGithubEachTest,
  startGithub
} from './helpers/github.js'

const BRANCH = 'kore-tool-export/into-main/a-1'

describe('commitExport with pull-request', () => {
  let github: Github
  resetGithubEachTest(() => github)

  const start = async (options: Parameters<typeof startGithub>[0] = {}) =>
    (github = await startGithub(options))
  const pr = (overrides: Overrides = {}) =>
    commitRequest(github, {
      pullRequestBranch: base => `kore-tool-export/into-${base}/a-1`,
      mayCloseStale: true,
      ...overrides
    })

  it('creates the branch and the pull request, leaving the target branch alone', async () => {
    await start({ protectedBranches: ['main'] })
    const main = github.head('main')
    const result = await commitExport(pr())
    expect(result).toMatchObject({
      changed: true,
      branch: BRANCH,
      pullRequestNumber: 1,
      pullRequestUrl: 'https://github.com/acme/backups/pull/1'
    })
    expect(github.head('main')).toBe(main)
    expect(github.head(BRANCH)).toBe(result.commitSha)
    expect(github.pulls).toMatchObject([{ head: BRANCH, base: 'main', state: 'open' }])
  })

  it('updates the same pull request on a changed export, and does nothing when unchanged', async () => {
    await start()
    await commitExport(pr())
    const second = await commitExport(pr({ files: files({ 'flow.json': '2\n' }) }))
    expect(second).toMatchObject({ changed: true, pullRequestNumber: 1 })
    expect(github.pulls).toHaveLength(1)
    expect(github.files(BRANCH, 'kore-tools/a-1')).toEqual({ 'flow.json': '2\n' })
    // The PR branch is one commit on top of the target branch, not a pile of commits.
    expect(github.history(BRANCH)[1]?.sha).toBe(github.head('main'))

    const head = github.head(BRANCH)
    const third = await commitExport(pr({ files: files({ 'flow.json': '2\n' }) }))
    expect(third).toMatchObject({ changed: false, pullRequestNumber: 1, commitSha: '' })
    expect(github.head(BRANCH)).toBe(head)
  })

  it('closes a pull request the target branch has caught up with, and deletes its branch', async () => {
    await start()
    await commitExport(pr({ files: files({ 'flow.json': '2\n' }) }))
    github.commitFiles('main', { 'kore-tools/a-1/flow.json': '2\n' }, 'Merged by hand')
    const result = await commitExport(pr({ files: files({ 'flow.json': '2\n' }) }))
    expect(result).toMatchObject({ changed: false, closedPullRequestNumber: 1 })
    expect(github.pulls[0]).toMatchObject({ state: 'closed' })
    expect(github.pulls[0]?.comments[0]).toContain(
      'the target branch main already holds what Kore.ai exports now'
    )
    expect(github.head(BRANCH)).toBeUndefined()
  })

  const refusedTwo: Overrides = {
    directories: new Map([
      ['kore-tools/a-1', files({ 'flow.json': '2\n' })],
      ['kore-tools/a-2', files({ 'flow.json': 'new\n' })]
    ]),
    check: async directory => (directory === 'kore-tools/a-2' ? 'refused for the test' : undefined)
  }

  it.each([
    ['another folder was refused', refusedTwo],
    ['a tool of the pull request failed this run', { mayCloseStale: false }]
  ])('leaves an open pull request alone when %s', async (_what, overrides) => {
    await start()
    await commitExport(pr({ files: files({ 'flow.json': '2\n' }) }))
    github.commitFiles('main', { 'kore-tools/a-1/flow.json': '2\n' }, 'Merged by hand')
    const result = await commitExport(pr({ files: files({ 'flow.json': '2\n' }), ...overrides }))
    expect(result.closedPullRequestNumber).toBeUndefined()
    expect(github.pulls[0]).toMatchObject({ state: 'open' })
    expect(github.head(BRANCH)).toBeDefined()
  })

  it('leaves a stale pull request open when someone added commits to its branch', async () => {
    await start()
    await commitExport(pr({ files: files({ 'flow.json': '2\n' }) }))
    github.commitFiles(BRANCH, { 'docs/review-notes.md': 'notes\n' }, 'Review notes')
    github.commitFiles('main', { 'kore-tools/a-1/flow.json': '2\n' }, 'Merged by hand')
    const result = await commitExport(pr({ files: files({ 'flow.json': '2\n' }) }))
    expect(result.closedPullRequestNumber).toBeUndefined()
    expect(github.pulls[0]).toMatchObject({ state: 'open' })
    expect(github.files(BRANCH, 'docs')).toEqual({ 'review-notes.md': 'notes\n' })
  })

  it('keeps one branch per target: a release proposal leaves the main one alone', async () => {
    await start()
    github.commitFiles('release', { 'x.txt': 'x\n' })
    const main = await commitExport(pr())
    const release = await commitExport(pr({ branch: 'release' }))
    expect(release.branch).toBe('kore-tool-export/into-release/a-1')
    expect(github.head(BRANCH)).toBe(main.commitSha)
    expect(github.pulls.map(p => [p.head, p.base])).toEqual([
      [BRANCH, 'main'],
      ['kore-tool-export/into-release/a-1', 'release']
    ])
  })

  it('asks once for a branch not made yet, with retries fitted to the deadline', async () => {
    await start()
    await commitExport(pr({ deadline: { at: Date.now() + 60_000, seconds: 60 } }))
    const reads = github.requests.filter(
      r => r.method === 'GET' && decodeURIComponent(r.path).endsWith(`/git/ref/heads/${BRANCH}`)
    )
    expect(reads).toHaveLength(1)
  })

  it('uses the branch its own lost create made (502, then 422 already exists)', async () => {
    await start({ refCreate502s: 1 })
    const result = await commitExport(pr({ deadline: { at: Date.now() + 60_000, seconds: 60 } }))
    expect(result).toMatchObject({ changed: true, branch: BRANCH, pullRequestNumber: 1 })
    expect(github.head(BRANCH)).toBe(result.commitSha)
  })

  it('uses the pull request its own lost create made (502, then 422 already exists)', async () => {
    await start({ pullCreate502s: 1 })
    const result = await commitExport(pr())
    expect(result).toMatchObject({ changed: true, pullRequestNumber: 1 })
    expect(github.pulls).toHaveLength(1)
  })

  it('explains when Actions may not open pull requests', async () => {
    await start({ forbidPullRequests: true })
    const result = await commitExport(pr())
    expect(result.pullRequestError).toMatch(
      /Allow GitHub Actions to create and approve pull requests/
    )
    // The commit that exists on the action's branch is reported, not lost.
    expect(result).toMatchObject({ changed: true, commitSha: github.history(BRANCH)[0]?.sha })
    expect(result.pullRequestNumber).toBeUndefined()
  })
})
