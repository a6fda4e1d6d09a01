import * as fs from 'node:fs/promises'
import * as path from 'node:path'
import { extractZip, MAX_EXTRACTED_BYTES } from '../backup/archive.js'
import { isAppDataFile, isAppJsonFile } from '../backup/app-export.js'
import { findAppVariables } from '../backup/credential-fields.js'
import { isPlaceholder, REDACTED } from '../backup/env-variables.js'
import { MANIFEST_FILE, MAX_UPLOAD_BYTES } from '../backup/importable.js'
import { decodeJsonBytes, parseJsonTree } from '../backup/json-text.js'
import { SECRETS_FILE } from '../backup/secrets-file.js'
import { writeZip } from '../backup/zip-writer.js'
import { messageOf } from '../errors.js'
import { inputError } from '../input-names.js'
import { printable } from '../text.js'
import { fillEnvValues, refusePlaceholders } from './env-values.js'
import { EnvValue, RestoreInput } from './inputs.js'

/**
 * An app backup for the restore: every file of a committed folder (all but the action's own
 * manifest) or of an exported zip, its secure values filled from env-values, zipped again the
 * same way every time (names sorted, one fixed time), so one folder always uploads one zip.
 */

function backupError(problem: string): Error {
  return inputError(RestoreInput.Source, problem)
}

