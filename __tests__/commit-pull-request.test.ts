import { describe, expect, it } from '@jest/globals'
import { commitExport } from '../src/deliver/commit.js'
import {
  commitRequest,
  files,
  Github,
  Overrides,
  resetGithubEachTest,
  startGithub
} from './helpers/github.js'

describe('commitExport with pull-request', () => {
  let github: Github
  resetGithubEachTest(() => github)

  const start = async (options: Parameters<typeof startGithub>[0] = {}) =>
    (github = await startGithub(options))
  const pr = (overrides: Overrides = {}) =>
    commitRequest(github, { pullRequestBranch: 'kore-tool-export/a-1', ...overrides })

  it('creates the branch and the pull request, leaving the target branch alone', async () => {
    await start({ protectedBranches: ['main'] })
    const main = github.head('main')
    const result = await commitExport(pr())
    expect(result).toMatchObject({
      changed: true,
      branch: 'kore-tool-export/a-1',
      pullRequestNumber: 1,
      pullRequestUrl: 'https://github.com/acme/backups/pull/1'
    })
    expect(github.head('main')).toBe(main)
    expect(github.head('kore-tool-export/a-1')).toBe(result.commitSha)
    expect(github.pulls).toMatchObject([
      { head: 'kore-tool-export/a-1', base: 'main', state: 'open' }
    ])
  })

  it('updates the same pull request on a changed export, and does nothing when unchanged', async () => {
    await start()
    await commitExport(pr())
    const second = await commitExport(pr({ files: files({ 'flow.json': '2\n' }) }))
    expect(second).toMatchObject({ changed: true, pullRequestNumber: 1 })
    expect(github.pulls).toHaveLength(1)
    expect(github.files('kore-tool-export/a-1', 'kore-tools/a-1')).toEqual({ 'flow.json': '2\n' })
    // The PR branch is one commit on top of the target branch, not a pile of commits.
    expect(github.history('kore-tool-export/a-1')[1]?.sha).toBe(github.head('main'))

    const head = github.head('kore-tool-export/a-1')
    const third = await commitExport(pr({ files: files({ 'flow.json': '2\n' }) }))
    expect(third).toMatchObject({ changed: false, pullRequestNumber: 1, commitSha: '' })
    expect(github.head('kore-tool-export/a-1')).toBe(head)
  })

  it('explains when Actions may not open pull requests', async () => {
    await start({ forbidPullRequests: true })
    await expect(commitExport(pr())).rejects.toThrow(
      /Allow GitHub Actions to create and approve pull requests/
    )
  })
})
