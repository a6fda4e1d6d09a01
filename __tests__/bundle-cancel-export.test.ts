// The bundled export cancelled as the runner cancels a step, mid-download: the half-written
// download (secure values in clear) is gone from the workspace or RUNNER_TEMP, the outputs and
// summary say the step was cancelled, once, and the step exits non-zero within a few seconds.
import { afterEach, describe, expect, it } from '@jest/globals'
import * as path from 'node:path'
import { runAction } from '../scripts/run-action.js'
import { startKoreServer } from './fakes/kore-server.js'
import { cancelWhen, filesUnder, outputsWritten } from './helpers/cancel.js'
import { tempDir } from './helpers/setup.js'

type Kore = Awaited<ReturnType<typeof startKoreServer>>

const TOOL = 'a-4f1c0000-aaaa-5bbb-8ccc-9ddddddddddb'
const OUTPUTS = [
  'status',
  'dock-status-id',
  'export-job-id',
  'file',
  'sha256',
  'size',
  'artifact-id',
  'artifact-url',
  'artifact-digest',
  'changed',
  'drifted',
  'commit-sha',
  'commit-url',
  'pull-request-number',
  'pull-request-url',
  'pull-request-opened',
  'results',
  'report'
]

describe('the bundled export, cancelled mid-download', () => {
  let kore: Kore
  afterEach(() => kore.close())

  /**
   * The export of TOOL, into a folder of the workspace (path) or RUNNER_TEMP's default, cancelled
   * with `signals` while the download is under way: its .part file there, half written.
   */
  async function cancelledExport(inWorkspace: boolean, ...signals: NodeJS.Signals[]) {
    kore = await startKoreServer({ jobPolls: 0, stallDownloads: 1 })
    const workspace = tempDir('kore-workspace-')
    const folder = inWorkspace ? path.join(workspace, 'backups') : undefined
    const downloading = (runnerTemp: string): boolean =>
      kore.requestsTo('download').length === 1 &&
      filesUnder(folder ?? runnerTemp).some(file => file.endsWith('.part'))
    const cancel = cancelWhen(downloading, ...signals)
    const run = await runAction(
      {
        host: kore.url,
        'tool-id': TOOL,
        'api-key': kore.apiKey,
        'upload-artifact': 'false',
        ...(folder ? { path: folder } : {})
      },
      { env: { GITHUB_WORKSPACE: workspace }, during: cancel.during, killAfterMs: 30_000 }
    )
    return { run, cancel, workspace }
  }

  it.each([
    ['into the workspace (path)', 'SIGINT', true],
    ['into RUNNER_TEMP (no path)', 'SIGTERM', false]
  ] as const)(
    '%s, on %s: leaves no partial download and reports once',
    async (_, signal, inWorkspace) => {
      const { run, cancel, workspace } = await cancelledExport(inWorkspace, signal)

      expect(run.exitCode).toBe(1)
      expect(cancel.exitedAfterMs(run)).toBeLessThan(3000)
      expect(filesUnder(workspace)).toEqual([])
      expect(filesUnder(run.runnerTemp)).toEqual(['github_output', 'step_summary'])
      expect(outputsWritten(run)).toEqual(OUTPUTS)
      expect(run.outputs).toMatchObject({ status: 'SUCCESS', file: '', changed: '' })
      const [result] = JSON.parse(run.outputs.results ?? '[]')
      expect(result).toMatchObject({ 'tool-id': TOOL, file: '' })
      expect(result.error).toContain(
        `The step was cancelled (${signal}): no further request was sent`
      )
      expect(run.stdout).toContain(`::error::The step was cancelled (${signal})`)
      expect(run.stdout.match(/^::error::/gm)).toHaveLength(1)
      expect(run.summary).toContain(`The step was cancelled (${signal})`)
      expect(run.summary.match(/Kore\.ai tool export/g)).toHaveLength(1)
      // Nothing was sent after the signal: no second try at the download.
      expect(kore.requests.filter(request => request.at > cancel.sent.at)).toEqual([])
    }
  )

  it('ends at once on a second signal, before the download cleaned up after itself: no partial file either', async () => {
    const { run, cancel, workspace } = await cancelledExport(true, 'SIGINT', 'SIGTERM')

    expect(run.exitCode).toBe(1)
    expect(cancel.exitedAfterMs(run)).toBeLessThan(3000)
    expect(filesUnder(workspace)).toEqual([])
    expect(filesUnder(run.runnerTemp)).toEqual(['github_output', 'step_summary'])
  })
})