/** The app's files by their path in the backup, sorted; refuses a backup with no JSON file. */
export async function readAppBackup(source: string): Promise<Map<string, Buffer>> {
  const stat = await fs.lstat(source).catch(() => undefined)
  if (!stat) throw backupError(`${printable(source)} does not exist`)
  let files: [string, Buffer][]
  if (stat.isDirectory()) files = await readFolder(source)
  else if (stat.isFile()) files = await readZipFile(source)
  else throw backupError(`${printable(source)} is neither a folder nor a zip (a link or device)`)
  if (!files.some(([name]) => isAppJsonFile(name))) {
    throw backupError(`${printable(source)} holds no JSON file: it is not an app backup`)
  }
  return new Map(files.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

async function readFolder(folder: string): Promise<[string, Buffer][]> {
  const files: [string, Buffer][] = []
  let total = 0
  const visit = async (relative: string): Promise<void> => {
    const entries = await fs.readdir(path.join(folder, relative), { withFileTypes: true })
    for (const entry of entries) {
      // Repository paths are joined with `/` whatever the runner's platform.
      const name = relative ? `${relative}/${entry.name}` : entry.name
      if (name === MANIFEST_FILE || name.toLowerCase() === SECRETS_FILE) continue
      if (entry.isDirectory()) {
        await visit(name)
        continue
      }
      if (!entry.isFile()) {
        throw backupError(`${printable(name)} is not a regular file (a link or device)`)
      }
      // Counted before it is read: a huge file must not be loaded to be refused.
      const file = path.join(folder, name)
      total += (await fs.stat(file)).size
      if (total > MAX_EXTRACTED_BYTES) {
        throw backupError(`${printable(folder)} holds more than ${MAX_EXTRACTED_BYTES} bytes`)
      }
      files.push([name, await fs.readFile(file)])
    }
  }
  await visit('')
  return files
}

async function readZipFile(file: string): Promise<[string, Buffer][]> {
  try {
    return (await extractZip(file)).map(entry => [entry.name, entry.data])
  } catch (error) {
    throw backupError(
      `${printable(file)} is neither a folder nor a readable zip: ${messageOf(error)}`
    )
  }
}

/**
 * Sets env-values in every JSON file that holds the variable (an app's tools and MCP servers
 * each keep their own), then refuses a file still holding the placeholder, and a name no file
 * has. Returns the files to upload and the names set.
 */
export function fillAppValues(
  files: Map<string, Buffer>,
  values: Map<string, EnvValue>
): { files: Map<string, Buffer>; filled: string[] } {
  // Which files are walked is decided once: the same rule as the export's (isAppDataFile).
  const json = new Set(
    [...files].filter(([name, data]) => isAppDataFile(name, data)).map(([n]) => n)
  )
  const variables = new Map(
    [...files].map(([name, data]) => [name, variablesOf(json.has(name), data)])
  )
  // A name redacted somewhere is a secret: it is set only where it is redacted, never into a
  // plain variable of the same name in another file.
  const redactedIn = new Map<string, string[]>()
  for (const [file, { redacted }] of variables) {
    for (const n of redacted) redactedIn.set(n, [...(redactedIn.get(n) ?? []), file])
  }
  refuseAmbiguous(values, redactedIn)
  const filled = new Set<string>()
  const out = new Map<string, Buffer>()
  const used = new Set<string>()
  for (const [name, data] of files) {
    const own = variables.get(name) ?? { names: new Set(), redacted: new Set() }
    // `path:NAME` sets NAME in that file only; NAME alone, where the file has it.
    const mine = new Map<string, EnvValue>()
    for (const [given, value] of values) {
      const cut = given.lastIndexOf(':')
      const file = cut > 0 && files.has(given.slice(0, cut)) ? given.slice(0, cut) : undefined
      if (file !== undefined && file !== name) continue
      const bare = file === undefined ? given : given.slice(cut + 1)
      const secret = redactedIn.has(bare)
      if (own.names.has(bare) && (!secret || own.redacted.has(bare))) {
        mine.set(bare, value)
        used.add(given)
      }
    }
    const result = json.has(name)
      ? fillEnvValues(data, mine, new Map(), findAppVariables)
      : undefined
    out.set(name, result?.data ?? data)
    result?.filled.forEach(n => filled.add(n))
  }
  const unknown = [...values].filter(([name]) => !used.has(name)).map(([, v]) => v.line)
  if (unknown.length > 0) {
    throw inputError(
      `${RestoreInput.EnvValues}: line${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`,
      'names a variable no file of the app backup has (the name is not shown: the line may be part of a secret)'
    )
  }
  refusePlaceholders(Object.fromEntries([...out].filter(([name]) => json.has(name))))
  // Text files cannot be filled: a placeholder there would be uploaded as it is.
  for (const [name, data] of out) {
    if (!json.has(name) && data.toString('latin1').toLowerCase().includes(REDACTED)) {
      throw inputError(
        RestoreInput.Source,
        `its ${printable(name)} holds "${REDACTED}", which only a JSON file's variables can be filled in: restore from a backup made with env-variables: keep`
      )
    }
  }
  return { files: out, filled: [...filled] }
}

/**
 * A secret redacted in several files (two MCP servers' `Authorization`) may differ in each: one
 * line for all of them could send one server's credential to another, so each is asked for.
 */
function refuseAmbiguous(values: Map<string, EnvValue>, redactedIn: Map<string, string[]>): void {
  for (const [name, { line }] of values) {
    const files = redactedIn.get(name) ?? []
    if (files.length < 2) continue
    throw inputError(
      `${RestoreInput.EnvValues}: line ${line}`,
      `sets a secret the backup holds redacted in ${files.length} files (${printable(files.join(', '), 300)}), which may each need their own: give one line per file, <file>:<name>=<value>`
    )
  }
}

/** The variables a file names, and those it holds redacted; none when its shape cannot tell. */
function variablesOf(walked: boolean, data: Buffer): { names: Set<string>; redacted: Set<string> } {
  if (!walked) return { names: new Set(), redacted: new Set() }
  try {
    const found = findAppVariables(parseJsonTree(decodeJsonBytes(data)))
    return {
      names: new Set(found.map(v => v.name)),
      redacted: new Set(
        found.filter(v => v.values.some(node => isPlaceholder(node.value))).map(v => v.name)
      )
    }
  } catch {
    return { names: new Set(), redacted: new Set() }
  }
}

/** The zip to upload, written at `file`; refused past File Upload's one-request limit. */
export async function writeAppZip(file: string, files: Map<string, Buffer>): Promise<Buffer> {
  await writeZip(
    file,
    [...files].map(([name, data]) => ({ name, data }))
  )
  const data = await fs.readFile(file)
  if (data.length > MAX_UPLOAD_BYTES) {
    throw backupError(
      `the app's zip has ${data.length} bytes, more than File Upload takes in one request (${MAX_UPLOAD_BYTES} bytes)`
    )
  }
  return data
}
