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

/**
 * Whether an entry of an app is walked for secure values: a `.json` file, or any file whose
 * text reads as JSON (`.jsonc`, no extension…). The name alone would let a renamed file
 * through unread.
 */
export function isAppDataFile(name: string, data: Buffer): boolean {
  if (isAppJsonFile(name)) return true
  // Comments may come first (`// auth profile` above a JSONC object).
  const head = scannableText(data.subarray(0, 4096)).replace(
    /^(\s*(\/\/[^\n]*\n|\/\*[\s\S]*?\*\/))*/,
    ''
  )
  return /^\s*[[{]/.test(head)
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

/**
 * An archive inside an app export (a zip, a gzip) hides its files from the redaction and the
 * secret scan: with redact it is refused, naming it, rather than carried along unread.
 */
export function refuseArchivesInside(entries: { name: string; data: Buffer }[]): void {
  const archive = entries.find(({ data }) => {
    const magic = data.subarray(0, 4).toString('hex')
    return magic === '504b0304' || magic.startsWith('1f8b') || magic === '377abcaf'
  })
  if (archive) {
    throw new Error(
      `the app export holds an archive, ${printable(archive.name)}, whose files cannot be redacted or scanned: nothing of this app is kept redacted (env-variables and artifact-secrets: keep keep it as exported, in a private repository)`
    )
  }
}

/** A file's text for the secret scan: UTF-16 read by its byte order mark, else UTF-8. */
export function scannableText(data: Buffer): string {
  try {
    return decodeJsonBytes(data)
  } catch {
    return data.toString('utf8')
  }
}
