// The README's "Preview, apply, undo", run as a runner would: against a Kore.ai whose export
// holds what was last imported, the undo brings the original files back, in the same job (from
// before-file) and in another run (from the artifact, as download-artifact unpacks it).
import { afterEach, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { RESTORE_ENTRY, runAction } from '../scripts/run-action.js'
import { extractZip } from '../src/backup/archive.js'
import { startArtifactService } from './fakes/artifact-service.js'
import { startKoreServer } from './fakes/kore-server.js'
import { buildZip, sampleExport } from './fakes/zip.js'
import { tempDir } from './helpers/setup.js'

type Kore = Awaited<ReturnType<typeof startKoreServer>>
type Service = Awaited<ReturnType<typeof startArtifactService>>

const TOOL = 'a-target'
const NEW_SECRET = 'new-secret-value-7'
const changed = {
  'flow_definition.json': `{"toolId":"${TOOL}","nodes":[{"id":"start","type":"start","next":"ai"},{"id":"ai","type":"aiNode","timeout":45}]}`,
  'app_definition.json': `{"name":"Tool ${TOOL}","version":"2.0","guardrails":[]}`,
  'env_variables.json':
    '[{"key":"BASE_URL","value":"https://example.com","isSecured":false},{"key":"TOKEN","value":"<redacted>","isSecured":true}]'
}

/** The original export's files, as the undo must bring them back. */
async function originalFiles(): Promise<Record<string, string>> {
  const zip = path.join(tempDir(), 'original.zip')
  fs.writeFileSync(zip, sampleExport(TOOL))
  const entries = await extractZip(zip)
  return Object.fromEntries(entries.map(e => [e.name, e.data.toString('utf8')]))
}

function heldBy(kore: Kore): Record<string, string> {
  const held = kore.held.get(TOOL)
  return {
    'flow_definition.json': held?.flow.toString('utf8') ?? '',
    'app_definition.json': held?.app.toString('utf8') ?? '',
    'env_variables.json': held?.env?.toString('utf8') ?? ''
  }
}

describe('the bundled restore: apply, then undo', () => {
  let kore: Kore
  let service: Service
  afterEach(async () => {
    await kore.close()
    await service.close()
  })

  const workspace = (): string => {
    const dir = tempDir('kore-workspace-')
    fs.mkdirSync(path.join(dir, 'b'))
    for (const [name, data] of Object.entries(changed)) {
      fs.writeFileSync(path.join(dir, 'b', name), data)
    }
    return dir
  }

  const step = (inputs: Record<string, string>, env: Record<string, string>) =>
    runAction(
      {
        host: kore.url,
        'api-key': kore.apiKey,
        'poll-interval': '1',
        'tool-id': TOOL,
        ...inputs
      },
      { entry: RESTORE_ENTRY, env: { ...service.env, GITHUB_REPOSITORY: 'acme/b', ...env } }
    )

  const apply = (env: Record<string, string>) =>
    step({ source: 'b', 'env-values': `TOKEN=${NEW_SECRET}` }, env)

  it('undoes in a later step of the same job, from before-file, keeping the first one', async () => {
    kore = await startKoreServer({ knownTools: [TOOL], jobPolls: 0, stateful: true })
    service = await startArtifactService()
    const job = {
      GITHUB_WORKSPACE: workspace(),
      RUNNER_TEMP: tempDir('kore-runner-temp-'),
      GITHUB_RUN_ID: '77',
      GITHUB_RUN_ATTEMPT: '1'
    }
    const applied = await apply(job)
    expect(applied.exitCode).toBe(0)
    expect(heldBy(kore)['app_definition.json']).toBe(changed['app_definition.json'])
    const beforeFile = applied.outputs['before-file'] ?? ''
    expect(fs.readFileSync(beforeFile).equals(sampleExport(TOOL))).toBe(true)
    expect(applied.summary).toContain('To undo this import')
    expect(applied.summary).toContain(
      `    source: ${JSON.stringify(beforeFile).replaceAll('"', '&quot;')}`
    )

    const undone = await step({ source: beforeFile }, job)
    expect(undone.stderr).toBe('')
    expect(undone.exitCode).toBe(0)
    expect(heldBy(kore)).toEqual(await originalFiles())
    // Its own safety export: another name, another file, the first one untouched.
    expect(service.artifacts.map(a => a.name)).toHaveLength(2)
    expect(new Set(service.artifacts.map(a => a.name)).size).toBe(2)
    expect(undone.outputs['before-file']).not.toBe(beforeFile)
    expect(fs.readFileSync(beforeFile).equals(sampleExport(TOOL))).toBe(true)
  })

  it('undoes in another run, from the redacted artifact unpacked into a folder, with env-values', async () => {
    kore = await startKoreServer({ knownTools: [TOOL], jobPolls: 0, stateful: true })
    service = await startArtifactService()
    const applied = await apply({ GITHUB_WORKSPACE: workspace(), GITHUB_RUN_ID: '77' })
    expect(applied.exitCode).toBe(0)
    const artifact = service.artifacts.find(
      a => String(a.id) === applied.outputs['before-artifact-id']
    )
    expect(applied.summary).toContain(`artifact-ids: ${artifact?.id}`)
    expect(applied.summary).toContain('run-id: 77')

    // What actions/download-artifact does with an unarchived .zip: unpacks it into path.
    const later = tempDir('kore-workspace-')
    const zip = path.join(tempDir(), 'download.zip')
    fs.writeFileSync(zip, artifact?.blob ?? Buffer.alloc(0))
    fs.mkdirSync(path.join(later, 'kore-before-import'))
    for (const entry of await extractZip(zip)) {
      fs.writeFileSync(path.join(later, 'kore-before-import', entry.name), entry.data)
    }
    // The artifact holds the placeholder, never the value; the summary's snippet asks for it.
    expect(artifact?.name).toMatch(/-redacted\.zip$/)
    const unpacked = path.join(later, 'kore-before-import', 'env_variables.json')
    expect(fs.readFileSync(unpacked, 'utf8')).not.toContain('secret-token')
    expect(applied.summary).toContain('TOKEN=${{ secrets.TOKEN }}')
    const without = await step(
      { source: 'kore-before-import' },
      { GITHUB_WORKSPACE: later, GITHUB_RUN_ID: '78' }
    )
    expect(without.exitCode).toBe(1)
    expect(without.stdout).toContain('TOKEN')
    const undone = await step(
      { source: 'kore-before-import', 'env-values': 'TOKEN=secret-token' },
      { GITHUB_WORKSPACE: later, GITHUB_RUN_ID: '79' }
    )
    expect(undone.exitCode).toBe(0)
    expect(heldBy(kore)).toEqual(await originalFiles())
  })

  it('plans over its own before-file without deleting it', async () => {
    kore = await startKoreServer({ knownTools: [TOOL], jobPolls: 0, stateful: true })
    service = await startArtifactService()
    const job = { GITHUB_WORKSPACE: workspace(), RUNNER_TEMP: tempDir('kore-runner-temp-') }
    const applied = await apply(job)
    const beforeFile = applied.outputs['before-file'] ?? ''
    const planned = await step({ source: beforeFile, plan: 'true' }, job)
    expect(planned.exitCode).toBe(0)
    expect(planned.outputs.plan).toContain('What this import would change in')
    expect(fs.readFileSync(beforeFile).equals(sampleExport(TOOL))).toBe(true)
    // The plan's own export of the target is gone: only the apply's folder is left.
    const kept = fs.readdirSync(job.RUNNER_TEMP).filter(name => name.startsWith('kore-before-'))
    expect(kept).toEqual([path.basename(path.dirname(beforeFile))])
  })
})

describe('the bundled restore: a safety export the restore could not bring back', () => {
  let kore: Kore
  afterEach(() => kore.close())

  const utf16 = (text: string) =>
    Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])
  const cases: [string, () => Buffer, string][] = [
    [
      'UTF-16 files',
      () =>
        buildZip([
          { name: 'flow_definition.json', data: utf16('{"nodes":[]}') },
          { name: 'app_definition.json', data: utf16('{"name":"t"}') },
          { name: 'env_variables.json', data: utf16('[]') }
        ]),
      'its flow_definition.json is UTF-16 text'
    ],
    [
      'no env_variables.json',
      () =>
        buildZip([
          { name: 'flow_definition.json', data: '{"nodes":[]}' },
          { name: 'app_definition.json', data: '{"name":"t"}' }
        ]),
      'it holds no env_variables.json'
    ],
    [
      'a 30 MB file in a small zip',
      () =>
        buildZip([
          { name: 'flow_definition.json', data: `{"pad":"${' '.repeat(30 * 1024 * 1024)}"}` },
          { name: 'app_definition.json', data: '{"name":"t"}' },
          { name: 'env_variables.json', data: '[]' }
        ]),
      'more than File Upload takes in one request'
    ]
  ]

  it.each(cases)(
    'refuses %s before any upload, saying backup-before: false goes on without an undo',
    async (_name, zip, why) => {
      const served = zip()
      kore = await startKoreServer({ knownTools: [TOOL], jobPolls: 0, zipFor: () => served })
      const dir = tempDir('kore-workspace-')
      fs.mkdirSync(path.join(dir, 'b'))
      for (const [name, data] of Object.entries(changed))
        fs.writeFileSync(path.join(dir, 'b', name), data)
      const run = await runAction(
        {
          host: kore.url,
          'api-key': kore.apiKey,
          'poll-interval': '1',
          'tool-id': TOOL,
          source: 'b',
          'env-values': `TOKEN=${NEW_SECRET}`
        },
        { entry: RESTORE_ENTRY, env: { GITHUB_WORKSPACE: dir } }
      )
      expect(run.exitCode).toBe(1)
      expect(run.stdout).toContain(
        'the restore could not bring this export back, so it would be no undo'
      )
      expect(run.stdout).toContain(why)
      expect(run.stdout).toContain('set backup-before: false to import without an undo')
      expect(kore.requestsTo('upload')).toHaveLength(0)
      expect(kore.requestsTo('import')).toHaveLength(0)
      expect(run.outputs['before-file']).toBe('')
      expect(fs.readdirSync(run.runnerTemp).filter(n => n.startsWith('kore-before-'))).toEqual([])
    }
  )
})
