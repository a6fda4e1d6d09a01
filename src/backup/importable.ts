import { Node, ParseError, parseTree, printParseErrorCode } from 'jsonc-parser'
import { verifyZip, ZipEntryInfo } from './archive.js'
import { ENV_VARIABLES_FILE, REDACTED } from './env-variables.js'
import { decodeJsonBytes, MAX_JSON_DEPTH, refuseDeepJson } from './json-text.js'
import { messageOf } from '../errors.js'
import { printable } from '../text.js'

/**
 * What makes a backup importable, one definition for the export (nothing less is committed over
 * a good backup) and the restore (nothing less is uploaded): the three files at the top level,
 * named in any case but each only once; flow_definition.json and app_definition.json present;
 * each file present non-empty, valid UTF-8 (a byte order mark is fine; UTF-16 with one, as some
 * exporters write it) and strict JSON.
 */

export const FLOW_FILE = 'flow_definition.json'
export const APP_FILE = 'app_definition.json'
export const IMPORTABLE_FILES = [FLOW_FILE, APP_FILE, ENV_VARIABLES_FILE] as const
const REQUIRED_FILES = [FLOW_FILE, APP_FILE]

/** The backup is not importable; the message names the file and why. */
export class NotImportableError extends Error {
  constructor(message: string) {
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
export function importableFiles(files: Iterable<[string, Buffer]>): Map<string, Buffer> {
  const found = new Map<string, Buffer>()
  const spelled = new Map<string, string>()
  for (const [path, data] of files) {
    if (!isImportableName(path)) continue
    const name = path.toLowerCase()
    const other = spelled.get(name)
    if (other !== undefined) {
      throw new NotImportableError(
        `it holds ${printable(other)} and ${printable(path)}: one file in two letter cases, and which one Kore.ai would read cannot be told`
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
  for (const [name, data] of found) checkJsonFile(name, data)
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

/**
 * Verifies a downloaded export (see verifyZip) and that it is importable; an export that is not
 * is never kept, so it can never be committed over a good backup.
 */
export async function verifyExport(
  file: string,
  maxUnpackedBytes: number,
  withVariables: boolean
): Promise<ZipEntryInfo[]> {
  const checked = (name: string): boolean =>
    isImportableName(name) && (withVariables || name.toLowerCase() !== ENV_VARIABLES_FILE)
  const entries = await verifyZip(file, maxUnpackedBytes, checked)
  try {
    importableFiles(entries.filter(entry => checked(entry.name)).map(e => [e.name, e.data]))
  } catch (error) {
    const held = printable(entries.map(entry => entry.name).join(', ')) || 'nothing'
    const message = messageOf(error)
    const omit = message.includes(ENV_VARIABLES_FILE)
      ? '; env-variables: omit backs the tool up without that file'
      : ''
    throw new NotImportableError(
      `the export cannot be imported, so it is not kept: ${message} (the zip held: ${held})${omit}`
    )
  }
  return entries.map(({ name, size }) => ({ name, size }))
}

/** Non-empty text (UTF-8, a BOM allowed), strict JSON: what Kore.ai's import can read. */
function checkJsonFile(name: string, data: Buffer): void {
  let text: string
  try {
    text = decodeJsonBytes(data)
  } catch {
    throw new NotImportableError(`its ${name} is not valid UTF-8 text`)
  }
  if (!text.trim()) throw new NotImportableError(`its ${name} is empty`)
  try {
    refuseDeepJson(text)
  } catch {
    throw new NotImportableError(`its ${name} nests deeper than ${MAX_JSON_DEPTH} levels`)
  }
  try {
    JSON.parse(text)
  } catch {
    // Where, not what: the text around the error may be a secret's value.
    const errors: ParseError[] = []
    parseTree(text, errors, { disallowComments: true, allowTrailingComma: false })
    const first = errors[0]
    const at = first ? ` (${printParseErrorCode(first.error)} at offset ${first.offset})` : ''
    throw new NotImportableError(`its ${name} is not valid JSON${at}`)
  }
}

/**
 * Where a file still holds the redaction placeholder as a string value, at any depth (JSON text
 * inside a string included), e.g. `[0].items[1].value`; undefined when it holds none. The
 * restore's last check: whatever the file's shape, a placeholder is never uploaded.
 */
export function placeholderPath(text: string): string | undefined {
  const root = parseTree(text, [], { allowTrailingComma: true })
  return root && findPlaceholder(root, '')
}

function findPlaceholder(node: Node, path: string): string | undefined {
  if (node.type === 'string') {
    const value = String(node.value).trim()
    if (value === REDACTED) return path || '(the whole file)'
    if (!/^[[{]/.test(value) || !value.includes(REDACTED)) return undefined
    const inner = parseTree(value, [], { allowTrailingComma: true })
    const found = inner && findPlaceholder(inner, '')
    return found === undefined ? undefined : `${path} (JSON text, at ${found})`
  }
  const children = node.children ?? []
  for (const [index, child] of children.entries()) {
    const found =
      child.type === 'property'
        ? child.children?.[1] &&
          findPlaceholder(
            child.children[1],
            `${path}${path ? '.' : ''}${String(child.children[0]?.value)}`
          )
        : findPlaceholder(child, `${path}[${index}]`)
    if (found !== undefined) return found
  }
  return undefined
}
