import * as core from '@actions/core'
import { DeadlineError, sleep as realSleep } from '../retry.js'
import type { KoreClient } from './client.js'
import { DockStatus, JobKind, UnexpectedResponseError } from './responses.js'

export class JobFailedError extends Error {
  constructor(
    readonly kind: JobKind,
    readonly dockStatusId: string,
    readonly reason: string,
    /** The final status as the server wrote it: FAILED, CANCELLED… */
    readonly status = 'FAILED'
  ) {
    const ended = status.toUpperCase() === 'FAILED' ? 'FAILED' : `ended ${status}`
    super(
      `Kore.ai reports the ${kind} job ${dockStatusId} ${ended}: ${reason || 'no reason given'}`
    )
    this.name = 'JobFailedError'
  }
}

export class JobTimeoutError extends Error {
  constructor(
    kind: JobKind,
    dockStatusId: string,
    waitedSeconds: number,
    lastSeen: string,
    /** The raw status of the last check, e.g. IN_PROGRESS. */
    readonly lastStatus: string
  ) {
    super(
      `The ${kind} job ${dockStatusId} did not finish within ${waitedSeconds} s (last status: ${lastSeen}); raise timeout if the tool is large`
    )
    this.name = 'JobTimeoutError'
  }
}

/** The job's last status as the server wrote it when `error` is a job's end; else undefined. */
export function jobStatusOf(error: unknown): string | undefined {
  if (error instanceof JobFailedError) return error.status
  if (error instanceof JobTimeoutError) return error.lastStatus
  return undefined
}

/** The job kinds Get Dock Status documents; another spelling is not held against the answer. */
const KNOWN_ACTIONS = ['EXPORT', 'IMPORT', 'DEPLOY', 'UNDEPLOY']

/** Room left for the last status check to be answered before the deadline. */
const FINAL_CHECK_ROOM_MS = 1000

export interface PollOptions {
  /** What the job does, for messages (default export). */
  kind?: JobKind
  pollIntervalMs: number
  timeoutMs: number
  /** When the job was started: the timeout and the first check count from here. */
  startedAt: number
  firstCheckAfterMs?: number
  /** Put before each log line (see ExportRequest.label). */
  label?: string
  /** Called with the tool each status names (empty when none): throws for another tool. */
  refuseOtherTool?: (named: string) => void
  sleep?: (ms: number) => Promise<void>
}

/** Polls Get Dock Status until SUCCESS (returned) or FAILED / timeout (thrown). */
export async function waitForJob(
  client: KoreClient,
  dockStatusId: string,
  options: PollOptions
): Promise<DockStatus> {
  const sleep = options.sleep ?? realSleep
  const kind = options.kind ?? 'export'
  const deadline = options.startedAt + options.timeoutMs
  // The last check leaves its own request time to answer before the deadline.
  const room = Math.min(FINAL_CHECK_ROOM_MS, options.timeoutMs / 4)
  const lastCheckAt = deadline - room
  let nextCheck = Math.min(lastCheckAt, options.startedAt + (options.firstCheckAfterMs ?? 1000))
  let lastSeen = ''
  let lastStatus = ''
  const timedOut = (): JobTimeoutError =>
    new JobTimeoutError(
      kind,
      dockStatusId,
      Math.round(options.timeoutMs / 1000),
      lastSeen || 'none',
      lastStatus
    )

  for (;;) {
    await sleep(nextCheck - Date.now())
    const status = await client.getDockStatus(dockStatusId, deadline, kind).catch(error => {
      throw error instanceof DeadlineError ? timedOut() : error
    })
    options.refuseOtherTool?.(status.toolId)
    const line = describe(status)
    if (KNOWN_ACTIONS.includes(status.action) && status.action !== kind.toUpperCase()) {
      throw new UnexpectedResponseError(
        `Kore.ai answered the status of the ${kind} job ${dockStatusId} with that of another kind of job (action ${status.action})`
      )
    }
    if (status.state === 'SUCCESS') return status
    if (status.state === 'FAILED') {
      throw new JobFailedError(kind, dockStatusId, status.reason, status.rawStatus)
    }
    if (line !== lastSeen) {
      core.info(`${options.label ?? ''}${capitalised(kind)} job ${dockStatusId}: ${line}`)
    }
    lastSeen = line
    lastStatus = status.rawStatus
    if (Date.now() >= lastCheckAt) throw timedOut()
    nextCheck = Math.min(lastCheckAt, Math.max(Date.now(), nextCheck + options.pollIntervalMs))
  }
}

function capitalised(kind: JobKind): string {
  return kind.charAt(0).toUpperCase() + kind.slice(1)
}

function describe(status: DockStatus): string {
  return status.percentComplete === undefined
    ? status.rawStatus
    : `${status.rawStatus} (${status.percentComplete}%)`
}
