import * as core from '@actions/core'
import type { HttpClientResponse } from '@actions/http-client'
import { createHash, randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import * as fs from 'node:fs/promises'
import * as path from 'node:path'
import { Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { ArchiveError, requireImportable, verifyZip, ZipEntryInfo } from '../archive.js'
import {
  createHttpClient,
  describeNetworkError,
  discard,
  isTransientStatus,
  send,
  transientStatusError
} from '../http.js'
import { isLoopback } from '../input-parsers.js'
import { DEFAULT_RETRY, RetryPolicy, TransientError, withRetries } from '../retry.js'

const MAX_REDIRECTS = 5
const WRITE_BUFFER_BYTES = 1024 * 1024
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308])

export class DownloadError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'DownloadError'
  }
}

export interface DownloadOptions {
  /** Kore.ai base URL: the only origin the API key is ever sent to. */
  host: string
  apiKey: string
  /** Final path of the zip; nothing appears there unless the download is complete and valid. */
  destination: string
  retry?: RetryPolicy
  /** Idle time limit for each request. */
  requestTimeoutMs?: number
  /** Put before log lines (see ExportRequest.label). */
  label?: string
}

export interface DownloadedFile {
  file: string
  size: number
  sha256: string
  entries: ZipEntryInfo[]
}

/** Streams the export to a temporary file beside the destination, verifies it, renames it. */
export async function downloadExport(
  downloadUrl: string,
  options: DownloadOptions
): Promise<DownloadedFile> {
  const url = resolveDownloadUrl(downloadUrl, options.host)
  core.setSecret(url.href)
  await fs.mkdir(path.dirname(options.destination), { recursive: true })
  const temporary = path.join(
    path.dirname(options.destination),
    `.${path.basename(options.destination)}.${randomUUID().slice(0, 8)}.part`
  )
  try {
    const fetched = await withRetries(
      `${options.label ?? ''}Download of the export`,
      options.retry ?? DEFAULT_RETRY,
      () => fetchToFile(url, temporary, options)
    )
    const entries = await verifyZip(temporary)
    requireImportable(entries)
    await fs.rename(temporary, options.destination)
    return { file: options.destination, ...fetched, entries }
  } catch (error) {
    await fs.rm(temporary, { force: true })
    if (error instanceof ArchiveError) throw new DownloadError(error.message)
    throw error
  }
}

/** Accepts the URL as Kore.ai writes it (padded, possibly relative to host); refuses plain http. */
export function resolveDownloadUrl(raw: string, host: string): URL {
  let url: URL
  try {
    url = new URL(raw.trim(), `${host}/`)
  } catch {
    throw new DownloadError('Kore.ai sent a download URL that is not a URL')
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw new DownloadError(`refusing to download the export over ${url.protocol} (https only)`)
  }
  return url
}

async function fetchToFile(
  url: URL,
  temporary: string,
  options: DownloadOptions
): Promise<{ size: number; sha256: string }> {
  const timeoutMs = options.requestTimeoutMs ?? 60_000
  const response = await openFollowingRedirects(url, options, timeoutMs)
  const message = response.message
  const expected = Number(message.headers['content-length'] ?? NaN)
  const hash = createHash('sha256')
  let size = 0
  // Larger buffers let slow disk writes batch up (writev) instead of stalling the socket.
  const measure = new Transform({
    highWaterMark: WRITE_BUFFER_BYTES,
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk)
      size += chunk.length
      done(null, chunk)
    }
  })
  message.setTimeout(timeoutMs, () => message.destroy(new Error('download stalled')))
  try {
    await pipeline(
      message,
      measure,
      createWriteStream(temporary, { highWaterMark: WRITE_BUFFER_BYTES })
    )
  } catch (error) {
    // Trouble on the network side is worth another try; a failing disk is not.
    if (!message.complete) {
      throw new TransientError(`transfer broke off (${describeNetworkError(error)})`)
    }
    throw error
  }
  if (Number.isFinite(expected) && size !== expected) {
    throw new TransientError(`transfer truncated: got ${size} of ${expected} bytes`)
  }
  return { size, sha256: hash.digest('hex') }
}

/**
 * Follows a few redirects by hand: the API key goes only to the Kore.ai origin (never to a
 * storage host a redirect points at), and https never downgrades to http.
 */
async function openFollowingRedirects(
  start: URL,
  options: DownloadOptions,
  timeoutMs: number
): Promise<HttpClientResponse> {
  const http = createHttpClient(timeoutMs)
  const keyOrigin = new URL(options.host).origin
  let url = start
  for (let hop = 0; ; hop++) {
    const headers = url.origin === keyOrigin ? { 'x-api-key': options.apiKey } : {}
    core.debug(`GET download from ${url.origin} (key sent: ${url.origin === keyOrigin})`)
    const response = await send(http, 'GET', url.href, headers)
    const status = response.message.statusCode ?? 0
    if (REDIRECT_STATUSES.has(status)) {
      discard(response)
      url = nextHop(url, response.message.headers.location, hop)
      continue
    }
    if (status >= 200 && status < 300) return response
    discard(response)
    if (isTransientStatus(status)) throw transientStatusError(response)
    if ([401, 403, 404, 410].includes(status)) {
      throw new DownloadError(
        `the download URL answered HTTP ${status}: it may have expired; run the export again`
      )
    }
    throw new DownloadError(`the download URL answered HTTP ${status}`)
  }
}

function nextHop(from: URL, location: string | undefined, hop: number): URL {
  if (!location) throw new DownloadError('the download redirected without a Location')
  if (hop + 1 > MAX_REDIRECTS) {
    throw new DownloadError(`the download redirected more than ${MAX_REDIRECTS} times`)
  }
  const next = new URL(location, from)
  if (from.protocol === 'https:' && next.protocol !== 'https:') {
    throw new DownloadError('refusing a redirect of the download from https to http')
  }
  if (next.protocol !== 'https:' && next.protocol !== 'http:') {
    throw new DownloadError(`refusing a redirect of the download to ${next.protocol}`)
  }
  core.setSecret(next.href)
  return next
}
