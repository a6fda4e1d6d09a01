// Issue 10's request budget: a constant number of GitHub requests per backup, whatever the
// number of tools, counted on the fake GitHub (which throttles nothing, but Octokit's plugins
// run at their real settings).
import { describe, expect, it } from '@jest/globals'
import { commitExport } from '../src/export/deliver/commit.js'
import { commonParent } from '../src/export/deliver/git-data.js'
import { MAX_TREE_REQUEST_BYTES } from '../src/export/deliver/git-write.js'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { deliverToRepository, pullRequestBranch } from '../src/export/deliver/repository.js'
import { sampleExport } from './fakes/zip.js'
import { tempDir } from './helpers/setup.js'
import type { Inputs } from '../src/export/inputs.js'
import { commitRequest, files, Github, resetGithubEachTest, startGithub } from './helpers/github.js'

/** `count` tools' files, as the export action would commit them. */
function tools(count: number, version = (_i: number) => 1): Map<string, Map<string, Buffer>> {
  return new Map(
    Array.from({ length: count }, (_, i) => [
      `kore-tools/a-${i}`,
      files({
        'flow_definition.json': `{\n  "tool": ${i},\n  "version": ${version(i)}\n}\n`,
        'app_definition.json': `{\n  "name": "Tool ${i}"\n}\n`,
        'env_variables.json': '[]\n'
      })
    ])
  )
}

describe('commitExport at scale', () => {
  let github: Github
  resetGithubEachTest(() => github)

  it('backs up 300 tools in one commit with a handful of requests, then writes nothing, then 3 writes for one change', async () => {
    github = await startGithub()
    const first = await commitExport(commitRequest(github, { directories: tools(300) }))
    expect(first.changed).toBe(true)
    expect(first.changes.size).toBe(300)
    expect(github.counts()).toEqual({ reads: expect.any(Number), writes: 3 })
    expect(github.counts().reads).toBeLessThanOrEqual(10)
    expect(github.history('main')).toHaveLength(2)
    expect(Object.keys(github.files('main', 'kore-tools/a-299'))).toHaveLength(3)

    const before = github.counts()
    const unchanged = await commitExport(commitRequest(github, { directories: tools(300) }))
    expect(unchanged.changed).toBe(false)
    expect(github.counts().writes).toBe(before.writes)
    expect(github.counts().reads - before.reads).toBeLessThanOrEqual(10)

    const changedOne = tools(300, i => (i === 42 ? 2 : 1))
    const third = await commitExport(commitRequest(github, { directories: changedOne }))
    expect([...third.changes.keys()]).toEqual(['kore-tools/a-42'])
    expect(github.counts().writes - before.writes).toBe(3)
  })

  it('lists each directory on its own only when GitHub truncates the listing', async () => {
    github = await startGithub({ truncateListingsOver: 20 })
    await commitExport(commitRequest(github, { directories: tools(10) }))
    const before = github.counts()
    const again = await commitExport(commitRequest(github, { directories: tools(10) }))
    expect(again.changed).toBe(false)
    expect(github.counts().writes).toBe(before.writes)
    // One listing that came back truncated, then one walk and listing per directory.
    expect(github.counts().reads - before.reads).toBeGreaterThan(10)
  })

  it('sends non-UTF-8 files as blobs and text inline, never both for one entry', async () => {
    github = await startGithub()
    const binary = Buffer.from([0xff, 0xfe, 0x00, 0x41])
    const directories = new Map([
      ['kore-tools/a-1', new Map([['icon.bin', binary], ...files({ 'flow.json': '{}\n' })])]
    ])
    await commitExport(commitRequest(github, { directories }))
    const writes = github.writes()
    expect(writes.filter(w => w.path.endsWith('/git/blobs'))).toHaveLength(1)
    const [tree] = writes.filter(w => w.path.endsWith('/git/trees'))
    for (const entry of tree?.body.tree ?? [])
      expect('content' in entry && 'sha' in entry).toBe(false)
    expect(github.files('main', 'kore-tools/a-1')['flow.json']).toBe('{}\n')
  })

  it('chains trees when one request would carry more than the size it allows', async () => {
    github = await startGithub()
    const big = 'x'.repeat(MAX_TREE_REQUEST_BYTES / 2)
    const directories = new Map([
      ['kore-tools/a-1', files({ 'a.json': big, 'b.json': big, 'c.json': '{}' })]
    ])
    await commitExport(commitRequest(github, { directories }))
    const trees = github.writes().filter(w => w.path.endsWith('/git/trees'))
    expect(trees).toHaveLength(2)
    expect(trees[1]?.body.base_tree).not.toBe(trees[0]?.body.base_tree)
    expect(Object.keys(github.files('main', 'kore-tools/a-1')).sort()).toEqual([
      'a.json',
      'b.json',
      'c.json'
    ])
  })
})

