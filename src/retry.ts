import * as core from '@actions/core'
import { cancellation, throwIfCancelled, whenCancelled } from './cancel.js'

export interface RetryPolicy {
  /** Total tries, the first one included. */
  attempts: number
  baseDelayMs: number
  maxDelayMs: number
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 1000, maxDelayMs: 30_000 }

/** What is known about a transient failure beyond its message. */
export interface TransientDetails {
  /** What the server asked for in `Retry-After`, if anything. */
  retryAfterMs?: number
  /** The HTTP status, when the server answered. */
  status?: number
  /** Node's error code (ECONNREFUSED…), when the network failed. */
  code?: string
}

/** A failure worth another try: network trouble, 429, 502-504, a garbled status body. */
export class TransientError extends Error {
  readonly retryAfterMs?: number
  readonly status?: number
  readonly code?: string

  constructor(message: string, details: TransientDetails = {}) {
    super(message)
    this.name = 'TransientError'
    Object.assign(this, details)
  }

  /** A 429: the server is fine, we are just too many. */
  get rateLimited(): boolean {
    return this.status === 429
  }
}

/** Codes of failures that happen before a connection exists, so before any request was sent. */
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'])

/**
 * Whether the server may have acted on a request that failed this way. Only a refusal it stated
 * (429, or 503 with Retry-After) or a connection never made rules it out; a time limit, a reset or
 * a gateway's 502/504 can come after the work was done.
 */
export function mayHaveActed(error: TransientError): boolean {
  if (error.status === 429) return false
  if (error.status === 503 && error.retryAfterMs !== undefined) return false
  return error.status !== undefined || !NEVER_CONNECTED.has(error.code ?? '')
}

/**
 * Shared by every request to one server: a 429 to any of them pauses all of them, so that
 * parallel exports slow down together instead of failing one by one.
 */
export class RateGate {
  private resumeAt = 0

  pause(ms: number): void {
    this.resumeAt = Math.max(this.resumeAt, Date.now() + ms)
  }

  /** Waits until the pause ends, or until `deadline` (epoch ms) if that comes first. */
  async wait(deadline = Infinity): Promise<void> {
    while (Date.now() < Math.min(this.resumeAt, deadline)) {
      await sleep(Math.min(this.resumeAt, deadline) - Date.now())
    }
  }
}

/** A step's time ran out before a request could start. */
export class DeadlineError extends Error {
  constructor(what: string) {
    super(`${what}: the time allowed (timeout) ran out`)
    this.name = 'DeadlineError'
  }
}

export interface RetryOptions {
  /** Epoch ms after which no further try starts. */
  deadline?: number
  sleep?: (ms: number) => Promise<void>
}

/** Waits `ms`; a cancelled step's waits end at once, with its CancelledError. */
export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => {
        stopWatching()
        resolve()
      },
      Math.max(0, ms)
    )
    const stopWatching = whenCancelled(() => {
      clearTimeout(timer)
      reject(cancellation.reason)
    })
  })

/**
 * Runs `attempt` until it succeeds, throws something that is not a TransientError, or the
 * policy's tries run out. Waits grow exponentially with jitter, and never less than Retry-After.
 */
export async function withRetries<T>(
  what: string,
  policy: RetryPolicy,
  attempt: () => Promise<T>,
  options: RetryOptions = {}
): Promise<T> {
  const wait = options.sleep ?? sleep
  let counted = 0
  for (let tryNumber = 1; ; tryNumber++) {
    try {
      return await attempt()
    } catch (error) {
      // What a cancellation cut off is not worth another try.
      throwIfCancelled()
      if (!(error instanceof TransientError)) throw error
      // Within a deadline, being rate limited only slows us down; it does not use up tries.
      if (!(error.rateLimited && options.deadline !== undefined)) counted++
      const delay = retryDelay(policy, Math.max(counted, 1), error.retryAfterMs)
      const pastDeadline = options.deadline !== undefined && Date.now() + delay >= options.deadline
      if (counted >= policy.attempts || pastDeadline) {
        throw new Error(`${what}: ${error.message} (gave up after ${tryNumber} tries)`, {
          cause: error
        })
      }
      core.info(`${what}: ${error.message}; retrying in ${(delay / 1000).toFixed(1)} s`)
      await wait(delay)
    }
  }
}

/** Exponential backoff with "equal jitter": half fixed, half random, so runs do not retry in step. */
export function retryDelay(policy: RetryPolicy, tryNumber: number, retryAfterMs?: number): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (tryNumber - 1))
  const jittered = exponential / 2 + (Math.random() * exponential) / 2
  return Math.max(jittered, retryAfterMs ?? 0)
}

const MAX_RETRY_AFTER_MS = 5 * 60_000

/** Parses `Retry-After` (seconds or an HTTP date); undefined when absent or unreadable. */
export function parseRetryAfter(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header
  if (!value) return undefined
  const ms = /^\d+$/.test(value.trim())
    ? Number(value.trim()) * 1000
    : Date.parse(value) - Date.now()
  if (!Number.isFinite(ms)) return undefined
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS)
}
