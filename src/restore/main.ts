/**
 * src/restore/ is the way back (restore/action.yml): it owns its inputs, outputs and summary,
 * reading a backup (a committed folder or a zip) and filling its secrets from env-values, and
 * the restore step (upload, import, optional deploy, each checked against the tool asked
 * for). It uses kore/ for the API, backup/ for what a backup is, and plumbing; never the export.
 */
import * as core from '@actions/core'
import * as fs from 'node:fs/promises'
import { isCancelled } from '../cancel.js'
import { messageOf } from '../errors.js'
import { inputError } from '../input-names.js'
import { newReport } from '../step.js'
import { writeErrorSummary } from '../summary-html.js'
import { Backup, readBackup } from './backup.js'
import {
  decryptSecureValues,
  recipientOf,
  SECRETS_FILE,
  SealedValues
} from '../backup/secrets-file.js'
import { reportWhenCancelled } from './cancelled.js'
import { fillEnvValues, refusePlaceholders } from './env-values.js'
import { readRestoreInputs, RestoreInput, RestoreInputs } from './inputs.js'
import { exportCurrentState } from './current-state.js'
import { keepBeforeImport, planOf } from './plan.js'
import { withoutSecrets } from './plan-scan.js'
import { refuseKeepUnlessPrivate } from '../backup/artifact-copy.js'
import { reportRestore } from './report.js'
import { MAY_HAVE_STARTED, RestoreRecord, restoreTool } from './restore-tool.js'
import { AppRestoreInputs, readAppRestoreInputs } from './app-inputs.js'
import { reportAppRestore } from './app-report.js'
import { AppRestoreRecord, restoreApp } from './restore-app.js'

/** The restore action: validates everything before any request, then reports once. */
export async function run(): Promise<void> {
  // An app has inputs and steps of its own; the resource is read as every choice is.
  if (core.getInput(RestoreInput.Resource).toLowerCase() === 'app') return runAppRestore()
  const report = newReport()
  let inputs: RestoreInputs | undefined
  const record: RestoreRecord = {
    toolId: '',
    dockStatusId: '',
    status: '',
    deployed: false,
    deployStatus: '',
    filled: [],
    decrypted: [],
    beforeFile: ''
  }
  let error = ''
  try {
    const given = (inputs = readRestoreInputs())
    reportWhenCancelled(report, given, record)
    if (given.toolId && given.backupBefore && !given.plan && given.artifactSecrets === 'keep') {
      await refuseKeepUnlessPrivate(RestoreInput.ArtifactSecrets, given.githubToken)
    }
    // Reading the backup counts against timeout too: the import's time starts now.
    const startedAt = Date.now()
    const backup = await readBackup(given.source, startedAt + given.timeoutSeconds * 1000)
    if (given.toolId && !backup.env) {
      throw inputError(
        RestoreInput.Source,
        'has no env_variables.json, and Kore.ai requires one to import over an existing tool: restore it as a new tool (tool-name), or restore from a backup made without env-variables: omit'
      )
    }
    const sealed = await openSecureValues(backup, given.secretsKey)
    const env = fillEnvValues(backup.env, given.envValues, sealed)
    record.filled = env?.filled ?? []
    record.decrypted = env?.decrypted ?? []
    if (record.filled.length > 0)
      core.info(`Set from env-values: ${record.filled.length} variable(s)`)
    if (record.decrypted.length > 0)
      core.info(`Set from ${SECRETS_FILE}: ${record.decrypted.length} variable(s)`)
    const toUpload = { ...backup, env: env?.data }
    refusePlaceholders({
      'flow_definition.json': toUpload.flow,
      'app_definition.json': toUpload.app,
      'env_variables.json': toUpload.env
    })
    // Validated as for a real import; then the target's current state, before anything changes.
    const current =
      given.toolId && (given.plan || given.backupBefore)
        ? await exportCurrentState(given, Date.now() + given.timeoutSeconds * 1000)
        : undefined
    // Over an existing tool without its current state (backup-before: false) there is no plan.
    if (current || !given.toolId) {
      const plan = planOf(given, current?.files, toUpload, record.decrypted)
      const variables = [current?.files.get('env_variables.json'), toUpload.env]
      record.plan = await withoutSecrets(given, plan, variables)
    }
    if (given.plan) {
      // Nothing will be imported: the target's zip (its secrets in clear) is not kept. Only the
      // folder this step made goes: the source may be an earlier step's before-file.
      if (current) await fs.rm(current.folder, { recursive: true, force: true })
      core.info('plan: true: nothing is uploaded, imported or deployed; the plan is in the summary')
      return
    }
    if (current) {
      record.beforeFile = current.file
      record.beforeArtifact = await keepBeforeImport(given, current.file)
    }
    await restoreTool(given, toUpload, record, current ? Date.now() : startedAt)
  } catch (caught) {
    error = messageOf(caught)
    // A cancellation already said what happened; what it cut off is no news.
    if (!isCancelled()) core.setFailed(error)
  } finally {
    const known = inputs
    await report.write(() =>
      known ? reportRestore(known, record, error) : writeErrorSummary('Kore.ai tool restore', error)
    )
  }
}

/** resource: app: an agentic app imported into an existing app (restore-app.ts). */
async function runAppRestore(): Promise<void> {
  const report = newReport()
  let inputs: AppRestoreInputs | undefined
  const record: AppRestoreRecord = { status: '', filled: [], beforeFile: '' }
  let error = ''
  try {
    const given = (inputs = readAppRestoreInputs())
    report.ifCancelled(async reason => {
      const cut = record.importing
      const message = `${reason} ${cut ? 'while the import request was under way: Kore.ai may have imported all the same; check in Kore.ai before running this step again.' : record.status ? `after the import ended (${record.status}).` : 'before the import was requested: nothing was imported.'}`
      core.setFailed(message)
      await reportAppRestore(
        given,
        { ...record, status: cut ? MAY_HAVE_STARTED : record.status },
        message
      )
    })
    await restoreApp(given, record)
  } catch (caught) {
    error = messageOf(caught)
    if (!isCancelled()) core.setFailed(error)
  } finally {
    const known = inputs
    await report.write(() =>
      known
        ? reportAppRestore(known, record, error)
        : writeErrorSummary('Kore.ai app restore', error)
    )
  }
}

/** The backup's encrypted secure values, read with secrets-key before any request. */
async function openSecureValues(backup: Backup, key: string): Promise<SealedValues> {
  if (!key) return new Map()
  if (!backup.secrets) {
    core.warning(`${RestoreInput.SecretsKey} is ignored: the backup has no ${SECRETS_FILE}`)
    return new Map()
  }
  await recipientOf(key).catch((error: unknown) => {
    throw inputError(RestoreInput.SecretsKey, messageOf(error))
  })
  return decryptSecureValues(backup.secrets, key).catch((error: unknown) => {
    throw inputError(RestoreInput.Source, `its ${SECRETS_FILE}: ${messageOf(error)}`)
  })
}
