import * as fs from 'node:fs'
import { pipeline } from 'node:stream/promises'
import { ZipFile } from 'yazl'

/**
 * One time for every entry (the zip format's own epoch): the same files always make the same
 * bytes, so a copy made twice is the same artifact.
 */
const ENTRY_TIME = new Date(1980, 0, 1)

/**
 * Writes `entries` as a zip at `file` (created, never overwritten: 'wx'), in the order given,
 * readable only by the runner's user. A failed write removes what it started, never a file
 * that was there before.
 */
export async function writeZip(
  file: string,
  entries: { name: string; data: Buffer }[]
): Promise<void> {
  const zip = new ZipFile()
  for (const { name, data } of entries) {
    zip.addBuffer(data, name, { mtime: ENTRY_TIME, mode: 0o100644, forceDosTimestamp: true })
  }
  zip.end()
  try {
    await pipeline(zip.outputStream, fs.createWriteStream(file, { flags: 'wx', mode: 0o600 }))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      await fs.promises.rm(file, { force: true })
    }
    throw error
  }
}
