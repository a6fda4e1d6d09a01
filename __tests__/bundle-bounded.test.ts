// Every step ends within its bound: an artifact service that accepts and never answers must
// not keep either bundle alive after timeout (@actions/artifact has no socket timeout).
import { afterEach, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { RESTORE_ENTRY, runAction } from '../scripts/run-action.js'
import { startArtifactService } from './fakes/artifact-service.js'
import { startKoreServer } from './fakes/kore-server.js'
import { sampleExport } from './fakes/zip.js'
import { tempDir } from './helpers/setup.js'

type Kore = Awaited<ReturnType<typeof startKoreServer>>
type Service = Awaited<ReturnType<typeof startArtifactService>>

const TOOL = 'a-target'

describe('a hung artifact service', () => {
  let kore: Kore
  let service: Service
  afterEach(async () => {
    await kore.close()
    await service.close()
  })

  it('ends the export step after timeout, with its outputs, the zip kept', async () => {
    kore = await startKoreServer({ jobPolls: 0 })
    service = await startArtifactService({ hang: true })
    const run = await runAction(
      { host: kore.url, 'api-key': kore.apiKey, 'tool-id': TOOL, timeout: '3' },
      { env: { ...service.env, GITHUB_WORKSPACE: tempDir('kore-workspace-') } }
    )
    expect(run.exitCode).toBe(1)
    expect(run.wallMs).toBeLessThan(15_000)
    expect(run.stdout).toContain('the artifact service did not answer within 3 s (timeout)')
    expect(run.outputs).toMatchObject({ status: 'SUCCESS', 'artifact-id': '' })
    expect(fs.existsSync(run.outputs.file ?? '')).toBe(true)
  })

  it('ends the restore step after timeout, before anything is uploaded', async () => {
    kore = await startKoreServer({ knownTools: [TOOL], jobPolls: 0 })
    service = await startArtifactService({ hang: true })
    const workspace = tempDir('kore-workspace-')
    fs.writeFileSync(path.join(workspace, 'b.zip'), sampleExport(TOOL))
    const run = await runAction(
      { host: kore.url, 'api-key': kore.apiKey, 'tool-id': TOOL, source: 'b.zip', timeout: '3' },
      { entry: RESTORE_ENTRY, env: { ...service.env, GITHUB_WORKSPACE: workspace } }
    )
    expect(run.exitCode).toBe(1)
    expect(run.wallMs).toBeLessThan(15_000)
    expect(run.stdout).toContain('did not answer within 3 s')
    expect(run.outputs.status).toBe('')
    expect(kore.requestsTo('upload')).toHaveLength(0)
  })
})
