import * as fs from 'node:fs'
import { Readable } from 'node:stream'
import { promisify } from 'node:util'
import * as zlib from 'node:zlib'
import yauzl from 'yauzl'
import { messageOf } from '../errors.js'
import { isBadPathSegment } from '../input-parsers.js'
import { hasUnprintable, printable } from '../text.js'

export interface ZipEntryInfo {
  name: string
  /** Uncompressed size in bytes. */
  size: number
}

export interface ZipFileEntry extends ZipEntryInfo {
  data: Buffer
}

export class ArchiveError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ArchiveError'
  }
}

/** Far above any real tool export, far below what would hurt the runner (zip bombs). */
export const MAX_EXTRACTED_BYTES = 100 * 1024 * 1024

/** A tool export holds three files; a zip with thousands is not one (and is slow to check). */
const MAX_ENTRIES = 10_000

/**
 * Opens the zip and reads every entry to its end, checking sizes (yauzl) and CRC-32 (here,
 * since yauzl does not), so a corrupt export fails now rather than at import time. Refuses
 * entries that share bytes (one deflate stream named forty times inflates forty times) and
 * more than `maxUnpackedBytes` of content in all. Keeps the data of the entries `keepData` names.
 */
export async function verifyZip(
  file: string,
  maxUnpackedBytes: number,
  keepData: (name: string) => boolean = () => false
): Promise<ZipFileEntry[]> {
  return readZip(file, keepData, maxUnpackedBytes)
}

/**
 * Reads the `wanted` files of the zip (all by default) into memory, refusing unsafe archives:
 * absolute names, `..`, backslashes, duplicates, links, and more than MAX_EXTRACTED_BYTES in all.
 */
export async function extractZip(
  file: string,
  wanted: (name: string) => boolean = () => true
): Promise<ZipFileEntry[]> {
  const entries = await readZip(file, wanted, MAX_EXTRACTED_BYTES)
  return entries.filter(entry => wanted(entry.name))
}

async function readZip(
  file: string,
  keepData: (name: string) => boolean,
  maxUnpackedBytes: number
): Promise<ZipFileEntry[]> {
  let zip: yauzl.ZipFile
  try {
    zip = await openZip(file)
  } catch (error) {
    throw new ArchiveError(`the download is not a valid zip: ${messageOf(error)}`)
  }
  const entries: ZipFileEntry[] = []
  const names = new Set<string>()
  const spans: Span[] = []
  let total = 0
  try {
    if (zip.entryCount > MAX_ENTRIES) {
      throw new ArchiveError(`unsafe archive: it has more than ${MAX_ENTRIES} entries`)
    }
    for await (const entry of readEntries(zip)) {
      refuseOverlap(entry, spans)
      if (entry.fileName.endsWith('/')) continue
      refuseUnsafe(entry, names)
      total += entry.uncompressedSize
      if (total > maxUnpackedBytes) {
        throw new ArchiveError(`unsafe archive: it unpacks to more than ${maxUnpackedBytes} bytes`)
      }
      const { crc, data } = await readEntry(zip, entry, keepData(entry.fileName))
      if (crc !== entry.crc32) throw new Error(`entry ${entry.fileName} fails its CRC-32 check`)
      entries.push({ name: entry.fileName, size: entry.uncompressedSize, data })
    }
    refuseFileAndFolder(entries)
  } catch (error) {
    if (error instanceof ArchiveError) throw error
    const message = messageOf(error)
    // yauzl's own name checks: absolute paths, `..`, backslashes (strictFileNames).
    if (/absolute path|invalid relative path|invalid characters in fileName/.test(message)) {
      throw new ArchiveError(`unsafe archive: ${message}`)
    }
    throw new ArchiveError(`the downloaded zip is corrupt: ${message}`)
  } finally {
    zip.close()
  }
  return entries
}

/** A file and a folder of one name (`x.json` beside `x.json/y.json`) cannot both be written. */
function refuseFileAndFolder(entries: ZipEntryInfo[]): void {
  const files = new Set(entries.map(entry => entry.name))
  for (const { name } of entries) {
    for (let cut = name.indexOf('/'); cut > 0; cut = name.indexOf('/', cut + 1)) {
      if (files.has(name.slice(0, cut))) {
        throw new ArchiveError(
          `unsafe archive: ${printable(name.slice(0, cut))} is both a file and a folder`
        )
      }
    }
  }
}

/** Where an entry's local header and data lie in the file: at least this much of it. */
interface Span {
  start: number
  end: number
  name: string
}

