import * as core from '@actions/core'
import * as fs from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import type { UploadedArtifact } from '../artifact.js'
import { extractZip } from '../backup/archive.js'
import { refuseKeepUnlessPrivate } from '../backup/artifact-copy.js'
import { verifyAppExport } from '../backup/app-export.js'
import { MAX_UPLOAD_BYTES } from '../backup/importable.js'
import { MAX_PULL_REQUEST_BODY, reportMarkdown } from '../backup/report/compose.js'
import { reportTool } from '../backup/report/render.js'
import { messageOf } from '../errors.js'
import { AppImportFailedError, downloadAppVersion, importApp } from '../kore/apps.js'
import { resolveDownloadUrl } from '../kore/download.js'
import { hideSecret, printable } from '../text.js'
import { KoreApiError } from '../kore/call.js'
import { KoreClient } from '../kore/client.js'
import { removeAtExit } from '../temporary-files.js'
import { fillAppValues, readAppBackup, writeAppZip } from './app-backup.js'
import { AppRestoreInputs } from './app-inputs.js'
import { EnvValue, RestoreInput } from './inputs.js'
import { keepBeforeImport, Plan } from './plan.js'
import { withoutSecrets } from './plan-scan.js'
import { MAY_HAVE_STARTED, mayHaveStarted, maybeStartedError } from './restore-tool.js'

/** What the app restore did, for its outputs and summary. */
export interface AppRestoreRecord {
  /** SUCCESS, MAY_HAVE_STARTED, or empty when no import was sent. */
  status: string
  /** Set while the import request is under way (a cancellation then may have cut it short). */
  importing?: boolean
  filled: string[]
  plan?: Plan
  beforeFile: string
  beforeArtifact?: UploadedArtifact
}

/**
 * Import App into an existing app: from a backup (zipped again, sent with File Upload, its URL
 * given as file_url: not documented, *inferred*) or promoted from a live environment (the
 * source's Export App file_url given as it is, as the docs describe). Before it, the target's
 * current version is exported: the plan compares with it, backup-before keeps it as the undo.
 */
export async function restoreApp(
  inputs: AppRestoreInputs,
  record: AppRestoreRecord
): Promise<void> {
  if (inputs.backupBefore && !inputs.plan && inputs.artifactSecrets === 'keep') {
    await refuseKeepUnlessPrivate(RestoreInput.ArtifactSecrets, inputs.githubToken)
  }
  const deadline = Date.now() + inputs.timeoutSeconds * 1000
  const target = new KoreClient(inputs.host, inputs.apiKey, { resource: 'app' })
  const work = await fs.mkdtemp(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'kore-app-'))
  removeAtExit(work)
  const { source } = inputs
  if (source.kind === 'promote' && inputs.envValues.size > 0) {
    throw new Error(
      'env-values: applies to a backup (source); a promotion imports the source environment’s values as they are'
    )
  }
  // The backup is read and filled before any request: a missing secret stops it here.
  const backup =
    source.kind === 'backup'
      ? fillAppValues(await readAppBackup(source.path), inputs.envValues)
      : undefined
  record.filled = backup?.filled ?? []
  const current =
    inputs.plan || inputs.backupBefore ? await exportTarget(inputs, target, deadline) : undefined
  let sourceExport: { fileUrl: string; files?: Map<string, Buffer> } | undefined
  if (source.kind === 'promote') {
    const client = new KoreClient(source.host, source.apiKey, { resource: 'app' })
    core.info(`Exporting app ${source.appId} version ${source.version} from ${source.host}`)
    // Checked (and compared by the plan) before the target is touched, so a broken export is
    // never imported; the import itself takes the source's file_url as it is.
    const file = path.join(work, 'source.zip')
    const exported = await downloadAppVersion(client, source.appId, source.version, {
      ...downloadRules(inputs, file, deadline, source.apiKey),
      verify: async temporary => void (await verifyAppExport(temporary, MAX_UPLOAD_BYTES))
    })
    sourceExport = {
      fileUrl: sameOrigin(exported.fileUrl, source.host),
      files: await filesOf(file)
    }
  }
  const incoming = backup?.files ?? sourceExport?.files ?? new Map<string, Buffer>()
  if (current) record.plan = await planOfApp(inputs, current.files, incoming)
  if (inputs.plan) {
    core.info('plan: true: nothing is uploaded or imported; the plan is in the summary')
    return
  }
  if (current) {
    record.beforeFile = current.file
    record.beforeArtifact = await keepBeforeImport(inputs, current.file, { app: true })
  }
  let fileUrl = sourceExport?.fileUrl ?? ''
  if (backup) {
    const data = await writeAppZip(path.join(work, `${inputs.appId}.zip`), backup.files)
    const uploaded = await target.uploadFile(`${inputs.appId}.zip`, data, deadline)
    if (!uploaded.url) {
      throw new Error(
        `File Upload answered no url for the app's zip, so it cannot be imported${PROMOTE_HINT}`
      )
    }
    // A signed link to the app with its secrets filled in: never printed.
    hideSecret(uploaded.url)
    fileUrl = uploaded.url
  }
  core.info(`Importing into app ${inputs.appId} on ${inputs.host}`)
  record.importing = true
  try {
    const imported = await importApp(target, inputs.appId, fileUrl, deadline)
    record.status = 'SUCCESS'
    core.info(`Imported into app ${inputs.appId}${imported.message ? `: ${imported.message}` : ''}`)
  } catch (error) {
    // Sent: every failure but a refusal Kore.ai stated (a 4xx, status failed) may have imported.
    if (mayHaveStarted(error)) {
      record.status = MAY_HAVE_STARTED
      throw maybeStartedError(error as Error, 'import')
    }
    record.status = 'FAILED'
    // The answers a host would give a file_url it does not take: a bad request, or failed.
    const refusedUpload =
      backup &&
      (error instanceof AppImportFailedError ||
        (error instanceof KoreApiError && [400, 422].includes(error.status)))
    throw refusedUpload ? new Error(`${messageOf(error)}${PROMOTE_HINT}`, { cause: error }) : error
  } finally {
    record.importing = false
  }
}

