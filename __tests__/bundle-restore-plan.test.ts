// The restore bundle's plan (a dry run that says what an import would change) and its safety
// export (the target kept, file and artifact, before anything is uploaded).
import { afterEach, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { RESTORE_ENTRY, runAction } from '../scripts/run-action.js'
import { startArtifactService } from './fakes/artifact-service.js'
import { parsedVariables, redactedAsExpected, unzipped } from './helpers/artifact-contents.js'
import { startKoreServer } from './fakes/kore-server.js'
import { sampleExport } from './fakes/zip.js'
import { tempDir } from './helpers/setup.js'

type Kore = Awaited<ReturnType<typeof startKoreServer>>

const TOOL = 'a-target'
const NEW_SECRET = 'new-secret-value-7'

/** The target as exported, with the prompt changed and the token redacted, as a commit holds it. */
const backup = {
  'flow_definition.json': `{"toolId":"${TOOL}","nodes":[{"id":"start","type":"start","next":"ai"},{"id":"ai","type":"aiNode","timeout":45,"prompt":"Say \\"hi\\" \\u00e9t\\u00e9"}],"hyperParameters":{"temperature":0.70,"maxTokens":12345678901234567890,"topP":1.50}}`,
  'app_definition.json': `{"name":"Tool ${TOOL}","version":"1.50","guardrails":[]}`,
  'env_variables.json':
    '[{"key":"BASE_URL","value":"https://example.com","isSecured":false},{"key":"TOKEN","value":"<redacted>","isSecured":true}]'
}

describe('the bundled restore: plan and undo', () => {
  let kore: Kore
  afterEach(() => kore.close())

  const restore = (inputs: Record<string, string>, env: Record<string, string> = {}) => {
    const workspace = tempDir('kore-workspace-')
    fs.mkdirSync(path.join(workspace, 'b'))
    for (const [name, data] of Object.entries(backup)) {
      fs.writeFileSync(path.join(workspace, 'b', name), data)
    }
    return runAction(
      {
        host: kore.url,
        'api-key': kore.apiKey,
        'poll-interval': '1',
        source: 'b',
        'env-values': `TOKEN=${NEW_SECRET}`,
        ...inputs
      },
      { entry: RESTORE_ENTRY, env: { GITHUB_WORKSPACE: workspace, ...env } }
    )
  }

  /** Everything a reader sees, the runner's masking lines left out. */
  const shown = (run: Awaited<ReturnType<typeof restore>>) =>
    [run.stdout.replace(/^::add-mask::.*$/gm, ''), run.summary, JSON.stringify(run.outputs)].join(
      '\n'
    )

  it('plans an import over a tool: exports it once, reports the change, touches nothing', async () => {
    kore = await startKoreServer({ knownTools: [TOOL], jobPolls: 0 })
    const run = await restore({ 'tool-id': TOOL, plan: 'true', deploy: 'true' })
    expect(run.exitCode).toBe(0)
    expect(run.outputs.plan).toContain(
      'node "ai" (aiNode): timeout changed: <code>30</code> → <code>45</code>'
    )
    expect(run.outputs.plan).toContain('variable "TOKEN": value changed (secure: not shown)')
    expect(fs.readFileSync(run.outputs['plan-file'] ?? '', 'utf8')).toBe(run.outputs.plan)
    expect(kore.requestsTo('export')).toHaveLength(1)
    for (const kind of ['upload', 'import', 'deploy'] as const) {
      expect(kore.requestsTo(kind)).toHaveLength(0)
    }
    expect(run.outputs['before-file']).toBe('')
    // Neither the target's secret (exported in clear) nor the one about to be set.
    expect(shown(run)).not.toContain('secret-token')
    expect(shown(run)).not.toContain(NEW_SECRET)
    expect(run.summary).toContain('Kore.ai tool restore plan')
  })

  it('never shows a value set from env-values, secure or not, and keeps no zip in plan mode', async () => {
    kore = await startKoreServer({ knownTools: [TOOL], jobPolls: 0 })
    const url = 'postgres://app_user:BrandNewPassw0rd-for-production-only@db.example:5432/app'
    const run = await restore({
      'tool-id': TOOL,
      plan: 'true',
      'env-values': `TOKEN=${NEW_SECRET}\nBASE_URL=${url}`
    })
    expect(run.exitCode).toBe(0)
    expect(run.outputs.plan).toContain('variable "BASE&#95;URL": value changed (secure: not shown)')
    expect(shown(run)).not.toMatch(/BrandNewPassw0rd|example\.com/)
    const kept = fs.readdirSync(run.runnerTemp).filter(name => name.endsWith('.zip'))
    expect(kept).toEqual([])
  })

  it('refuses a safety export that names another tool, before any upload', async () => {
    kore = await startKoreServer({
      knownTools: [TOOL],
      jobPolls: 0,
      namesOtherTool: { 'export-status': 'a-other' }
    })
    const run = await restore({ 'tool-id': TOOL })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain("Kore.ai's export answer names tool a-other, not a-target")
    expect(kore.requestsTo('upload')).toHaveLength(0)
  })

  it('plans a new tool without a single request', async () => {
    kore = await startKoreServer()
    const run = await restore({ 'tool-name': 'Fresh', plan: 'true' })
    expect(run.exitCode).toBe(0)
    expect(run.outputs.plan).toContain(
      'new tool: 2 nodes (1 start, 1 aiNode); 2 variables (1 secure)'
    )
    expect(kore.requests).toHaveLength(0)
  })

  it('exports the tool before importing over it, keeping the zip as file and a redacted artifact', async () => {
    kore = await startKoreServer({ knownTools: [TOOL], jobPolls: 0 })
    const service = await startArtifactService()
    const run = await restore(
      { 'tool-id': TOOL },
      {
        ...service.env,
        GITHUB_REPOSITORY: 'acme/backups',
        GITHUB_RUN_ID: '77',
        GITHUB_RUN_ATTEMPT: '2'
      }
    ).finally(() => service.close())
    expect(run.exitCode).toBe(0)
    const exported = kore.requests.findIndex(r => r.path.endsWith('/export'))
    const firstUpload = kore.requests.findIndex(r => r.path === '/api/public/files')
    expect(exported).toBeGreaterThanOrEqual(0)
    expect(exported).toBeLessThan(firstUpload)
    const file = run.outputs['before-file'] ?? ''
    expect(path.basename(file)).toMatch(
      new RegExp(`^kore-tool-${TOOL}-before-import-77-2-[0-9a-f]{8}\\.zip$`)
    )
    expect(fs.readFileSync(file).equals(sampleExport(TOOL))).toBe(true)
    const [artifact] = service.artifacts
    expect(artifact?.name).toBe(path.basename(file, '.zip') + '-redacted.zip')
    expect(parsedVariables(await unzipped(artifact?.blob))).toEqual(
      redactedAsExpected(await unzipped(sampleExport(TOOL)))
    )
    expect(run.outputs['before-artifact-id']).toBe(String(artifact?.id))
    expect(run.summary).toContain('To undo this import')
    expect(run.summary).toContain(`/${artifact?.id}">`)
    expect(run.summary).toContain('1 secure value(s) redacted')
    expect(run.stdout).not.toContain('in clear')
    expect(kore.imports).toHaveLength(1)
  })

  it('says the artifact upload failed, not that there is no artifact service', async () => {
    kore = await startKoreServer({ knownTools: [TOOL], jobPolls: 0 })
    const service = await startArtifactService({ forbidden: true })
    const run = await restore({ 'tool-id': TOOL }, service.env).finally(() => service.close())
    expect(run.exitCode).toBe(1)
    expect(run.summary).toContain('the artifact upload failed')
    expect(run.summary).not.toContain('no artifact service')
    expect(run.summary).not.toContain('To undo')
    expect(run.stdout.match(/backup-before: false/g)).toHaveLength(1)
    expect(kore.requestsTo('upload')).toHaveLength(0)
  })

  it('stops before any upload when the safety export fails, naming backup-before', async () => {
    kore = await startKoreServer({ knownTools: [TOOL], jobPolls: 0, outcome: 'FAILED' })
    const run = await restore({ 'tool-id': TOOL })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain(
      `::error::The tool ${TOOL} could not be exported before the import, so nothing was uploaded or imported`
    )
    expect(run.stdout).toContain('set backup-before: false to import without an undo.')
    expect(kore.requestsTo('upload')).toHaveLength(0)
    expect(kore.requestsTo('import')).toHaveLength(0)
  })

  it('needs the Export Tool scope for the safety export, and says so', async () => {
    kore = await startKoreServer({ knownTools: [TOOL], jobPolls: 0, scopes: ['Import Tool'] })
    const run = await restore({ 'tool-id': TOOL })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('its API app has the Export Tool scope')
    expect(kore.requestsTo('upload')).toHaveLength(0)
  })

  it('imports at once with backup-before: false', async () => {
    kore = await startKoreServer({ knownTools: [TOOL], jobPolls: 0 })
    const run = await restore({ 'tool-id': TOOL, 'backup-before': 'false' })
    expect(run.exitCode).toBe(0)
    expect(kore.requestsTo('export')).toHaveLength(0)
    expect(run.outputs['before-file']).toBe('')
    // Without the target's state there is no plan to show.
    expect(run.outputs.plan).toBe('')
    expect(run.outputs['plan-file']).toBe('')
    expect(kore.imports).toHaveLength(1)
  })
})
