/**
 * src/backup/ is what a backup is, for both actions: the importable files and their one
 * definition (here), reading and checking a zip (archive.ts), secure variables with one walker
 * for redacting, filling and hiding them (env-variables.ts), byte-exact JSON text
 * (json-text.ts) and the change report (report/). It imports no action and not kore/.
 */
import { ParseError, parseTree, printParseErrorCode } from 'jsonc-parser'
import { verifyZip, ZipEntryInfo } from './archive.js'
import { ENV_VARIABLES_FILE } from './env-variables.js'
import { decodeJsonBytes, MAX_JSON_DEPTH, refuseDeepJson } from './json-text.js'
import { messageOf } from '../errors.js'
import { printable } from '../text.js'

/**
 * What makes a backup importable, one definition for the export (nothing less is committed over
 * a good backup) and the restore (nothing less is uploaded): the three files at the top level,
 * named in any case but each only once; flow_definition.json and app_definition.json present,
 * each a JSON object; env_variables.json, when there, an object or a list; every file non-empty,
 * valid UTF-8 (a byte order mark is fine) and strict JSON. The export also takes UTF-16 with a
 * byte order mark, as some exporters write it (what it commits is re-indented as UTF-8).
 */

/** The action's own list of what it wrote in a backup folder (see export/deliver/manifest.ts). */
export const MANIFEST_FILE = '.kore-tool-export.json'

export const FLOW_FILE = 'flow_definition.json'
export const APP_FILE = 'app_definition.json'
const IMPORTABLE_FILES = [FLOW_FILE, APP_FILE, ENV_VARIABLES_FILE] as const
const REQUIRED_FILES = [FLOW_FILE, APP_FILE]

/** The backup is not importable; the message names the file and why. */
class NotImportableError extends Error {
  constructor(
    message: string,
    /** The file at fault, when one is. */
    readonly file?: string
  ) {
    super(message)
    this.name = 'NotImportableError'
  }
}

/** Whether a path (in a zip or a folder) is one of the three files at the top level. */
export function isImportableName(path: string): boolean {
  return (IMPORTABLE_FILES as readonly string[]).includes(path.toLowerCase())
}

/**
 * The importable files among `files` (path → bytes), by their lower-case names, once checked.
 * Throws NotImportableError naming the first file that is missing, doubled or unreadable.
 */
export function importableFiles(
  files: Iterable<[string, Buffer]>,
  { utf16 = false } = {}
): Map<string, Buffer> {
  const found = new Map<string, Buffer>()
  const spelled = new Map<string, string>()
  for (const [path, data] of files) {
    if (!isImportableName(path)) continue
    const name = path.toLowerCase()
    const other = spelled.get(name)
    if (other !== undefined) {
      throw new NotImportableError(
        `it holds ${printable(other)} and ${printable(path)}: one file in two letter cases, and which one Kore.ai would read cannot be told`,
        name
      )
    }
    spelled.set(name, path)
    found.set(name, data)
  }
  const missing = REQUIRED_FILES.filter(name => !found.has(name))
  if (missing.length > 0) {
    throw new NotImportableError(
      `it holds no ${missing.join(' and ')}: Kore.ai needs both flow_definition.json and app_definition.json to import a tool`
    )
  }
  for (const [name, data] of found) checkJsonFile(name, data, utf16)
  return found
}

/** File Upload's documented limit for one request; larger files need an upload session. */
export const MAX_UPLOAD_BYTES = 25 * 1024 * 1024

/**
 * The importable files, checked as the restore uploads them: as importableFiles (UTF-8 only),
 * each within File Upload's limit, and env_variables.json present when importing over an
 * existing tool (Kore.ai requires it there). One rule for a backup and for the safety export
 * kept as its undo: an undo the restore would refuse is no undo.
 */
export function restorableFiles(
  files: Iterable<[string, Buffer]>,
  { overExisting }: { overExisting: boolean }
): Map<string, Buffer> {
  const found = importableFiles(files)
  for (const [name, data] of found) {
    if (data.length > MAX_UPLOAD_BYTES) {
      throw new NotImportableError(
        `its ${name} has ${data.length} bytes, more than File Upload takes in one request (${MAX_UPLOAD_BYTES} bytes, 25 MB)`,
        name
      )
    }
  }
  if (overExisting && !found.has(ENV_VARIABLES_FILE)) {
    throw new NotImportableError(
      `it holds no ${ENV_VARIABLES_FILE}, which Kore.ai requires to import over an existing tool`,
      ENV_VARIABLES_FILE
    )
  }
  return found
}