/**
 * The source's file URL, absolute, and only on source-host's origin as the docs show it: the
 * target fetches whatever it is given, so a link elsewhere is not passed on.
 */
function sameOrigin(fileUrl: string, host: string): string {
  const url = resolveDownloadUrl(fileUrl, host)
  if (url.origin !== new URL(host).origin) {
    throw new Error(
      `source-host's export answer points its file_url at ${printable(url.origin, 200)}, not at ${host}: it is not handed to the import`
    )
  }
  return url.href
}

const PROMOTE_HINT =
  '. Whether Import App takes a File Upload URL is not documented; promotion from a live environment (source-host, source-app-id, source-app-version, source-api-key) is the documented path'

function downloadRules(
  inputs: AppRestoreInputs,
  destination: string,
  deadline: number,
  apiKey: string
) {
  return {
    destination,
    maxBytes: MAX_UPLOAD_BYTES,
    deadline,
    apiKey,
    pollIntervalMs: inputs.pollIntervalSeconds * 1000
  }
}

/** The target app's version as it is now, before anything changes; any failure stops the restore. */
async function exportTarget(
  inputs: AppRestoreInputs,
  client: KoreClient,
  deadline: number
): Promise<{ file: string; files: Map<string, Buffer> }> {
  // Kept for a later step (before-file) unless this is a plan, which keeps nothing.
  const root = process.env.RUNNER_TEMP || os.tmpdir()
  const folder = await fs.mkdtemp(path.join(root, 'kore-before-import-'))
  if (inputs.plan) removeAtExit(folder)
  const file = path.join(folder, `kore-app-${inputs.appId}-before-import.zip`)
  core.info(`Exporting app ${inputs.appId} version ${inputs.appVersion} as it is now`)
  try {
    await downloadAppVersion(client, inputs.appId, inputs.appVersion, {
      ...downloadRules(inputs, file, deadline, inputs.apiKey),
      verify: async temporary => void (await verifyAppExport(temporary, MAX_UPLOAD_BYTES))
    })
  } catch (error) {
    throw new Error(
      `The app's current state could not be exported, so nothing was imported: ${messageOf(error).replace(/\.$/, '')}. Check app-version, or set backup-before: false to import without an undo (plan needs it).`,
      { cause: error }
    )
  }
  return { file, files: await filesOf(file) }
}

async function filesOf(file: string): Promise<Map<string, Buffer>> {
  return new Map((await extractZip(file)).map(entry => [entry.name, entry.data]))
}

/** What the import would change, every file compared; secure values never shown. */
async function planOfApp(
  inputs: AppRestoreInputs,
  before: Map<string, Buffer>,
  after: Map<string, Buffer>
): Promise<Plan> {
  const report = reportTool(inputs.appId, before, after, {
    everyFile: true,
    secretNames: [...inputs.envValues.keys()]
  })
  const plan =
    report.markdown.length === 0
      ? {
          wouldChange: `The app ${inputs.appId} already holds this version: the import changes nothing.`,
          changed: `The app ${inputs.appId} already held this version: the import changed nothing.`
        }
      : {
          wouldChange: reportMarkdown(
            [report],
            MAX_PULL_REQUEST_BODY,
            '####',
            'What this import would change in'
          ),
          changed: reportMarkdown([report], MAX_PULL_REQUEST_BODY)
        }
  // The source's key is a secret of the run too (withoutSecrets knows the target's).
  const { source } = inputs
  const sourceKey: [string, EnvValue][] =
    source.kind === 'promote' ? [['(source-api-key)', { value: source.apiKey, line: 0 }]] : []
  const known = { ...inputs, envValues: new Map([...inputs.envValues, ...sourceKey]) }
  return withoutSecrets(known, plan, [...before.values(), ...after.values()])
}
