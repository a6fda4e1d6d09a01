import { applyEdits, Edit, format, Node, parseTree } from 'jsonc-parser'
import type { ZipFileEntry } from '../archive.js'
import type { EnvVariablesMode } from '../inputs.js'

export const ENV_VARIABLES_FILE = 'env_variables.json'
export const REDACTED = '<redacted>'

export interface PreparedFiles {
  /** Path inside commit-path → content to store. */
  files: Map<string, Buffer>
  /** Names (or positions) of the variables whose values were redacted. */
  redacted: string[]
}

/**
 * Turns the export's entries into the files to commit: JSON re-indented for readable diffs
 * (every number and string keeps its exact text), other files byte for byte, and
 * env_variables.json kept, redacted or left out.
 */
export function prepareExportFiles(entries: ZipFileEntry[], mode: EnvVariablesMode): PreparedFiles {
  const files = new Map<string, Buffer>()
  const redacted: string[] = []
  for (const entry of entries) {
    const isEnvVariables = entry.name === ENV_VARIABLES_FILE
    if (isEnvVariables && mode === 'omit') continue
    const text = jsonText(entry.data)
    if (text === undefined) {
      files.set(entry.name, entry.data)
      continue
    }
    let source = text
    if (isEnvVariables && mode === 'redact') {
      const result = redactSecureValues(text)
      source = result.text
      redacted.push(...result.names)
    }
    files.set(entry.name, Buffer.from(reindentJson(source), 'utf8'))
  }
  return { files, redacted }
}

/** The entry as text when it is UTF-8 JSON; undefined for anything else. */
function jsonText(data: Buffer): string | undefined {
  const text = data.toString('utf8')
  if (!Buffer.from(text, 'utf8').equals(data)) return undefined
  try {
    JSON.parse(text)
    return text
  } catch {
    return undefined
  }
}

/** Two-space indentation and a final newline; only whitespace between tokens changes. */
export function reindentJson(text: string): string {
  const formatted = applyEdits(
    text,
    format(text, undefined, { tabSize: 2, insertSpaces: true, eol: '\n' })
  )
  return formatted.endsWith('\n') ? formatted : `${formatted}\n`
}

/** Flags Kore.ai (and similar exports) use to mark a variable whose value is a secret. */
const SECURE_FLAGS = ['isSecured', 'isSecure', 'secured', 'secure', 'isSecret', 'secret']
const SECURE_FLAGS_TOO = ['isEncrypted', 'encrypted', 'isMasked', 'masked', 'sensitive']
const VALUE_KEYS = ['value', 'defaultValue', 'values']
const NAME_KEYS = ['key', 'name', 'variableName', 'varName']

/**
 * Replaces the value of every object marked secure with a fixed placeholder, editing only
 * that value's text so that everything else stays exactly as exported.
 */
export function redactSecureValues(text: string): { text: string; names: string[] } {
  const root = parseTree(text)
  if (!root) return { text, names: [] }
  const edits: Edit[] = []
  const names: string[] = []
  visitObjects(root, object => {
    if (!isMarkedSecure(object)) return false
    for (const key of VALUE_KEYS) {
      const value = propertyValue(object, key)
      if (!value || value.type === 'null') continue
      edits.push({ offset: value.offset, length: value.length, content: JSON.stringify(REDACTED) })
    }
    const name = NAME_KEYS.map(key => propertyValue(object, key)).find(n => n?.type === 'string')
    names.push(
      typeof name?.value === 'string' ? name.value : `(variable at offset ${object.offset})`
    )
    return true
  })
  return { text: applyEdits(text, edits), names }
}

function isMarkedSecure(object: Node): boolean {
  return [...SECURE_FLAGS, ...SECURE_FLAGS_TOO].some(flag => {
    const value = propertyValue(object, flag)?.value
    return value === true || value === 'true'
  })
}

function propertyValue(object: Node, key: string): Node | undefined {
  const property = object.children?.find(p => p.children?.[0]?.value === key)
  return property?.children?.[1]
}

/** Calls `visit` on every object; an object it handled (returned true) is not descended into. */
function visitObjects(node: Node, visit: (object: Node) => boolean): void {
  if (node.type === 'object' && visit(node)) return
  for (const child of node.children ?? []) visitObjects(child, visit)
}
