import { describe, expect, it } from '@jest/globals'
import { commitExport } from '../src/export/deliver/commit.js'
import { gitBlobSha } from '../src/export/deliver/git-data.js'
import {
  commitRequest,
  files,
  Github,
  Overrides,
  resetGithubEachTest,
  startGithub
} from './helpers/github.js'

describe('commitExport', () => {
  let github: Github
  resetGithubEachTest(() => github)

  const start = async (options: Parameters<typeof startGithub>[0] = {}) =>
    (github = await startGithub(options))
  const request = (overrides: Overrides = {}) => commitRequest(github, overrides)

  it('makes a first commit on the default branch, with blob SHAs git agrees with', async () => {
    await start()
    const before = github.head('main')
    const result = await commitExport(request())
    expect(result).toMatchObject({ changed: true, branch: 'main' })
    expect(result.changes.get('kore-tools/a-1')).toEqual({
      added: ['flow.json', 'app.json'],
      modified: [],
      removed: []
    })
    expect(result.commitUrl).toBe(`https://github.com/acme/backups/commit/${result.commitSha}`)
    expect(github.head('main')).toBe(result.commitSha)
    const [latest, parent] = github.history('main')
    expect(latest?.message).toBe('Back up Kore.ai tool a-1 (export tool-ej-1)')
    expect(parent?.sha).toBe(before)
    expect(github.files('main', 'kore-tools/a-1')).toEqual({
      'flow.json': '{\n  "v": 1\n}\n',
      'app.json': '{}\n'
    })
    expect(gitBlobSha(Buffer.from('{}\n'))).toBe('0967ef424bce6791893e9a57bb952f80fd536e93')
  })

  it('makes no commit, and no write at all, when nothing changed', async () => {
    await start()
    await commitExport(request())
    const writes = github.writes().length
    const head = github.head('main')
    const again = await commitExport(request())
    expect(again).toMatchObject({ changed: false, commitSha: '', commitUrl: '' })
    expect(github.head('main')).toBe(head)
    expect(github.writes()).toHaveLength(writes)
  })

  it('commits only the difference, removing files no longer exported', async () => {
    await start()
    await commitExport(
      request({ files: files({ 'flow.json': '1\n', 'app.json': '2\n', 'old.json': '3\n' }) })
    )
    const result = await commitExport(
      request({ files: files({ 'flow.json': '1\n', 'app.json': '22\n' }) })
    )
    expect(result.changes.get('kore-tools/a-1')).toEqual({
      added: [],
      modified: ['app.json'],
      removed: ['old.json']
    })
    expect(github.files('main', 'kore-tools/a-1')).toEqual({
      'flow.json': '1\n',
      'app.json': '22\n'
    })
    expect(github.history('main')).toHaveLength(3)
    // Text travels inline in the tree: no blob requests; only what changed is sent.
    expect(github.writes().filter(w => w.path.endsWith('/git/blobs'))).toHaveLength(0)
    const trees = github.writes().filter(w => w.path.endsWith('/git/trees'))
    const inline = trees.map(w => w.body.tree.filter((e: { content?: string }) => e.content))
    expect(inline.map(entries => entries.length)).toEqual([3, 1])
    expect(github.counts().writes).toBe(6) // tree, commit, ref update: twice
  })

  it('uses the workflow branch from GITHUB_REF, or commit-branch when given', async () => {
    await start()
    github.commitFiles('release', { 'x.txt': 'x\n' })
    process.env.GITHUB_REF = 'refs/heads/release'
    expect((await commitExport(request())).branch).toBe('release')
    process.env.GITHUB_REF = 'refs/tags/v1'
    const explicit = await commitExport(request({ branch: 'main' }))
    expect(explicit.branch).toBe('main')
  })

  it('rebuilds the commit when another run moved the branch, keeping history linear', async () => {
    await start({ raceOnUpdate: 2 })
    const result = await commitExport(request())
    expect(result.changed).toBe(true)
    const history = github.history('main')
    expect(history[0]?.sha).toBe(result.commitSha)
    expect(history.map(c => c.message)).toEqual([
      'Back up Kore.ai tool a-1 (export tool-ej-1)',
      'Commit by someone else',
      'Commit by someone else',
      'Initial commit'
    ])
    expect(history.every(c => c.parents.length <= 1)).toBe(true)
    expect(github.files('main', 'other')).toEqual({
      '0.txt': 'another run\n',
      '1.txt': 'another run\n'
    })
    const refUpdates = github.writes().filter(w => w.method === 'PATCH')
    expect(refUpdates).toHaveLength(3)
    expect(refUpdates.every(w => w.body.force === false)).toBe(true)
  })

  it('puts several tools in one commit, naming the changed ones', async () => {
    await start()
    await commitExport(request())
    const result = await commitExport(
      request({
        directories: new Map([
          ['kore-tools/a-1', files({ 'flow.json': '{\n  "v": 1\n}\n', 'app.json': '{}\n' })],
          ['kore-tools/a-2', files({ 'flow.json': '2\n' })],
          ['kore-tools/a-3', files({ 'flow.json': '3\n' })]
        ]),
        describe: async ({ changes }) => ({
          message: `Back up ${[...changes.keys()].join(', ')}`,
          pullRequestBody: ''
        })
      })
    )
    expect([...result.changes.keys()]).toEqual(['kore-tools/a-2', 'kore-tools/a-3'])
    expect(github.history('main')).toHaveLength(3)
    expect(github.history('main')[0]?.message).toBe('Back up kore-tools/a-2, kore-tools/a-3')
    expect(github.files('main', 'kore-tools/a-3')).toEqual({ 'flow.json': '3\n' })
  })

  it('gives up on a GitHub call that never answers, saying so', async () => {
    await start({ hangOn: 'POST /git/trees' })
    const before = Date.now()
    await expect(commitExport(request({ requestTimeoutMs: 700 }))).rejects.toThrow(
      'GitHub did not answer within 0.7 s while committing to acme/backups; try again later'
    )
    // The retry plugin tries a few more times, each bounded too.
    expect(Date.now() - before).toBeLessThan(30_000)
  })

  it('stops at the commit stage deadline however the calls are spaced, saying which input sets it', async () => {
    await start({ hangOn: 'POST /git/trees' })
    const before = Date.now()
    const deadline = { at: Date.now() + 1500, seconds: 1.5 }
    await expect(commitExport(request({ deadline }))).rejects.toThrow(
      'the commit stage took longer than commit-timeout allows (1.5 s)'
    )
    // The per-call limit (120 s by default) would have let the retry plugin go on for minutes.
    expect(Date.now() - before).toBeLessThan(10_000)
  })

  it('reads back a committed file of several megabytes (Octokit cannot parse its blob)', async () => {
    await start()
    const big = (n: string) =>
      files({ 'flow.json': `${JSON.stringify({ n, pad: 'x'.repeat(7_000_000) })}\n` })
    await commitExport(request({ files: big('1') }))
    let before: string | undefined
    const result = await commitExport(
      request({
        files: big('2'),
        describe: async diff => {
          before = (await diff.previous('kore-tools/a-1'))?.get('flow.json')?.toString()
          return { message: 'second', pullRequestBody: '' }
        }
      })
    )
    expect(result.changed).toBe(true)
    expect(before?.startsWith('{"n":"1"')).toBe(true)
    expect(before).toHaveLength(7_000_019)
  })

  it('names a missing branch', async () => {
    await start()
    await expect(commitExport(request({ branch: 'nope' }))).rejects.toThrow(
      'commit-branch: branch "nope" does not exist in acme/backups'
    )
  })

  it('explains a read-only token: the permissions block and pull-request mode', async () => {
    await start({ readOnlyToken: 'ghs_read' })
    await expect(commitExport(request({ token: 'ghs_read' }))).rejects.toThrow(
      /refused to write to acme\/backups \(HTTP 403: Resource not accessible by integration\).*contents: write.*pull-request: true/
    )
  })

  it('explains a protected branch', async () => {
    await start({ protectedBranches: ['main'] })
    await expect(commitExport(request())).rejects.toThrow(
      /Protected branch update failed.*set pull-request: true/
    )
  })
})
