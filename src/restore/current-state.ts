import * as core from '@actions/core'
import * as os from 'node:os'
import * as path from 'node:path'
import { verifyExport } from '../backup/importable.js'
import { messageOf } from '../errors.js'
import { KoreClient } from '../kore/client.js'
import { runExportJob } from '../kore/export-job.js'
import { isPlainId } from '../text.js'
import { MAX_UPLOAD_BYTES } from './backup.js'
import type { RestoreInputs } from './inputs.js'

/**
 * The undo file must itself be restorable, and File Upload takes 25 MB; within that its files
 * unpack to at most four times as much (verifyExport).
 */
const MAX_EXPORT_BYTES = MAX_UPLOAD_BYTES

/** The target's state just before an import: the zip as Kore.ai exported it, and its files. */
export interface CurrentState {
  file: string
  /** Its importable files by lower-case name, for the plan. */
  files: Map<string, Buffer>
}

/**
 * Exports the tool about to be imported over (Export a Tool → dock status → download, with the
 * export's own checks), so that the import can be undone and its changes shown. Any failure
 * stops the restore before anything is uploaded, saying backup-before: false skips this.
 */
export async function exportCurrentState(
  inputs: RestoreInputs,
  deadline: number
): Promise<CurrentState> {
  const noun = inputs.resource
  const client = new KoreClient(inputs.host, inputs.apiKey, { resource: inputs.resource })
  const startedAt = Date.now()
  try {
    core.info(`Exporting ${noun} ${inputs.toolId} as it is now, before anything changes`)
    const file = path.join(process.env.RUNNER_TEMP || os.tmpdir(), beforeImportName(inputs))
    // The files as the export's own check read them (UTF-16 with a byte order mark included):
    // the zip takes its name only once they passed, so it is never read twice nor left failed.
    let files = new Map<string, Buffer>()
    await runExportJob(client, {
      toolId: inputs.toolId,
      flowId: inputs.flowId,
      destination: file,
      pollIntervalMs: inputs.pollIntervalSeconds * 1000,
      startedAt,
      deadline,
      maxDownloadBytes: MAX_EXPORT_BYTES,
      apiKey: inputs.apiKey,
      verify: async temporary => {
        files = (await verifyExport(temporary, MAX_EXPORT_BYTES, true)).files
      }
    })
    core.info(`Exported ${noun} ${inputs.toolId} as it is now: ${file}`)
    return { file, files }
  } catch (error) {
    const way = inputs.plan
      ? 'the plan needs its current state (the key needs the Export Tool scope)'
      : 'set backup-before: false to import without keeping its current state'
    throw new Error(
      `The ${noun} ${inputs.toolId} could not be exported before the import, so nothing was uploaded or imported: ${messageOf(error).replace(/\.$/, '')}; ${way}.`,
      { cause: error }
    )
  }
}

/**
 * `kore-tool-<id>-before-import-<run id>-<attempt>.zip`: an unarchived artifact takes the
 * file's name, so the file carries the artifact's.
 */
function beforeImportName(inputs: RestoreInputs): string {
  const plain = (value: string | undefined, fallback: string): string =>
    value && isPlainId(value) ? value : fallback
  const run = plain(process.env.GITHUB_RUN_ID, 'local')
  const attempt = plain(process.env.GITHUB_RUN_ATTEMPT, '1')
  return `kore-${inputs.resource}-${inputs.toolId}-before-import-${run}-${attempt}.zip`
}
