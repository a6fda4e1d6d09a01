import * as core from '@actions/core'
import { randomUUID } from 'node:crypto'
import * as fs from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { MAX_UPLOAD_BYTES, verifyExport } from '../backup/importable.js'
import { messageOf } from '../errors.js'
import { removeAtExit } from '../temporary-files.js'
import { KoreClient } from '../kore/client.js'
import { runExportJob } from '../kore/export-job.js'
import { isPlainId } from '../text.js'
import type { RestoreInputs } from './inputs.js'

/**
 * The undo file must itself be restorable, and File Upload takes 25 MB; within that its files
 * unpack to at most four times as much (verifyExport).
 */
const MAX_EXPORT_BYTES = MAX_UPLOAD_BYTES

/** The target's state just before an import: the zip as Kore.ai exported it, and its files. */
export interface CurrentState {
  /** In a folder of its own, which the step made: nothing it did not make is overwritten. */
  file: string
  folder: string
  /** Its importable files by lower-case name, for the plan. */
  files: Map<string, Buffer>
}

/**
 * Exports the tool about to be imported over (Export a Tool → dock status → download, with the
 * export's own checks), so that the import can be undone and its changes shown. When it is kept
 * as the undo (backup-before), it must pass the checks the restore applies to a backup: an undo
 * this action would refuse to restore is no undo. Any failure stops the restore before anything
 * is uploaded, saying how to go on.
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
    const folder = await fs.mkdtemp(
      path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'kore-before-import-')
    )
    const file = path.join(folder, beforeImportName(inputs))
    // A plan keeps nothing: its copy (secrets in clear) goes however the step ends.
    if (inputs.plan) removeAtExit(file)
    // The files as the check read them: the zip takes its name only once they passed, so it
    // is never read twice nor left failed.
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
        const checks = { asRestorable: inputs.backupBefore }
        files = (await verifyExport(temporary, MAX_EXPORT_BYTES, true, checks)).files
      }
    }).catch(async error => {
      await fs.rm(folder, { recursive: true, force: true })
      throw error
    })
    core.info(`Exported ${noun} ${inputs.toolId} as it is now: ${file}`)
    return { file, folder, files }
  } catch (error) {
    const way = !inputs.backupBefore
      ? 'the plan needs its current state'
      : inputs.plan
        ? 'the import would stop here too; backup-before: false would import without an undo'
        : 'set backup-before: false to import without an undo'
    throw new Error(
      `The ${noun} ${inputs.toolId} could not be exported before the import, so nothing was uploaded or imported: ${messageOf(error).replace(/\.$/, '')}; ${way}.`,
      { cause: error }
    )
  }
}

/**
 * `kore-tool-<id>-before-import-<run id>-<attempt>-<random>.zip`: an unarchived artifact takes
 * the file's name, which must be one no other step of the run takes (an undo in the same run
 * keeps a safety export of its own), so the random part.
 */
function beforeImportName(inputs: RestoreInputs): string {
  const plain = (value: string | undefined, fallback: string): string =>
    value && isPlainId(value) ? value : fallback
  const run = plain(process.env.GITHUB_RUN_ID, 'local')
  const attempt = plain(process.env.GITHUB_RUN_ATTEMPT, '1')
  const unique = randomUUID().slice(0, 8)
  return `kore-${inputs.resource}-${inputs.toolId}-before-import-${run}-${attempt}-${unique}.zip`
}
