import * as core from '@actions/core'
import { DeadlineError, sleep as realSleep } from '../retry.js'
import type { KoreClient } from './client.js'
import type { DockStatus } from './responses.js'

export class ExportFailedError extends Error {
  constructor(
    readonly dockStatusId: string,
    readonly reason: string
  ) {
    super(`Kore.ai reports the export job ${dockStatusId} FAILED: ${reason || 'no reason given'}`)
    this.name = 'ExportFailedError'
  }
}

export class ExportTimeoutError extends Error {
  constructor(
    dockStatusId: string,
    waitedSeconds: number,
    lastSeen: string,
    /** The raw status of the last check, e.g. IN_PROGRESS. */
    readonly lastStatus: string
  ) {
    super(
      `The export job ${dockStatusId} did not finish within ${waitedSeconds} s (last status: ${lastSeen}); raise timeout if the tool is large`
    )
    this.name = 'ExportTimeoutError'
  }
}

/** Room left for the last status check to be answered before the deadline. */
const FINAL_CHECK_ROOM_MS = 1000

export interface PollOptions {
  pollIntervalMs: number
  timeoutMs: number
  /** When the export was started: the timeout and the first check count from here. */
  startedAt: number
  firstCheckAfterMs?: number
  /** Put before each log line (see ExportRequest.label). */
  label?: string
  sleep?: (ms: number) => Promise<void>
}

/** Polls Get Dock Status until SUCCESS (returned) or FAILED / timeout (thrown). */
export async function waitForExport(
  client: KoreClient,
  dockStatusId: string,
  options: PollOptions
): Promise<DockStatus> {
  const sleep = options.sleep ?? realSleep
  const deadline = options.startedAt + options.timeoutMs
  // The last check leaves its own request time to answer before the deadline.
  const room = Math.min(FINAL_CHECK_ROOM_MS, options.timeoutMs / 4)
  const lastCheckAt = deadline - room
  let nextCheck = Math.min(lastCheckAt, options.startedAt + (options.firstCheckAfterMs ?? 1000))
  let lastSeen = ''
  let lastStatus = ''
  const timedOut = (): ExportTimeoutError =>
    new ExportTimeoutError(
      dockStatusId,
      Math.round(options.timeoutMs / 1000),
      lastSeen || 'none',
      lastStatus
    )

  for (;;) {
    await sleep(nextCheck - Date.now())
    const status = await client.getDockStatus(dockStatusId, deadline).catch(error => {
      throw error instanceof DeadlineError ? timedOut() : error
    })
    const line = describe(status)
    if (status.state === 'SUCCESS') return status
    if (status.state === 'FAILED') throw new ExportFailedError(dockStatusId, status.reason)
    if (line !== lastSeen) core.info(`${options.label ?? ''}Export job ${dockStatusId}: ${line}`)
    lastSeen = line
    lastStatus = status.rawStatus
    if (Date.now() >= lastCheckAt) throw timedOut()
    nextCheck = Math.min(lastCheckAt, Math.max(Date.now(), nextCheck + options.pollIntervalMs))
  }
}

function describe(status: DockStatus): string {
  return status.percentComplete === undefined
    ? status.rawStatus
    : `${status.rawStatus} (${status.percentComplete}%)`
}
