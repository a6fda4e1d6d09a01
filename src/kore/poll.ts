import * as core from '@actions/core'
import { sleep as realSleep } from '../retry.js'
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
  let nextCheck = Math.min(deadline, options.startedAt + (options.firstCheckAfterMs ?? 1000))
  let lastSeen = ''

  for (;;) {
    await sleep(nextCheck - Date.now())
    const status = await client.getDockStatus(dockStatusId, deadline)
    const line = describe(status)
    if (status.state === 'SUCCESS') return status
    if (status.state === 'FAILED') throw new ExportFailedError(dockStatusId, status.reason)
    if (line !== lastSeen) core.info(`${options.label ?? ''}Export job ${dockStatusId}: ${line}`)
    lastSeen = line
    if (Date.now() >= deadline) {
      const waited = Math.round(options.timeoutMs / 1000)
      throw new ExportTimeoutError(dockStatusId, waited, lastSeen, status.rawStatus)
    }
    // The last check happens at the deadline itself, not one interval short of it.
    nextCheck = Math.min(deadline, Math.max(Date.now(), nextCheck + options.pollIntervalMs))
  }
}

function describe(status: DockStatus): string {
  return status.percentComplete === undefined
    ? status.rawStatus
    : `${status.rawStatus} (${status.percentComplete}%)`
}
