// An artifact service that accepts the connection and never answers: @actions/artifact has no
// time limit of its own, so its socket would keep the process alive until the job's limit (6 h).
// Both bundles must end within their documented bound: the upload's timeout, then exit.
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

const TOOL = 'a-4f1c0000-aaaa-5bbb-8ccc-9ddddddddddb'
const TIMEOUT_S = 2
/** The export (or the safety export) and then the upload each get timeout; then a start-up's slack. */
const BOUND_MS = 2 * TIMEOUT_S * 1000 + 4000
/** Far past the bound: a process still running then is killed (exitCode null). */
const KILL_AFTER_MS = 30_000

describe('a hung artifact service', () => {
  let kore: Kore
  let service: Service
  afterEach(async () => {
    await kore.close()
    await service.close()
  })

  it('does not hold the export past timeout: it reports the upload failed and exits', async () => {
    kore = await startKoreServer({ jobPolls: 0 })
    service = await startArtifactService({ hang: true })
    const run = await runAction(
      { host: kore.url, 'tool-id': TOOL, 'api-key': kore.apiKey, timeout: String(TIMEOUT_S) },
      { env: service.env, killAfterMs: KILL_AFTER_MS }
    )

    expect(run.exitCode).toBe(1)
    expect(run.wallMs).toBeLessThan(BOUND_MS)
    expect(service.calls.length).toBeGreaterThan(0)
    expect(run.stdout).toContain(
      `::error::Artifact upload failed: the artifact service did not answer within ${TIMEOUT_S} s (timeout). The zip itself is kept at`
    )
    // The zip is the step's output (the file output), so it stays.
    expect(run.outputs).toMatchObject({ status: 'SUCCESS', 'artifact-id': '' })
    expect(fs.existsSync(run.outputs.file ?? '')).toBe(true)
    expect(run.summary).toContain('did not answer within')
  })

  it('does not hold the restore past timeout: nothing is imported, and it exits', async () => {
    kore = await startKoreServer({ knownTools: [TOOL], jobPolls: 0 })
    service = await startArtifactService({ hang: true })
    const workspace = tempDir('kore-workspace-')
    fs.writeFileSync(path.join(workspace, 'export.zip'), sampleExport(TOOL))
    const run = await runAction(
      {
        host: kore.url,
        'api-key': kore.apiKey,
        'poll-interval': '1',
        source: 'export.zip',
        'tool-id': TOOL,
        timeout: String(TIMEOUT_S)
      },
      {
        entry: RESTORE_ENTRY,
        env: { GITHUB_WORKSPACE: workspace, ...service.env },
        killAfterMs: KILL_AFTER_MS
      }
    )

    expect(run.exitCode).toBe(1)
    expect(run.wallMs).toBeLessThan(BOUND_MS)
    expect(run.stdout).toContain(`did not answer within ${TIMEOUT_S} s (timeout)`)
    expect(kore.requestsTo('upload')).toEqual([])
    expect(kore.imports).toEqual([])
    expect(run.outputs).toMatchObject({ status: '', 'before-artifact-id': '' })
    expect(run.outputs['before-file']).toMatch(/before-import-local-1-[0-9a-f]{8}\.zip$/)
    expect(run.summary).toContain('Kore.ai tool restore')
  })
})