const LOCAL_HEADER_BYTES = 30

function refuseOverlap(entry: yauzl.Entry, spans: Span[]): void {
  const start = entry.relativeOffsetOfLocalHeader
  const end = start + LOCAL_HEADER_BYTES + entry.fileNameLength + entry.compressedSize
  const other = spans.find(span => start < span.end && span.start < end)
  if (other) {
    throw new ArchiveError(
      `unsafe archive: entries ${printable(other.name)} and ${printable(entry.fileName)} share their data`
    )
  }
  spans.push({ start, end, name: entry.fileName })
}

const S_IFMT = 0o170000
const S_IFLNK = 0o120000

function refuseUnsafe(entry: yauzl.Entry, seen: Set<string>): void {
  const name = entry.fileName
  if (hasUnprintable(name)) {
    throw new ArchiveError(`unsafe archive: entry ${printable(name)} has control characters`)
  }
  if (name.split('/').some(isBadPathSegment)) {
    throw new ArchiveError(
      `unsafe archive: entry ${printable(name)} has an empty, ".", ".." or ".git" part`
    )
  }
  if (seen.has(name)) throw new ArchiveError(`unsafe archive: entry ${name} appears twice`)
  seen.add(name)
  const unixMode = (entry.externalFileAttributes >>> 16) & S_IFMT
  if (unixMode === S_IFLNK) throw new ArchiveError(`unsafe archive: entry ${name} is a link`)
}

const READ_CHUNK_BYTES = 1024 * 1024

/**
 * yauzl's own file reader streams entries in 16 KiB reads, which made checking a 1 GiB export
 * take seconds; this one reads 1 MiB at a time.
 */
class FileReader extends yauzl.RandomAccessReader {
  constructor(private readonly fd: number) {
    super()
  }

  // Not fs.createReadStream: yauzl destroys streams early, and that would close the shared fd.
  override _readStreamForRange(start: number, end: number): Readable {
    const fd = this.fd
    let position = start
    return new Readable({
      highWaterMark: READ_CHUNK_BYTES,
      read() {
        const length = Math.min(READ_CHUNK_BYTES, end - position)
        if (length <= 0) return void this.push(null)
        fs.read(fd, Buffer.allocUnsafe(length), 0, length, position, (error, bytesRead, buffer) => {
          if (error) return this.destroy(error)
          position += bytesRead
          // A short file ends the stream early; yauzl reports the size mismatch.
          this.push(bytesRead > 0 ? buffer.subarray(0, bytesRead) : null)
        })
      }
    })
  }

  override read(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
    callback: (error: Error | null) => void
  ): void {
    fs.read(this.fd, buffer, offset, length, position, error => callback(error))
  }

  override close(callback: (error: Error | null) => void): void {
    fs.close(this.fd, callback)
  }
}

async function openZip(file: string): Promise<yauzl.ZipFile> {
  const fd = await promisify(fs.open)(file, 'r')
  const { size } = fs.fstatSync(fd)
  return new Promise((resolve, reject) => {
    const options = { lazyEntries: true, autoClose: false, strictFileNames: true }
    yauzl.fromRandomAccessReader(new FileReader(fd), size, options, (error, zip) => {
      if (error) {
        fs.closeSync(fd)
        reject(error)
      } else resolve(zip)
    })
  })
}

async function* readEntries(zip: yauzl.ZipFile): AsyncGenerator<yauzl.Entry> {
  for (;;) {
    const entry = await new Promise<yauzl.Entry | undefined>((resolve, reject) => {
      const onEntry = (e: yauzl.Entry): void => settle(() => resolve(e))
      const onEnd = (): void => settle(() => resolve(undefined))
      const onError = (e: Error): void => settle(() => reject(e))
      const settle = (then: () => void): void => {
        zip.off('entry', onEntry).off('end', onEnd).off('error', onError)
        then()
      }
      zip.on('entry', onEntry).on('end', onEnd).on('error', onError)
      zip.readEntry()
    })
    if (!entry) return
    yield entry
  }
}

function readEntry(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
  keepData: boolean
): Promise<{ crc: number; data: Buffer }> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error) return reject(error)
      let crc = 0
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => {
        crc = zlib.crc32(chunk, crc)
        if (keepData) chunks.push(chunk)
      })
      stream.on('end', () => resolve({ crc, data: Buffer.concat(chunks) }))
      stream.on('error', reject)
    })
  })
}
