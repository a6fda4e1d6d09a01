// Both bundles against a host that speaks AI for Process's workflows dialect (its tools paths
// answer 404), with either spelling of the export path its documentation gives.
import { afterEach, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { RESTORE_ENTRY, runAction } from '../scripts/run-action.js'
import { startKoreServer } from './fakes/kore-server.js'
import { tempDir } from './helpers/setup.js'

type Kore = Awaited<ReturnType<typeof startKoreServer>>

describe('the bundles with resource: workflow', () => {
  let kore: Kore
  afterEach(() => kore.close())

  const exportRun = (inputs: Record<string, string>) =>
    runAction({
      host: kore.url,
      'api-key': kore.apiKey,
      'poll-interval': '1',
      'upload-artifact': 'false',
      ...inputs
    })

  it('exports a batch, trying the second path spelling once for the whole run', async () => {
    kore = await startKoreServer({ dialect: 'workflows', exportSpelling: 'workflow', jobPolls: 0 })
    const run = await exportRun({
      resource: 'workflow',
      tools: 'a-wf-1\na-wf-2\na-wf-3',
      'max-parallel': '3'
    })
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain('Exporting workflow a-wf-1')
    const paths = kore.requestsTo('export').map(r => r.path)
    // Three at once, and still one wrong spelling tried for the whole run.
    expect(paths.filter(p => p.startsWith('/api/public/workflows/'))).toHaveLength(1)
    expect(paths.filter(p => p.startsWith('/api/public/workflow/')).sort()).toEqual([
      '/api/public/workflow/a-wf-1/export',
      '/api/public/workflow/a-wf-2/export',
      '/api/public/workflow/a-wf-3/export'
    ])
    const results = JSON.parse(run.outputs.results ?? '[]')
    expect(results.map((r: { status: string }) => r.status)).toEqual([
      'SUCCESS',
      'SUCCESS',
      'SUCCESS'
    ])
  })

  it('names resource when a tool is asked of a workflows host', async () => {
    kore = await startKoreServer({ dialect: 'workflows', jobPolls: 0 })
    const run = await exportRun({ 'tool-id': 'a-wf-1' })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('on an AI for Process host, set resource: workflow')
    expect(kore.requestsTo('export')).toHaveLength(1)
  })

  it('fails a CANCELLED job at once, naming the status, instead of polling to timeout', async () => {
    kore = await startKoreServer({ dialect: 'workflows', jobPolls: 0, outcome: 'CANCELLED' })
    const before = Date.now()
    const run = await exportRun({ resource: 'workflow', 'tool-id': 'a-wf-1', timeout: '60' })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toMatch(/::error::Kore.ai reports the export job ds-\S+ ended CANCELLED/)
    expect(run.outputs.status).toBe('CANCELLED')
    expect(kore.requestsTo('status')).toHaveLength(1)
    expect(Date.now() - before).toBeLessThan(20_000)
  })

  const restore = (files: Record<string, string>, inputs: Record<string, string>) => {
    const workspace = tempDir('kore-workspace-')
    fs.mkdirSync(path.join(workspace, 'b'))
    for (const [name, data] of Object.entries(files)) {
      fs.writeFileSync(path.join(workspace, 'b', name), data)
    }
    return runAction(
      { host: kore.url, 'api-key': kore.apiKey, 'poll-interval': '1', source: 'b', ...inputs },
      { entry: RESTORE_ENTRY, env: { GITHUB_WORKSPACE: workspace } }
    )
  }
  const backup = {
    'flow_definition.json': '{"nodes":[]}',
    'app_definition.json': '{"name":"w"}',
    'env_variables.json': '[{"key":"T","value":"<redacted>","isSecured":true}]'
  }

  it('restores a new workflow and deploys it through the workflows paths and fields', async () => {
    kore = await startKoreServer({ dialect: 'workflows', jobPolls: 0 })
    const run = await restore(backup, {
      resource: 'workflow',
      'tool-name': 'Claims intake',
      'env-values': 'T=token-value-1',
      deploy: 'true'
    })
    expect(run.exitCode).toBe(0)
    expect(kore.imports[0]?.toolName).toBe('Claims intake')
    expect(kore.deployed).toEqual([run.outputs['tool-id']])
    expect(kore.requestsTo('deploy')[0]?.path).toMatch(
      /^\/api\/public\/workflows\/a-[^/]+\/deploy$/
    )
    expect(run.summary).toContain('Kore.ai workflow restore')
  })

  it('imports over an existing workflow and warns which values Kore.ai may keep', async () => {
    kore = await startKoreServer({ dialect: 'workflows', jobPolls: 0, knownTools: ['a-wf-9'] })
    const run = await restore(backup, {
      resource: 'workflow',
      'tool-id': 'a-wf-9',
      'env-values': 'T=token-value-2'
    })
    expect(run.exitCode).toBe(0)
    expect(kore.requestsTo('import')[0]?.path).toBe('/api/public/workflows/a-wf-9/import')
    expect(run.stdout).toMatch(
      /::warning::Imported over an existing workflow: Kore.ai keeps the variables it already has unless they changed, so these values set by this step may not have taken effect: T\./
    )
  })

  it('refuses a resource it does not know before any request', async () => {
    kore = await startKoreServer({ dialect: 'workflows' })
    const run = await restore(backup, { resource: 'bots', 'tool-name': 'x' })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('::error::resource: "bots" is not one of tool, workflow')
    expect(kore.requests).toHaveLength(0)
  })
})
