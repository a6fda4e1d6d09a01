import * as dns from 'node:dns'
import * as http from 'node:http'
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http'
import type { LookupFunction } from 'node:net'
import { Readable } from 'node:stream'
import { HttpClient, HttpClientResponse } from '@actions/http-client'
import { cancellation, throwIfCancelled, whenCancelled } from './cancel.js'
import { TransientError, parseRetryAfter } from './retry.js'

const USER_AGENT = 'kore-tool-export'

/** Statuses that mean "try again later" rather than "you asked for something wrong". */
const TRANSIENT_STATUSES = new Set([429, 502, 503, 504])

export interface TimeLimits {
  /** The whole exchange, headers and body, ends within this, however slowly bytes trickle. */
  totalMs: number
  /** Silence this long ends it too (default: totalMs). */
  idleMs?: number
}

/**
 * Sends one request with a fresh client that does neither redirects nor retries by itself: both
 * need rules the library does not know (where the API key may go, Retry-After, deadlines).
 * Trouble before any answer (reset, refused, time limit) becomes a TransientError. The caller
 * must read or discard the body; the time limit keeps running until it has.
 */
export async function send(
  method: string,
  url: string,
  headers: OutgoingHttpHeaders,
  limits: TimeLimits,
  body: string | Buffer = ''
): Promise<HttpClientResponse> {
  throwIfCancelled()
  const client = new HttpClient(USER_AGENT, [], {
    allowRedirects: false,
    allowRetries: false,
    socketTimeout: limits.idleMs ?? limits.totalMs
  })
  acceptIpv6Literal(client, url)
  const expiry = `no complete answer within ${(limits.totalMs / 1000).toFixed(1)} s`
  let response: HttpClientResponse | undefined
  let expired = false
  // http-client's own timeout is an idle one: a server sending a byte a second never trips it.
  const timer = setTimeout(() => {
    expired = true
    response?.message.destroy(new Error(expiry))
    client.dispose()
  }, limits.totalMs)
  // A cancelled step cuts off what is under way, answer or body.
  const stopWatching = whenCancelled(() => {
    response?.message.destroy(cancellation.reason)
    client.dispose()
  })
  try {
    response = await client.request(method, url, requestData(method, body, headers), headers)
  } catch (error) {
    clearTimeout(timer)
    stopWatching()
    throwIfCancelled()
    if (expired) throw new TransientError(expiry, { code: 'ETIMEDOUT' })
    const problem = `network error (${describeNetworkError(error)})`
    if (!isTransientNetworkError(error)) throw new Error(problem, { cause: error })
    throw new TransientError(problem, { code: (error as NodeJS.ErrnoException).code })
  }
  // Unref'd too: a body abandoned half-read must not keep the process alive until the limit.
  timer.unref()
  const stop = (): void => {
    clearTimeout(timer)
    stopWatching()
  }
  response.message.once('end', stop).once('error', stop).once('close', stop)
  return response
}

/** http-client takes a string or a stream; a Buffer travels as a one-chunk stream. */
function requestData(
  method: string,
  body: string | Buffer,
  headers: OutgoingHttpHeaders
): string | NodeJS.ReadableStream | null {
  if (typeof body === 'string') return method === 'GET' ? null : body
  headers['content-length'] = body.length
  return Readable.from([body])
}

/** http-client passes `[::1]` to Node with its brackets, which no resolver knows: drop them. */
function acceptIpv6Literal(client: HttpClient, url: string): void {
  if (!new URL(url).hostname.startsWith('[')) return
  const agent = client.getAgent(url)
  if (!(agent instanceof http.Agent)) return
  // Agent options reach every connection it makes (http-client sets rejectUnauthorized so too).
  const { options } = agent as http.Agent & { options: { lookup?: LookupFunction } }
  options.lookup = (hostname, lookupOptions, callback) =>
    dns.lookup(hostname.replace(/^\[(.*)\]$/, '$1'), lookupOptions, callback)
}

/** Network trouble that may pass; a bad certificate or an unknown host will not. */
const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'UND_ERR_SOCKET'
])

function isTransientNetworkError(error: unknown): boolean {
  const { code, message } = (error ?? {}) as NodeJS.ErrnoException
  if (code) return TRANSIENT_NETWORK_CODES.has(code)
  return /request timeout|socket hang up|timed out|stalled/i.test(String(message))
}

/**
 * A 500 may pass too, but only for a request that is safe to repeat after one (a GET, or a POST
 * that starts an export): another may have acted before the server failed.
 */
export function isTransientStatus(status: number, repeatable: boolean): boolean {
  return TRANSIENT_STATUSES.has(status) || (status === 500 && repeatable)
}

export function transientStatusError(response: HttpClientResponse): TransientError {
  const status = response.message.statusCode
  return new TransientError(`HTTP ${status}`, {
    status,
    retryAfterMs: parseRetryAfter(response.message.headers['retry-after'])
  })
}

/**
 * Reads a (small) body as text. Unlike HttpClientResponse.readBody this fails, rather than
 * hangs, when the connection drops mid-body (send's time limit covers a stall).
 */
export function readText(message: IncomingMessage, limitBytes = 1024 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    message.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limitBytes) message.destroy(new Error(`body larger than ${limitBytes} bytes`))
      else chunks.push(chunk)
    })
    message.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    message.on('error', error =>
      reject(new TransientError(`network error (${describeNetworkError(error)})`))
    )
    message.on('close', () => {
      if (!message.complete) reject(new TransientError('connection closed mid-body'))
    })
  })
}

/** Throws away a body we do not need, so the socket can be reused or closed. */
export function discard(response: HttpClientResponse): void {
  response.message.resume()
  response.message.on('error', () => undefined)
}

export function describeNetworkError(error: unknown): string {
  const { code, message } = (error ?? {}) as NodeJS.ErrnoException
  if (typeof message !== 'string') return String(error)
  // http-client's timeout message quotes the request path, which may hold a signed query.
  if (message.startsWith('Request timeout')) return 'request timed out'
  return code && !message.includes(code) ? `${code}: ${message}` : message
}
