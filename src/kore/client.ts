import * as core from '@actions/core'
import { discard, isTransientStatus, readText, send, transientStatusError } from '../http.js'
import {
  DeadlineError,
  DEFAULT_RETRY,
  RateGate,
  RetryPolicy,
  sleep,
  TransientError,
  withRetries
} from '../retry.js'
import {
  DockStatus,
  ExportStarted,
  failureReason,
  parseDockStatus,
  parseExportStarted,
  UnexpectedResponseError
} from './responses.js'
import { printable } from '../text.js'

/** Kore.ai answered with an error that another try will not fix. */
export class KoreApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly body: string
  ) {
    super(message)
    this.name = 'KoreApiError'
  }
}

export interface KoreClientOptions {
  retry?: RetryPolicy
  /** Shared by the clients of one run so that a 429 slows all of them. */
  gate?: RateGate
  /** Least time between two status requests for one job (default 1 s, Kore.ai's limit). */
  minStatusGapMs?: number
  /** Time limit for each request, headers and body (cut shorter by a call's deadline). */
  requestTimeoutMs?: number
}

export class KoreClient {
  private readonly retry: RetryPolicy
  private readonly requestTimeoutMs: number
  private readonly gate: RateGate
  /** When each job's status was last asked for: Kore.ai allows about one a second per job. */
  private readonly lastStatusCheck = new Map<string, number>()
  private readonly minStatusGapMs: number

  constructor(
    readonly host: string,
    private readonly apiKey: string,
    options: KoreClientOptions = {}
  ) {
    this.retry = options.retry ?? DEFAULT_RETRY
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000
    this.gate = options.gate ?? new RateGate()
    this.minStatusGapMs = options.minStatusGapMs ?? 1000
  }

  /** POST /api/public/tools/{toolId}/export[?flowId=…] */
  async startExport(toolId: string, flowId: string, deadline?: number): Promise<ExportStarted> {
    const url = new URL(`${this.host}/api/public/tools/${encodeURIComponent(toolId)}/export`)
    if (flowId) url.searchParams.set('flowId', flowId)
    const what = `Export of tool ${toolId}`
    const hint = 'check tool-id and flow-id, and that the tool exists in this environment (host)'
    const text = await withRetries(
      what,
      this.retry,
      () => this.call('POST', url.href, what, hint, deadline),
      { deadline }
    )
    return parseExportStarted(parseJson(text, what))
  }

  /** GET /api/public/dock-status/{id}; a garbled body counts as transient and is retried. */
  async getDockStatus(dockStatusId: string, deadline?: number): Promise<DockStatus> {
    const url = `${this.host}/api/public/dock-status/${encodeURIComponent(dockStatusId)}`
    const what = `Status of export job ${dockStatusId}`
    return withRetries(
      what,
      this.retry,
      async () => {
        await sleep(
          (this.lastStatusCheck.get(dockStatusId) ?? 0) + this.minStatusGapMs - Date.now()
        )
        this.lastStatusCheck.set(dockStatusId, Date.now())
        const hint = 'the export job is unknown to Kore.ai'
        const text = await this.call('GET', url, what, hint, deadline)
        try {
          return parseDockStatus(JSON.parse(text))
        } catch (error) {
          const problem = error instanceof SyntaxError ? 'not JSON' : (error as Error).message
          throw new TransientError(`unreadable answer (${problem})`)
        }
      },
      { deadline }
    )
  }

  /** One request: returns the body of a 2xx answer, throws KoreApiError or TransientError. */
  private async call(
    method: 'GET' | 'POST',
    url: string,
    what: string,
    notFoundHint: string,
    deadline?: number
  ): Promise<string> {
    await this.gate.wait()
    const totalMs = Math.min(this.requestTimeoutMs, (deadline ?? Infinity) - Date.now())
    if (totalMs <= 0) throw new DeadlineError(what)
    core.debug(`${method} ${url}`)
    const headers = {
      'x-api-key': this.apiKey,
      accept: 'application/json',
      'content-type': 'application/json'
    }
    const response = await send(method, url, headers, { totalMs })
    const status = response.message.statusCode ?? 0
    core.debug(`${method} ${url} -> HTTP ${status}`)
    if (isTransientStatus(status, method)) {
      discard(response)
      const error = transientStatusError(response)
      if (error.rateLimited) this.gate.pause(error.retryAfterMs ?? 1000)
      throw error
    }
    const body = await readText(response.message)
    if (status >= 200 && status < 300) return body
    throw new KoreApiError(explainStatus(what, status, body, notFoundHint), status, body)
  }
}

function explainStatus(what: string, status: number, body: string, notFoundHint: string): string {
  const said = serverMessage(body)
  const because = said ? ` Kore.ai said: ${said}` : ''
  switch (status) {
    case 401:
    case 403:
      return `${what} was refused (HTTP ${status}): check api-key, and that its API app has the Export Tool scope.${because}`
    case 404:
      return `${what} was not found (HTTP 404): ${notFoundHint}.${because}`
    default:
      return `${what} failed (HTTP ${status}).${because}`
  }
}

function serverMessage(body: string): string {
  try {
    const reason = failureReason(JSON.parse(body))
    if (reason) return reason
  } catch {
    // not JSON: quote the text itself
  }
  return printable(body.replace(/\s+/g, ' ').trim())
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw new UnexpectedResponseError(`${what}: the answer is not JSON: ${serverMessage(text)}`)
  }
}
