import * as core from '@actions/core'
import type { HttpClientResponse } from '@actions/http-client'
import { createHash, randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import * as fs from 'node:fs/promises'
import * as path from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { messageOf } from '../errors.js'
import {
  describeNetworkError,
  discard,
  isTransientStatus,
  send,
  TimeLimits,
  transientStatusError
} from '../http.js'
import { isLoopback } from '../input-parsers.js'
import { removeAtExit } from '../temporary-files.js'
import { hideSecret } from '../text.js'
import { DeadlineError, DEFAULT_RETRY, RetryPolicy, TransientError, withRetries } from '../retry.js'

const MAX_REDIRECTS = 5
const WRITE_BUFFER_BYTES = 1024 * 1024
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308])

export interface DownloadOptions {
  /** Kore.ai base URL: the only origin the API key is ever sent to. */
  host: string
  apiKey: string
  /** Final path of the zip; nothing appears there unless the download is complete and valid. */
  destination: string
  /** The most bytes the zip may have; a longer body is cut there. */
  maxBytes: number
  /** The input that sets maxBytes, named when the zip is larger; none when no input sets it. */
  maxBytesInput?: string
  /** Epoch ms by which the download must be done (the tool's timeout), retries included. */
  deadline?: number
  retry?: RetryPolicy
  /** Longest silence allowed from the server. */
  requestTimeoutMs?: number
  /** Put before log lines (see ExportRequest.label). */
  label?: string
  /**
   * Checks the complete file before it takes the destination's name; what it throws fails the
   * download (the caller knows what an export must hold, this module only fetches bytes).
   */
  verify: (file: string) => Promise<void>
}

export interface DownloadedFile {
  file: string
  size: number
  sha256: string
}

/** Streams the export to a temporary file beside the destination, verifies it, renames it. */
export async function downloadExport(
  downloadUrl: string,
  options: DownloadOptions
): Promise<DownloadedFile> {
  const url = resolveDownloadUrl(downloadUrl, options.host)
  hideSecret(url.href)
  await fs.mkdir(path.dirname(options.destination), { recursive: true })
  const temporary = path.join(
    path.dirname(options.destination),
    `.kore-download-${randomUUID().slice(0, 8)}.part`
  )
  // It holds the export's secure values in clear: it must not outlive the step, however it ends.
  const unlist = removeAtExit(temporary)
  try {
    const fetched = await withRetries(
      `${options.label ?? ''}Download of the export`,
      options.retry ?? DEFAULT_RETRY,
      () => fetchToFile(url, temporary, options),
      { deadline: options.deadline }
    )
    await options.verify(temporary)
    await fs.rename(temporary, options.destination)
    return { file: options.destination, ...fetched }
  } catch (error) {
    // The original error is the one worth reading, not a failed clean-up's.
    await fs.rm(temporary, { force: true }).catch(() => undefined)
    throw error
  } finally {
    unlist()
  }
}

/**
 * Accepts the URL as Kore.ai writes it (padded, possibly relative to host). Plain http only
 * when host itself is plain http on loopback (a local test server), and then to loopback only.
 */
export function resolveDownloadUrl(raw: string, host: string): URL {
  let url: URL
  try {
    url = new URL(raw.trim(), `${host}/`)
  } catch {
    throw new Error('Kore.ai sent a download URL that is not a URL')
  }
  refuseInsecure(url, host, 'download the export over')
  return url
}

function refuseInsecure(url: URL, host: string, doing: string): void {
  if (url.protocol === 'https:') return
  const hostUrl = new URL(host)
  const localTest = hostUrl.protocol === 'http:' && isLoopback(hostUrl.hostname)
  if (url.protocol === 'http:' && localTest && isLoopback(url.hostname)) return
  throw new Error(`refusing to ${doing} ${url.protocol} (https only)`)
}

/** The body went past maxBytes: another try would not help. */
class TooLargeError extends Error {}

