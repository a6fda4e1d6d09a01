import { verifyZip, ZipEntryInfo } from './archive.js'
import { decodeJsonBytes, refuseDeepJson } from './json-text.js'
import { printable } from '../text.js'

/**
 * What an agentic app's export is. Its layout is not documented (agents, tools, MCP servers…
 * in files of their own), so nothing is assumed of it but this: a safe zip holding at least
 * one JSON file, every `.json` entry strict JSON. Secure values may sit in any of those files,
 * so each is walked for them (see prepareExportFiles and artifactCopy).
 */

/** Whether an entry of an app export is one of its JSON files, wherever it sits. */
export function isAppJsonFile(name: string): boolean {
  return /\.json$/i.test(name)
}

/** Far above Kore.ai's 5 MB app configuration limit, as for tools a multiple of the zip's. */
const UNPACKED_SIZE_FACTOR = 4
const MAX_UNPACKED_BYTES = 512 * 1024 * 1024

/**
 * Checks a downloaded app export with the tool export's zip checks (no slip, bomb, link or bad
 * CRC) and that its JSON can be read; throws naming the file at fault, so it is never kept.
 */
export async function verifyAppExport(file: string, maxZipBytes: number): Promise<ZipEntryInfo[]> {
  const limit = Math.min(maxZipBytes * UNPACKED_SIZE_FACTOR, MAX_UNPACKED_BYTES)
  const entries = await verifyZip(file, limit, isAppJsonFile)
  const refuse = (problem: string): never => {
    const held = printable(entries.map(entry => entry.name).join(', '), 500) || 'nothing'
    throw new Error(`the app export cannot be kept: ${problem} (the zip held: ${held})`)
  }
  const json = entries.filter(entry => isAppJsonFile(entry.name))
  if (json.length === 0) refuse('it holds no JSON file')
  for (const entry of json) {
    try {
      const text = decodeJsonBytes(entry.data)
      refuseDeepJson(text)
      JSON.parse(text)
    } catch {
      // Where, not what: the text around the error may be a secret's value.
      refuse(`its ${printable(entry.name)} is not valid JSON`)
    }
  }
  return entries.map(({ name, size }) => ({ name, size }))
}
