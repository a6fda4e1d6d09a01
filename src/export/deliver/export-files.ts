import type { ZipFileEntry } from '../../backup/archive.js'
import { isEnvVariablesFile, redactEnvVariablesFile } from '../../backup/env-variables.js'
import type { EnvVariablesMode } from '../inputs.js'
import { refuseDeepJson, reindentJson } from '../../backup/json-text.js'
import { printable } from '../../text.js'

export interface PreparedFiles {
  /** Path inside commit-path → content to store. */
  files: Map<string, Buffer>
  /** Names (or positions) of the variables whose values were redacted. */
  redacted: string[]
}

/** env_variables.json could not be redacted for sure, so nothing of the tool may be committed. */
export class RedactionError extends Error {
  constructor(file: string, reason: string) {
    super(
      `${printable(file)} cannot be redacted for sure: ${reason}. Nothing of this tool is committed; set env-variables: omit to back it up without that file`
    )
    this.name = 'RedactionError'
  }
}

/**
 * Turns the export's entries into the files to commit: JSON re-indented for readable diffs
 * (every number and string keeps its exact text), other files byte for byte, and
 * env_variables.json kept, redacted or left out. In redact mode the variables file is either
 * redacted or the whole tool fails: its raw bytes are never committed.
 */
export function prepareExportFiles(entries: ZipFileEntry[], mode: EnvVariablesMode): PreparedFiles {
  const files = new Map<string, Buffer>()
  const redacted: string[] = []
  for (const entry of entries) {
    const isEnvVariables = isEnvVariablesFile(entry.name)
    if (isEnvVariables && mode === 'omit') continue
    if (isEnvVariables && mode === 'redact') {
      const result = redactOrRefuse(entry)
      files.set(entry.name, Buffer.from(reindentJson(result.text), 'utf8'))
      redacted.push(...result.names)
      continue
    }
    const text = strictJsonText(entry.data)
    files.set(entry.name, text === undefined ? entry.data : Buffer.from(reindentJson(text), 'utf8'))
  }
  return { files, redacted }
}

function redactOrRefuse(entry: ZipFileEntry): { text: string; names: string[] } {
  try {
    return redactEnvVariablesFile(entry.data)
  } catch (error) {
    throw new RedactionError(entry.name, (error as Error).message)
  }
}

/**
 * The entry as text when it is strict UTF-8 JSON that can be re-indented; undefined for anything
 * else (kept as bytes), nesting past MAX_JSON_DEPTH included.
 */
function strictJsonText(data: Buffer): string | undefined {
  const text = data.toString('utf8')
  if (!Buffer.from(text, 'utf8').equals(data)) return undefined
  try {
    refuseDeepJson(text)
    JSON.parse(text)
    return text
  } catch {
    return undefined
  }
}
