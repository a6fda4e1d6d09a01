import * as core from '@actions/core'
import type { ZipEntryInfo } from '../backup/archive.js'
import { verifyAppExport } from '../backup/app-export.js'
import { verifyExport } from '../backup/importable.js'
import { downloadAppVersion } from '../kore/apps.js'
import { KoreClient, KoreClientOptions } from '../kore/client.js'
import type { DownloadedFile } from '../kore/download.js'
import { ExportJob, runExportJob } from '../kore/export-job.js'
import { JobTimeoutError } from '../kore/poll.js'
import { Input } from '../input-names.js'
import { printable } from '../text.js'

export interface ExportRequest {
  host: string
  apiKey: string
  toolId: string
  flowId: string
  /** Set for an app: the version to export (toolId is then the app's id). */
  version?: string
  /** Where the zip ends up (absolute). */
  destination: string
  pollIntervalMs: number
  /** Trigger, polling and download of this tool, retries included. */
  timeoutMs: number
  maxDownloadBytes: number
  /** Whether env_variables.json is backed up (env-variables is not omit), so must be readable. */
  withVariables: boolean
  /** Put before each log line, to tell parallel exports apart; empty for a single tool. */
  label: string
  /** Told of the export job as it starts and ends (see ExportJobRequest.onJob). */
  onJob?: (job: ExportJob) => void
}

/** One tool's verified export: the zip on disk and what it holds. */
export interface ExportedTool extends DownloadedFile {
  entries: ZipEntryInfo[]
}

/**
 * Trigger, poll, download: the whole Kore.ai side of one tool, with the zip checked as a backup
 * before it is kept.
 */
export async function exportTool(
  request: ExportRequest,
  clientOptions: KoreClientOptions = {}
): Promise<ExportedTool> {
  const startedAt = Date.now()
  const { label } = request
  try {
    const client = new KoreClient(request.host, request.apiKey, clientOptions)
    const flow = request.flowId
      ? ` (flow ${request.flowId})`
      : request.version
        ? ` version ${request.version}`
        : ''
    core.info(
      `${label}Exporting ${clientOptions.resource ?? 'tool'} ${request.toolId}${flow} from ${request.host}`
    )
    let entries: ZipEntryInfo[] = []
    const file = request.version
      ? await exportAppVersion(client, request, request.version, startedAt, e => (entries = e))
      : await runExportJob(client, {
          toolId: request.toolId,
          flowId: request.flowId,
          destination: request.destination,
          pollIntervalMs: request.pollIntervalMs,
          startedAt,
          deadline: startedAt + request.timeoutMs,
          maxDownloadBytes: request.maxDownloadBytes,
          maxBytesInput: Input.MaxDownloadSize,
          apiKey: request.apiKey,
          retry: clientOptions.retry,
          label,
          onJob: request.onJob,
          verify: async temporary => {
            const verified = await verifyExport(
              temporary,
              request.maxDownloadBytes,
              request.withVariables
            )
            entries = verified.entries
          }
        })
    core.info(`${label}Downloaded ${file.size} bytes to ${file.file} (sha256 ${file.sha256})`)
    core.info(`${label}The zip holds: ${printable(entries.map(e => e.name).join(', '), 1000)}`)
    return { ...file, entries }
  } catch (error) {
    throw Date.now() >= startedAt + request.timeoutMs ? outOfTime(error, request) : error
  }
}

/** An app version's export: one call, then its file URL downloaded and checked as an app's. */
async function exportAppVersion(
  client: KoreClient,
  request: ExportRequest,
  version: string,
  startedAt: number,
  onEntries: (entries: ZipEntryInfo[]) => void
): Promise<DownloadedFile> {
  return downloadAppVersion(client, request.toolId, version, {
    destination: request.destination,
    maxBytes: request.maxDownloadBytes,
    maxBytesInput: Input.MaxDownloadSize,
    deadline: startedAt + request.timeoutMs,
    pollIntervalMs: request.pollIntervalMs,
    apiKey: request.apiKey,
    label: request.label,
    verify: async temporary => onEntries(await verifyAppExport(temporary, request.maxDownloadBytes))
  }).then(file => {
    // No job is documented for an app: its export succeeded once its file is verified.
    request.onJob?.({ dockStatusId: '', exportJobId: '', status: 'SUCCESS' })
    return file
  })
}

/** Whatever gave way last, the reason is the tool's time limit: say which input sets it. */
function outOfTime(error: unknown, request: ExportRequest): unknown {
  if (error instanceof JobTimeoutError || !(error instanceof Error)) return error
  const limit = `timeout: ${Math.round(request.timeoutMs / 1000)} s`
  return new Error(
    `${error.message} (the tool's time ran out, ${limit}; raise timeout if it is large)`,
    { cause: error }
  )
}