describe('deliverToRepository', () => {
  let github: Github
  resetGithubEachTest(() => github)

  it('commits at most its cap in one run, failing the tools past it by name', async () => {
    github = await startGithub()
    process.env.GITHUB_REPOSITORY = github.repository
    const dir = tempDir()
    const exported = ['a-1', 'a-2'].map(toolId => {
      const file = path.join(dir, `${toolId}.zip`)
      fs.writeFileSync(file, sampleExport(toolId))
      return { toolId, file, exportJobId: '' }
    })
    const inputs = {
      batch: true,
      tools: exported.map(r => ({ toolId: r.toolId, flowId: '' })),
      commitPath: 'kore-tools/{tool-id}',
      commitBranch: 'main',
      commitMessage: '',
      commitTimeoutSeconds: 60,
      githubToken: github.token,
      pullRequest: false,
      envVariables: 'keep' as const,
      check: false,
      secretsKey: '',
      resource: 'tool' as const,
      apiKey: 'test-key',
      secretScan: 'refuse' as const
    }
    const oneTool = 800
    const { commit, tools } = await deliverToRepository(inputs, exported, oneTool + 200)
    expect(commit?.changed).toBe(true)
    expect(tools.get('a-1')?.errors).toEqual([])
    expect(tools.get('a-2')?.errors[0]).toMatch(
      /^not committed: the tools before it already hold \d+ bytes, and one commit carries at most 1000/
    )
    expect(Object.keys(github.files('main', 'kore-tools/a-2'))).toEqual([])
  })
})

describe('commonParent', () => {
  it.each([
    [['kore-tools/a-1'], 'kore-tools'],
    [['kore-tools/a-1', 'kore-tools/a-2'], 'kore-tools'],
    [['backups/kore/a-1', 'backups/kore/a-2'], 'backups/kore'],
    [['a-1', 'a-2'], ''],
    [['x/a-1', 'y/a-2'], '']
  ])('of %j is %j', (directories, parent) => {
    expect(commonParent(directories)).toBe(parent)
  })
})

describe('pullRequestBranch', () => {
  const inputs = (ids: string[], batch = true) =>
    ({
      batch,
      commitPath: 'kore-tools/{tool-id}',
      tools: ids.map(toolId => ({ toolId, flowId: '' }))
    }) as Inputs

  it('is the target and the tool id for one tool, and a digest of the commit paths for several', () => {
    expect(pullRequestBranch(inputs(['a-1'], false), 'main')).toBe('kore-tool-export/into-main/a-1')
    expect(pullRequestBranch(inputs(['a-1'], false), 'release')).toBe(
      'kore-tool-export/into-release/a-1'
    )
    const one = pullRequestBranch(inputs(['a-1', 'a-2']), 'main')
    expect(one).toMatch(/^kore-tool-export\/into-main\/batch-[0-9a-f]{12}$/)
    expect(pullRequestBranch(inputs(['a-2', 'a-1']), 'main')).toBe(one)
    expect(pullRequestBranch(inputs(['a-1', 'a-3']), 'main')).not.toBe(one)
  })
})
