import * as core from '@actions/core'
import type { ZipEntryInfo } from '../backup/archive.js'
import { verifyExport } from '../backup/importable.js'
import type { UploadedArtifact } from '../artifact.js'
import type { FileChanges } from './deliver/git-data.js'
import type { ToolReport } from '../backup/report/render.js'
import { KoreClient, KoreClientOptions } from '../kore/client.js'
import { downloadExport } from '../kore/download.js'
import { JobFailedError, JobTimeoutError, waitForJob } from '../kore/poll.js'
import { printable } from '../text.js'

export interface ExportRequest {
  host: string
  apiKey: string
  toolId: string
  flowId: string
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
}

/** The zip may unpack to this many times max-download-size: JSON compresses well, bombs better. */
export const UNPACKED_SIZE_FACTOR = 4

/** What is known about one export; filled in step by step so a failure can still report it. */
export interface ExportRecord {
  toolId: string
  flowId: string
  /** Kore.ai's job status: SUCCESS, FAILED, or the last one seen; empty before the job starts. */
  status: string
  dockStatusId: string
  exportJobId: string
  file: string
  size: number
  sha256: string
  entries: ZipEntryInfo[]
  durationMs: number
  /** Set once the zip is uploaded as an artifact. */
  artifact?: UploadedArtifact
  /** Whether the commit changed this tool's files; undefined when not committed. */
  changed?: boolean
  /** Files the commit added, modified and removed for this tool. */
  changes?: FileChanges
  /** What changed inside the tool, when the commit changed it. */
  report?: ToolReport
  /** Secure variables whose values the commit redacted. */
  redacted: string[]
  /** Every problem with this tool, export or delivery; empty when all went well. */
  errors: string[]
}

export function newExportRecord(toolId: string, flowId: string): ExportRecord {
  return {
    toolId,
    flowId,
    status: '',
    dockStatusId: '',
    exportJobId: '',
    file: '',
    size: 0,
    sha256: '',
    entries: [],
    durationMs: 0,
    redacted: [],
    errors: []
  }
}

/** Trigger, poll, download: the whole Kore.ai side of one tool. Fills `record` as it goes. */
export async function exportTool(
  request: ExportRequest,
  record: ExportRecord,
  clientOptions: KoreClientOptions = {}
): Promise<void> {
  const startedAt = Date.now()
  const log = (line: string): void => core.info(`${request.label}${line}`)
  try {
    const client = new KoreClient(request.host, request.apiKey, clientOptions)
    const flow = request.flowId ? ` (flow ${request.flowId})` : ''
    log(
      `Exporting ${clientOptions.resource ?? 'tool'} ${request.toolId}${flow} from ${request.host}`
    )

    const deadline = startedAt + request.timeoutMs
    const started = await client.startExport(request.toolId, request.flowId, deadline)
    Object.assign(record, {
      dockStatusId: started.dockStatusId,
      exportJobId: started.exportJobId,
      status: started.status || 'IN_PROGRESS'
    })
    log(
      `Export started: dock status ${started.dockStatusId}, job ${started.exportJobId || '(none given)'}`
    )

    const finished = await waitForJob(client, started.dockStatusId, {
      pollIntervalMs: request.pollIntervalMs,
      timeoutMs: request.timeoutMs,
      startedAt,
      label: request.label
    }).catch(error => {
      if (error instanceof JobFailedError) record.status = error.status
      if (error instanceof JobTimeoutError) record.status = error.lastStatus
      throw error
    })
    record.status = 'SUCCESS'
    log(`Export job finished: SUCCESS after ${seconds(Date.now() - startedAt)}`)

    // The SUCCESS record's link is the freshest one when the server gives it there.
    const downloadUrl = finished.downloadUrl || started.downloadUrl
    if (!downloadUrl) throw new Error('Kore.ai reported SUCCESS but sent no download URL')
    let entries: ZipEntryInfo[] = []
    const file = await downloadExport(downloadUrl, {
      host: request.host,
      apiKey: request.apiKey,
      destination: request.destination,
      maxBytes: request.maxDownloadBytes,
      deadline,
      retry: clientOptions.retry,
      label: request.label,
      verify: async temporary => {
        const limit = request.maxDownloadBytes * UNPACKED_SIZE_FACTOR
        entries = await verifyExport(temporary, limit, request.withVariables)
      }
    })
    Object.assign(record, file, { entries })
    log(`Downloaded ${file.size} bytes to ${file.file} (sha256 ${file.sha256})`)
    log(`The zip holds: ${printable(entries.map(e => e.name).join(', '), 1000)}`)
  } catch (error) {
    throw Date.now() >= startedAt + request.timeoutMs ? outOfTime(error, request) : error
  } finally {
    record.durationMs = Date.now() - startedAt
  }
}

/** Whatever gave way last, the reason is the tool's time limit: say which input sets it. */
function outOfTime(error: unknown, request: ExportRequest): unknown {
  if (error instanceof JobTimeoutError || !(error instanceof Error)) return error
  const limit = `timeout: ${Math.round(request.timeoutMs / 1000)} s`
  return new Error(
    `${error.message} (the tool's time ran out, ${limit}; raise timeout if it is large)`
  )
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`
}
