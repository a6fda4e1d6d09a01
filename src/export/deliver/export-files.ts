import { messageOf } from '../../errors.js'
import type { ZipFileEntry } from '../../backup/archive.js'
import { isAppDataFile, refuseArchivesInside } from '../../backup/app-export.js'
import { findAppSecureVariables, redactAppFile } from '../../backup/credential-fields.js'
import { isEnvVariablesFile } from '../../backup/env-variables.js'
import {
  Redacted,
  redactEnvVariablesFile,
  secureValues,
  SecureValue
} from '../../backup/redaction.js'
import type { KnownSecret, Span } from '../../secret-scan.js'
import type { EnvVariablesMode } from '../inputs.js'
import {
  decodeJsonBytes,
  NotJsonError,
  refuseDeepJson,
  reindentJson
} from '../../backup/json-text.js'
import { printable } from '../../text.js'
import { SealedValues, sealedValuesOf } from '../../backup/secrets-file.js'

export interface PreparedFiles {
  /** Path inside commit-path → content to store. */
  files: Map<string, Buffer>
  /** Names (or positions) of the variables whose values were redacted. */
  redacted: string[]
  /** The secure values of the export (redacted or kept), which no other place may hold. */
  secrets: KnownSecret[]
  /** With env-variables: keep, where the variables file holds them on purpose. */
  kept: Map<string, Span[]>
  /** With encrypt: the values the redaction took out, to be kept encrypted. */
  sealed?: SealedValues
}

/** A file could not be redacted for sure, so nothing of the tool (or app) may be committed. */
function redactionError(file: string, reason: string, app = false): Error {
  const way = app
    ? 'in a private repository, env-variables: keep commits the app as exported'
    : 'set env-variables: omit to back it up without that file'
  return new Error(
    `${printable(file)} cannot be redacted for sure: ${reason}. Nothing of this ${app ? 'app' : 'tool'} is committed; ${way}`
  )
}

/**
 * Turns the export's entries into the files to commit: JSON re-indented for readable diffs
 * (every number and string keeps its exact text), other files byte for byte, and
 * env_variables.json kept, redacted (encrypt: redacted, its secrets handed back) or left out.
 * In redact and encrypt mode the variables file is either redacted or the whole tool fails: its
 * raw bytes are never committed. An app (`everyJsonFile`) may hold secure values in any of its
 * JSON files: each is walked as a variables file is.
 */
export function prepareExportFiles(
  entries: ZipFileEntry[],
  mode: EnvVariablesMode,
  { everyJsonFile = false } = {}
): PreparedFiles {
  const files = new Map<string, Buffer>()
  const redacted: string[] = []
  const values: SecureValue[] = []
  const kept = new Map<string, Span[]>()
  let sealed: SealedValues | undefined
  if (everyJsonFile && mode !== 'keep') refuseArchivesInside(entries)
  for (const entry of entries) {
    const isEnvVariables = isEnvVariablesFile(entry.name)
    const holdsSecrets = isEnvVariables || (everyJsonFile && isAppDataFile(entry.name, entry.data))
    if (isEnvVariables && mode === 'omit' && !everyJsonFile) continue
    if (holdsSecrets && (mode === 'redact' || mode === 'encrypt')) {
      const result = redactOrRefuse(entry, everyJsonFile)
      files.set(entry.name, Buffer.from(readable(result.text), 'utf8'))
      redacted.push(...result.names)
      values.push(...result.values)
      if (mode === 'encrypt') {
        // One file's values are kept by name: a second one (a copy in a folder) would mix them.
        if (sealed)
          throw redactionError(
            entry.name,
            'encrypt keeps the values of one variables file, and the export has two'
          )
        sealed = sealedOrRefuse(entry.name, result)
      }
      continue
    }
    const text = jsonText(entry.data)
    const stored = text === undefined ? undefined : readable(text)
    files.set(entry.name, stored === undefined ? entry.data : Buffer.from(stored, 'utf8'))
    if (holdsSecrets && stored !== undefined) {
      const found = keptSecureValues(stored, everyJsonFile)
      values.push(...found)
      kept.set(
        entry.name,
        found.map(v => ({ start: v.offset, end: v.offset + v.length }))
      )
    }
  }
  const secrets = values.flatMap(v =>
    v.secrets.map(value => ({ label: `secure variable ${printable(v.name, 100)}`, value }))
  )
  return { files, redacted, secrets, kept, sealed }
}

function sealedOrRefuse(file: string, redaction: Redacted): SealedValues {
  try {
    return sealedValuesOf(redaction)
  } catch (error) {
    throw redactionError(file, messageOf(error))
  }
}

/**
 * Kept on purpose (env-variables: keep), where the committed text holds them. A file whose
 * secure variables cannot be told has none kept on purpose: the scan then sees all of it.
 */
function keptSecureValues(text: string, app: boolean): SecureValue[] {
  try {
    return secureValues(text, app ? findAppSecureVariables : undefined)
  } catch {
    return []
  }
}

function redactOrRefuse(entry: ZipFileEntry, app: boolean): Redacted {
  try {
    return app ? redactAppFile(entry.data) : redactEnvVariablesFile(entry.data)
  } catch (error) {
    throw redactionError(entry.name, messageOf(error), app)
  }
}

/**
 * The entry as text when it is strict JSON (UTF-8, with or without a byte order mark, or UTF-16
 * with one: it is committed as UTF-8, which the restore reads) nested at most MAX_JSON_DEPTH
 * deep; undefined for anything else, which is kept as its bytes.
 */
function jsonText(data: Buffer): string | undefined {
  try {
    const text = decodeJsonBytes(data)
    refuseDeepJson(text)
    JSON.parse(text)
    return text
  } catch {
    return undefined
  }
}

/** Re-indenting may grow a file this much at most (deep nesting indents every line). */
const MAX_GROWTH = 4
const GROWTH_ALLOWANCE = 1024 * 1024

/**
 * Re-indented for readable diffs; as exported when re-indenting would blow it up (hundreds of
 * thousands of values hundreds of levels deep).
 */
function readable(text: string): string {
  try {
    return reindentJson(text, text.length * MAX_GROWTH + GROWTH_ALLOWANCE)
  } catch (error) {
    if (error instanceof NotJsonError) return text
    throw error
  }
}
