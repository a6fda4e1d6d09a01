import * as zlib from 'node:zlib'
import yauzl from 'yauzl'

export interface ZipEntryInfo {
  name: string
  /** Uncompressed size in bytes. */
  size: number
}

export class ArchiveError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ArchiveError'
  }
}

/** The files Kore.ai puts in a tool export; import needs the first one. */
export const EXPECTED_ENTRIES = [
  'flow_definition.json',
  'app_definition.json',
  'env_variables.json'
]

/**
 * Opens the zip and reads every entry to its end, checking sizes (yauzl) and CRC-32 (here,
 * since yauzl does not), so a corrupt export fails now rather than at import time.
 */
export async function verifyZip(file: string): Promise<ZipEntryInfo[]> {
  let zip: yauzl.ZipFile
  try {
    zip = await openZip(file)
  } catch (error) {
    throw new ArchiveError(`the download is not a valid zip: ${(error as Error).message}`)
  }
  const entries: ZipEntryInfo[] = []
  try {
    for await (const entry of readEntries(zip)) {
      if (entry.fileName.endsWith('/')) continue
      const crc = await crcOfEntry(zip, entry)
      if (crc !== entry.crc32) {
        throw new Error(`entry ${entry.fileName} fails its CRC-32 check`)
      }
      entries.push({ name: entry.fileName, size: entry.uncompressedSize })
    }
  } catch (error) {
    throw new ArchiveError(`the downloaded zip is corrupt: ${(error as Error).message}`)
  } finally {
    zip.close()
  }
  return entries
}

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: false }, (error, zip) =>
      error ? reject(error) : resolve(zip)
    )
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

function crcOfEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<number> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error) return reject(error)
      let crc = 0
      stream.on('data', (chunk: Buffer) => (crc = zlib.crc32(chunk, crc)))
      stream.on('end', () => resolve(crc))
      stream.on('error', reject)
    })
  })
}
