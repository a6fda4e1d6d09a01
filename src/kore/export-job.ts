import * as core from '@actions/core'
import type { KoreClient } from './client.js'
import { DownloadedFile, downloadExport } from './download.js'
import { JobFailedError, jobStatusOf, waitForJob } from './poll.js'
import type { RetryPolicy } from '../retry.js'
import { seconds } from '../text.js'

export interface ExportJobRequest {
  toolId: string
  flowId: string
  /** Final path of the zip (see DownloadOptions.destination). */
  destination: string
  pollIntervalMs: number
  /** When the step began: the first status check and the logged duration count from here. */
  startedAt: number
  /** Epoch ms by which the job and the download must be done, retries included. */
  deadline: number
  maxDownloadBytes: number
  /** The input that sets maxDownloadBytes, for the message when a zip is larger. */
  maxBytesInput?: string
  /** The key the download may carry to the Kore.ai host, and only there. */
  apiKey: string
  retry?: RetryPolicy
  /** Put before each log line, to tell parallel exports apart. */
  label?: string
  /** Checks the downloaded zip before it takes the destination's name (see DownloadOptions). */
  verify: (temporary: string) => Promise<void>
  /** Told when Kore.ai accepts the job and when it ends, so a failure can still name it. */
  onJob?: (job: ExportJob) => void
}

/** An export job as far as it is known. */
export interface ExportJob {
  dockStatusId: string
  /** Empty when the server did not send one. */
  exportJobId: string
  /**
   * As the server wrote it when the job started (IN_PROGRESS if it gave none); then SUCCESS,
   * FAILED (or CANCELLED…), or the last status seen before the time ran out.
   */
  status: string
}

/**
 * One export from start to file: Export a Tool, Get Dock Status until the job ends, then the
 * download within its bounds. An answer that names another tool is refused as soon as it is
 * read: its zip would be stored as the wrong tool's backup.
 */
export async function runExportJob(
  client: KoreClient,
  request: ExportJobRequest
): Promise<DownloadedFile> {
  const { toolId, label = '' } = request
  const refuseOther = (named: string): void => {
    if (named && named !== toolId) {
      throw new Error(
        `Kore.ai's export answer names ${client.noun} ${named}, not ${toolId}: nothing was kept`
      )
    }
  }
  const started = await client.startExport(toolId, request.flowId, request.deadline)
  const job: ExportJob = {
    dockStatusId: started.dockStatusId,
    exportJobId: started.exportJobId,
    status: started.status || 'IN_PROGRESS'
  }
  request.onJob?.(job)
  refuseOther(started.toolId)
  // An answer that already says FAILED ends the job with the server's reason, unpolled.
  if (started.state === 'FAILED') {
    throw new JobFailedError('export', started.dockStatusId, started.reason, started.status)
  }
  core.info(
    `${label}Export started: dock status ${started.dockStatusId}, job ${started.exportJobId || '(none given)'}`
  )
  const finished = await waitForJob(client, started.dockStatusId, {
    pollIntervalMs: request.pollIntervalMs,
    timeoutMs: request.deadline - request.startedAt,
    startedAt: request.startedAt,
    label,
    refuseOtherTool: refuseOther
  }).catch(error => {
    // FAILED, CANCELLED, or the last status seen before the time ran out.
    request.onJob?.({ ...job, status: jobStatusOf(error) || job.status })
    throw error
  })
  core.info(`${label}Export job finished: SUCCESS after ${seconds(Date.now() - request.startedAt)}`)
  request.onJob?.({ ...job, status: 'SUCCESS' })
  // The SUCCESS record's link is the freshest one when the server gives it there.
  const downloadUrl = finished.downloadUrl || started.downloadUrl
  if (!downloadUrl) throw new Error('Kore.ai reported SUCCESS but sent no download URL')
  return downloadExport(downloadUrl, {
    host: client.host,
    apiKey: request.apiKey,
    destination: request.destination,
    maxBytes: request.maxDownloadBytes,
    maxBytesInput: request.maxBytesInput,
    deadline: request.deadline,
    retry: request.retry,
    label,
    verify: request.verify
  })
}
