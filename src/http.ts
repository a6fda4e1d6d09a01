import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http'
import { HttpClient, HttpClientResponse } from '@actions/http-client'
import { TransientError, parseRetryAfter } from './retry.js'

const USER_AGENT = 'kore-tool-export'

/** Statuses that mean "try again later" rather than "you asked for something wrong". */
const TRANSIENT_STATUSES = new Set([429, 502, 503, 504])

/**
 * An HTTP client that does neither redirects nor retries by itself: both need rules the
 * library does not know (where the API key may go, Retry-After, deadlines).
 */
export function createHttpClient(requestTimeoutMs: number): HttpClient {
  return new HttpClient(USER_AGENT, [], {
    allowRedirects: false,
    allowRetries: false,
    socketTimeout: requestTimeoutMs
  })
}

/** Sends a request; trouble before any answer (reset, refused, timeout) becomes a TransientError. */
export async function send(
  client: HttpClient,
  method: string,
  url: string,
  headers: OutgoingHttpHeaders
): Promise<HttpClientResponse> {
  try {
    return await client.request(method, url, method === 'GET' ? null : '', headers)
  } catch (error) {
    const problem = `network error (${describeNetworkError(error)})`
    throw isTransientNetworkError(error) ? new TransientError(problem) : new Error(problem)
  }
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

export function isTransientNetworkError(error: unknown): boolean {
  const { code, message } = (error ?? {}) as NodeJS.ErrnoException
  if (code) return TRANSIENT_NETWORK_CODES.has(code)
  return /request timeout|socket hang up|timed out|stalled/i.test(String(message))
}

export function isTransientStatus(status: number): boolean {
  return TRANSIENT_STATUSES.has(status)
}

export function transientStatusError(response: HttpClientResponse): TransientError {
  const status = response.message.statusCode
  return new TransientError(
    `HTTP ${status}`,
    parseRetryAfter(response.message.headers['retry-after']),
    status === 429
  )
}

/**
 * Reads a (small) body as text. Unlike HttpClientResponse.readBody this fails, rather than
 * hangs, when the connection drops or stalls mid-body.
 */
export function readText(
  message: IncomingMessage,
  timeoutMs: number,
  limitBytes = 1024 * 1024
): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const timer = setTimeout(() => message.destroy(new Error('body timed out')), timeoutMs)
    message.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limitBytes) message.destroy(new Error(`body larger than ${limitBytes} bytes`))
      else chunks.push(chunk)
    })
    message.on('end', () => {
      clearTimeout(timer)
      resolve(Buffer.concat(chunks).toString('utf8'))
    })
    message.on('error', error => {
      clearTimeout(timer)
      reject(new TransientError(`network error (${describeNetworkError(error)})`))
    })
    message.on('close', () => {
      clearTimeout(timer)
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
