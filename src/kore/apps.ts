import * as core from '@actions/core'
import type { KoreClient } from './client.js'
import { json, parseJson } from './call.js'
import { DownloadedFile, downloadExport } from './download.js'
import { JobFailedError, waitForJob } from './poll.js'
import { firstString, parseExportStarted, UnexpectedResponseError } from './responses.js'
import type { RetryPolicy } from '../retry.js'
import { isPlainId, printable } from '../text.js'

/**
 * Agentic apps (Agent Platform → Import and Export Agentic Apps): an app version exports in one
 * synchronous call that answers a signed file URL, and imports into an existing app from such a
 * URL. See shared/reference/kore-apps-api.md; what is not documented is marked so below.
 */

const SCOPE = 'Import/Export'

export interface AppExported {
  appId: string
  /** The version the answer names (empty when it names none). */
  version: string
  fileUrl: string
}

/**
 * GET /api/public/apps/{appId}/versions/{versionId}/export. The docs answer at once with a
 * file_url; an answer that carries a dock status id instead (not documented) is polled as a
 * tool export is, and its download link taken from the finished job.
 */
export async function exportApp(
  client: KoreClient,
  appId: string,
  versionId: string,
  { deadline, pollIntervalMs = 2000 }: { deadline: number; pollIntervalMs?: number }
): Promise<AppExported> {
  const what = `Export of app ${appId} version ${versionId}`
  const text = await client.request({
    method: 'GET',
    path: `/api/public/apps/${encodeURIComponent(appId)}/versions/${encodeURIComponent(versionId)}/export`,
    what,
    scope: SCOPE,
    notFoundHint:
      'check app-id and app-version, and that this version of the app exists in this environment (host)',
    repeatable: true,
    deadline
  })
  const record = asRecord(parseJson(text, what))
  const named = firstString(record, ['app_id', 'appId'])
  if (named && named !== appId) {
    throw new Error(
      `Kore.ai's export answer names app ${printable(named, 100)}, not ${appId}: nothing was kept`
    )
  }
  const version = printable(firstString(record, ['version', 'versionId']), 200)
  if (version && version !== versionId) {
    throw new Error(
      `Kore.ai's export answer names version ${version} of app ${appId}, not ${versionId}: nothing was kept`
    )
  }
  let fileUrl = firstString(record, ['file_url', 'fileUrl']).trim()
  if (!fileUrl) fileUrl = await polledFileUrl(client, record, { what, deadline, pollIntervalMs })
  return { appId, version, fileUrl }
}

async function polledFileUrl(
  client: KoreClient,
  record: Record<string, unknown>,
  { what, deadline, pollIntervalMs }: { what: string; deadline: number; pollIntervalMs: number }
): Promise<string> {
  let started
  try {
    started = parseExportStarted(record)
  } catch {
    const keys = printable(Object.keys(record).join(', ')) || 'none'
    throw new UnexpectedResponseError(
      `the ${what} answer has no file_url and no dock status id; keys sent: ${keys}`
    )
  }
  if (started.state === 'FAILED') {
    throw new JobFailedError('export', started.dockStatusId, started.reason, started.status)
  }
  const startedAt = Date.now()
  const finished = await waitForJob(client, started.dockStatusId, {
    pollIntervalMs,
    startedAt,
    timeoutMs: deadline - startedAt
  })
  const url = finished.downloadUrl || started.downloadUrl
  if (!url) throw new Error(`${what}: Kore.ai reported SUCCESS but sent no file URL`)
  return url
}

export interface AppDownloadRequest {
  destination: string
  maxBytes: number
  maxBytesInput?: string
  deadline: number
  apiKey: string
  retry?: RetryPolicy
  label?: string
  verify: (temporary: string) => Promise<void>
}

/** Export App, then its file_url downloaded with every rule of a tool's download. */
export async function downloadAppVersion(
  client: KoreClient,
  appId: string,
  versionId: string,
  request: AppDownloadRequest & { pollIntervalMs?: number }
): Promise<DownloadedFile & AppExported> {
  const exported = await exportApp(client, appId, versionId, request)
  core.info(`${request.label ?? ''}App export ready: version ${exported.version || versionId}`)
  const file = await downloadExport(exported.fileUrl, { host: client.host, ...request })
  return { ...file, ...exported }
}

/** Kore.ai said the import failed (it rolls a failed import back): nothing changed. */
export class AppImportFailedError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'AppImportFailedError'
  }
}

export interface AppImported {
  appId: string
  message: string
}

/**
 * POST /api/public/apps/import?importType=FULL with `{ app_id, file_url }`, into an existing app.
 * Never repeated once it may have acted; an answer other than success fails with its message.
 */
export async function importApp(
  client: KoreClient,
  appId: string,
  fileUrl: string,
  deadline: number
): Promise<AppImported> {
  const what = `Import into app ${appId}`
  const text = await client.request({
    method: 'POST',
    path: '/api/public/apps/import?importType=FULL',
    what,
    scope: SCOPE,
    notFoundHint:
      'check app-id: the app must already exist in this environment (host); create it in Kore.ai first',
    body: json({ app_id: appId, file_url: fileUrl }),
    repeatable: false,
    deadline
  })
  const record = asRecord(parseJson(text, what))
  const status = firstString(record, ['status']).toLowerCase()
  const message = printable(firstString(record, ['message', 'msg']), 500)
  const said = message ? `: ${message}` : ''
  const named = firstString(record, ['appId', 'app_id'])
  if (named && named !== appId) {
    throw new UnexpectedResponseError(
      `${what}: Kore.ai's answer names app ${isPlainId(named) ? named : printable(named, 100)}, not ${appId}; check in Kore.ai which app changed`
    )
  }
  if (/^(failed|failure|error)$/.test(status)) {
    throw new AppImportFailedError(`${what} failed: Kore.ai answered status "${status}"${said}`)
  }
  // Neither success nor failure (none, IN_PROGRESS…): whether it imported cannot be told.
  if (status !== 'success') {
    throw new UnexpectedResponseError(
      `${what} did not say it succeeded: Kore.ai answered status "${printable(status, 100) || '(none)'}"${said}`
    )
  }
  return { appId, message }
}

function asRecord(body: unknown): Record<string, unknown> {
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    return body as Record<string, unknown>
  }
  throw new UnexpectedResponseError('the answer is not a JSON object')
}