/**
 * The importable files a folder holds (`existing`, names relative to it) that `wanted` lacks:
 * writing `wanted` there would take them out of a good backup.
 */
export function lostImportableFiles(existing: string[], wanted: Map<string, Buffer>): string[] {
  const kept = new Set([...wanted.keys()].map(name => name.toLowerCase()))
  return existing.filter(name => isImportableName(name) && !kept.has(name.toLowerCase()))
}

/** An export may unpack to this many times its zip's size limit: JSON compresses well, bombs better. */
const UNPACKED_SIZE_FACTOR = 4
/**
 * And never to more than this, whatever the zip's limit: the files are read into memory, and
 * V8 cannot hold a string much longer anyway. Kore.ai's exports are kilobytes to megabytes.
 */
const MAX_UNPACKED_BYTES = 512 * 1024 * 1024

/** A verified export: every entry's name and size, and its importable files as checked. */
export interface VerifiedExport {
  entries: ZipEntryInfo[]
  /** By lower-case name, as importableFiles gives them. */
  files: Map<string, Buffer>
}

/**
 * Verifies a downloaded export (see verifyZip) and that it is importable; an export that is not
 * is never kept, so it can never be committed over a good backup.
 */
export async function verifyExport(
  file: string,
  maxZipBytes: number,
  withVariables: boolean,
  /** Checks the files as a restore over an existing tool would upload them (the safety export). */
  { asRestorable = false } = {}
): Promise<VerifiedExport> {
  const checked = (name: string): boolean =>
    isImportableName(name) && (withVariables || name.toLowerCase() !== ENV_VARIABLES_FILE)
  const limit = Math.min(maxZipBytes * UNPACKED_SIZE_FACTOR, MAX_UNPACKED_BYTES)
  const entries = await verifyZip(file, limit, checked)
  let files: Map<string, Buffer>
  try {
    const importable = entries.filter(entry => checked(entry.name))
    const named: [string, Buffer][] = importable.map(entry => [entry.name, entry.data])
    files = asRestorable
      ? restorableFiles(named, { overExisting: true })
      : importableFiles(named, { utf16: true })
  } catch (error) {
    const held = printable(entries.map(entry => entry.name).join(', ')) || 'nothing'
    const omit =
      !asRestorable && error instanceof NotImportableError && error.file === ENV_VARIABLES_FILE
        ? '; env-variables: omit backs the tool up without that file'
        : ''
    const verdict = asRestorable
      ? 'the restore could not bring this export back, so it would be no undo'
      : 'the export cannot be imported, so it is not kept'
    throw new NotImportableError(`${verdict}: ${messageOf(error)} (the zip held: ${held})${omit}`)
  }
  return { entries: entries.map(({ name, size }) => ({ name, size })), files }
}

/** Non-empty text (UTF-8, a BOM allowed), strict JSON of the right shape. */
function checkJsonFile(name: string, data: Buffer, utf16: boolean): void {
  const refuse = (problem: string): never => {
    throw new NotImportableError(`its ${name} ${problem}`, name)
  }
  const isUtf16 = (data[0] === 0xff && data[1] === 0xfe) || (data[0] === 0xfe && data[1] === 0xff)
  if (isUtf16 && !utf16) refuse("is UTF-16 text: Kore.ai's import reads UTF-8")
  let text = ''
  try {
    text = decodeJsonBytes(data)
  } catch {
    refuse('is not valid UTF-8 text')
  }
  if (!text.trim()) refuse('is empty')
  try {
    refuseDeepJson(text)
  } catch {
    refuse(`nests deeper than ${MAX_JSON_DEPTH} levels`)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    // Where, not what: the text around the error may be a secret's value.
    const errors: ParseError[] = []
    parseTree(text, errors, { disallowComments: true, allowTrailingComma: false })
    const first = errors[0]
    refuse(
      `is not valid JSON${first ? ` (${printParseErrorCode(first.error)} at offset ${first.offset})` : ''}`
    )
  }
  const isObject = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
  if (name === ENV_VARIABLES_FILE) {
    if (!isObject && !Array.isArray(parsed)) refuse('is not a list or map of variables')
  } else if (!isObject) refuse('is not a JSON object')
}