async function fetchToFile(
  url: URL,
  temporary: string,
  options: DownloadOptions
): Promise<{ size: number; sha256: string }> {
  const response = await openFollowingRedirects(url, options)
  const message = response.message
  const expected = Number(message.headers['content-length'] ?? NaN)
  if (expected > options.maxBytes) {
    discard(response)
    throw new Error(tooLarge(options, `it is ${expected} bytes`))
  }
  const hash = createHash('sha256')
  let size = 0
  // Larger buffers let slow disk writes batch up (writev) instead of stalling the socket.
  const measure = new Transform({
    highWaterMark: WRITE_BUFFER_BYTES,
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length
      if (size > options.maxBytes) {
        return done(new TooLargeError(tooLarge(options, 'the body went on')))
      }
      hash.update(chunk)
      done(null, chunk)
    }
  })
  const file = createWriteStream(temporary, { highWaterMark: WRITE_BUFFER_BYTES })
  let writeError: Error | undefined
  // Node 24 can leave pipeline() unsettled after a write error (seen with ENOSPC): the disk's
  // own error (one with a syscall; not one pipeline passed along) ends the transfer by itself.
  const writeFailed = new Promise<never>((_resolve, reject) =>
    file.on('error', (error: NodeJS.ErrnoException) => {
      if (error.syscall) reject((writeError ??= error))
    })
  )
  const piped = pipeline(message, measure, file)
  piped.catch(() => undefined)
  try {
    await Promise.race([piped, writeFailed])
  } catch (error) {
    message.destroy()
    if (error instanceof TooLargeError) throw new Error(error.message, { cause: error })
    if (writeError) {
      throw new Error(`could not write the export to disk: ${messageOf(writeError)}`, {
        cause: error
      })
    }
    // Trouble on the network side is worth another try. (A body shorter than its
    // Content-Length ends here too: Node's parser reports it as an abort.)
    if (!message.complete) {
      throw new TransientError(`transfer broke off (${describeNetworkError(error)})`)
    }
    throw error
  }
  return { size, sha256: hash.digest('hex') }
}

/** setTimeout's ceiling (about 24.8 days); a longer delay would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1

function tooLarge({ maxBytes, maxBytesInput }: DownloadOptions, detail: string): string {
  const raise = maxBytesInput ? `; raise ${maxBytesInput} if the tool is really this large` : ''
  return `the export is larger than ${maxBytesInput ?? 'allowed'} (${maxBytes} bytes): ${detail}${raise}`
}

/**
 * Follows a few redirects by hand: the API key goes only to the Kore.ai origin (never to a
 * storage host a redirect points at), and every hop obeys host's scheme rule.
 */
async function openFollowingRedirects(
  start: URL,
  options: DownloadOptions
): Promise<HttpClientResponse> {
  const keyOrigin = new URL(options.host).origin
  let url = start
  for (let hop = 0; ; hop++) {
    // Each hop, and the body after the last one, gets what is left of the deadline.
    const totalMs = Math.min((options.deadline ?? Infinity) - Date.now(), MAX_TIMER_MS)
    if (totalMs <= 0) throw new DeadlineError('Download of the export')
    const limits: TimeLimits = { totalMs, idleMs: options.requestTimeoutMs ?? 60_000 }
    const headers = url.origin === keyOrigin ? { 'x-api-key': options.apiKey } : {}
    core.debug(`GET download from ${url.origin} (key sent: ${url.origin === keyOrigin})`)
    const response = await send('GET', url.href, headers, limits)
    const status = response.message.statusCode ?? 0
    if (REDIRECT_STATUSES.has(status)) {
      discard(response)
      url = nextHop(url, response.message.headers.location, hop, options.host)
      continue
    }
    if (status >= 200 && status < 300) return response
    discard(response)
    if (isTransientStatus(status, true)) throw transientStatusError(response)
    if ([401, 403, 404, 410].includes(status)) {
      throw new Error(
        `the download URL answered HTTP ${status}: it may have expired; run the export again`
      )
    }
    throw new Error(`the download URL answered HTTP ${status}`)
  }
}

function nextHop(from: URL, location: string | undefined, hop: number, host: string): URL {
  if (!location) throw new Error('the download redirected without a Location')
  if (hop + 1 > MAX_REDIRECTS) {
    throw new Error(`the download redirected more than ${MAX_REDIRECTS} times`)
  }
  let next: URL
  try {
    next = new URL(location, from)
  } catch {
    throw new Error('the download redirected to something that is not a URL')
  }
  if (from.protocol === 'https:' && next.protocol !== 'https:') {
    throw new Error('refusing a redirect of the download from https to http')
  }
  refuseInsecure(next, host, 'follow a redirect of the download to')
  hideSecret(next.href)
  return next
}
