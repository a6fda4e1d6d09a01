// The bundled restore cancelled as the runner cancels a step (SIGINT, or SIGTERM): it stops
// sending, writes the outputs and summary that hold at that moment, once, and exits non-zero
// within a few seconds, long before the runner's SIGTERM (about 7.5 s after its SIGINT).
import { afterEach, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { RESTORE_ENTRY, runAction } from '../scripts/run-action.js'
import { startArtifactService } from './fakes/artifact-service.js'
import { startKoreServer } from './fakes/kore-server.js'
import { sampleExport } from './fakes/zip.js'
import { cancelWhen, filesUnder, outputsWritten } from './helpers/cancel.js'
import { tempDir } from './helpers/setup.js'

type Kore = Awaited<ReturnType<typeof startKoreServer>>

const TOOL = 'a-4f1c0000-aaaa-5bbb-8ccc-9ddddddddddb'
const OUTPUTS = [
  'tool-id',
  'dock-status-id',
  'status',
  'deployed',
  'deploy-status',
  'plan',
  'plan-file',
  'before-file',
  'before-artifact-id'
]
/** Well under the 7.5 s after which the runner follows SIGINT with SIGTERM. */
const PROMPT_MS = 3000

describe('the bundled restore, cancelled', () => {
  let kore: Kore
  afterEach(() => kore.close())

  const restore = (
    inputs: Record<string, string>,
    cancel: ReturnType<typeof cancelWhen>,
    env: Record<string, string> = {}
  ) => {
    const workspace = tempDir('kore-workspace-')
    fs.writeFileSync(path.join(workspace, 'export.zip'), sampleExport(TOOL))
    return runAction(
      {
        host: kore.url,
        'api-key': kore.apiKey,
        'poll-interval': '1',
        source: 'export.zip',
        ...inputs
      },
      {
        entry: RESTORE_ENTRY,
        env: { GITHUB_WORKSPACE: workspace, ...env },
        during: cancel.during,
        killAfterMs: 30_000
      }
    )
  }

  it('while the import job runs: says it may have started, with its id and the undo, once', async () => {
    kore = await startKoreServer({ knownTools: [TOOL], importPolls: 1000 })
    const service = await startArtifactService()
    const cancel = cancelWhen(() => kore.requestsTo('status').length >= 3)
    const run = await restore({ 'tool-id': TOOL }, cancel, service.env).finally(() =>
      service.close()
    )

    expect(run.exitCode).toBe(1)
    expect(cancel.exitedAfterMs(run)).toBeLessThan(PROMPT_MS)
    const importJob = [...kore.jobs.values()].find(job => job.action === 'IMPORT')
    expect(run.outputs).toEqual({
      'tool-id': TOOL,
      'dock-status-id': importJob?.id,
      status: 'MAY_HAVE_STARTED',
      deployed: 'false',
      'deploy-status': '',
      // The import's end is not known: nothing is said to have changed.
      plan: '',
      'plan-file': '',
      'before-file': expect.stringMatching(
        new RegExp(
          `^${run.runnerTemp}/kore-before-import-[^/]+/kore-tool-${TOOL}-before-import-local-1-[0-9a-f]{8}\\.zip$`
        )
      ),
      'before-artifact-id': String(service.artifacts[0]?.id)
    })
    expect(outputsWritten(run)).toEqual(OUTPUTS)
    expect(run.stdout).toContain(
      `::error::The step was cancelled (SIGINT) while Kore.ai's import job ${importJob?.id} was running: it goes on without this step`
    )
    expect(run.stdout.match(/^::error::/gm)).toHaveLength(1)
    expect(run.summary).toContain('The step was cancelled (SIGINT)')
    expect(run.summary).toContain('may have started')
    expect(run.summary.match(/Kore\.ai tool restore/g)).toHaveLength(1)
    // Nothing was sent after the signal.
    expect(kore.requests.filter(request => request.at > cancel.sent.at)).toEqual([])
    // The undo zip is an output; nothing else of the step's is left.
    expect(filesUnder(run.runnerTemp)).toEqual([
      'github_output',
      path.relative(run.runnerTemp, run.outputs['before-file'] ?? ''),
      'step_summary'
    ])
  })

  it('while the import request waits for its answer (SIGTERM): may have started, no job id', async () => {
    kore = await startKoreServer({ importFailures: [{ hang: true }] })
    const cancel = cancelWhen(() => kore.requestsTo('import').length === 1, 'SIGTERM')
    const run = await restore({ 'tool-name': 'Restored' }, cancel)

    expect(run.exitCode).toBe(1)
    expect(cancel.exitedAfterMs(run)).toBeLessThan(PROMPT_MS)
    expect(run.outputs).toMatchObject({
      'tool-id': '',
      'dock-status-id': '',
      status: 'MAY_HAVE_STARTED',
      deployed: 'false',
      'before-file': '',
      'before-artifact-id': ''
    })
    expect(outputsWritten(run)).toEqual(OUTPUTS)
    expect(run.summary).toContain(
      'The step was cancelled (SIGTERM) while the import request was under way: Kore.ai may have started the import all the same'
    )
  })

  it('while the deploy runs: the import succeeded, the deploy may have started', async () => {
    kore = await startKoreServer({ importPolls: 0, deployPolls: 1000 })
    const cancel = cancelWhen(() => kore.requestsTo('status').length >= 2)
    const run = await restore({ 'tool-name': 'Restored', deploy: 'true' }, cancel)

    expect(run.exitCode).toBe(1)
    expect(cancel.exitedAfterMs(run)).toBeLessThan(PROMPT_MS)
    expect(kore.requestsTo('deploy')).toHaveLength(1)
    expect(run.outputs).toMatchObject({
      'tool-id': kore.imports[0]?.toolId,
      status: 'SUCCESS',
      deployed: 'false',
      'deploy-status': 'MAY_HAVE_STARTED'
    })
    expect(outputsWritten(run)).toEqual(OUTPUTS)
    expect(run.summary).toMatch(/<td>Deploy<\/td><td>may have started/)
    expect(run.summary).toContain('while the deploy of tool a-')
  })

  it('before anything was imported: says so, and sends no import', async () => {
    kore = await startKoreServer({ knownTools: [TOOL], jobPolls: 1000 })
    const cancel = cancelWhen(() => kore.requestsTo('status').length >= 1)
    const run = await restore({ 'tool-id': TOOL }, cancel)

    expect(run.exitCode).toBe(1)
    expect(cancel.exitedAfterMs(run)).toBeLessThan(PROMPT_MS)
    expect(run.outputs).toMatchObject({ status: '', 'dock-status-id': '', 'before-file': '' })
    expect(kore.requestsTo('upload')).toEqual([])
    expect(outputsWritten(run)).toEqual(OUTPUTS)
    expect(run.summary).toContain('before the import was requested: nothing was imported')
    // The safety export never finished: no zip of it, no download in progress, is left.
    expect(filesUnder(run.runnerTemp)).toEqual(['github_output', 'step_summary'])
  })
})
