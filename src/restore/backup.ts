import * as fs from 'node:fs/promises'
import * as path from 'node:path'
import { extractZip, MAX_EXTRACTED_BYTES } from '../backup/archive.js'
import {
  APP_FILE,
  FLOW_FILE,
  isImportableName,
  MAX_UPLOAD_BYTES,
  restorableFiles
} from '../backup/importable.js'
import { ENV_VARIABLES_FILE } from '../backup/env-variables.js'
import { SECRETS_FILE } from '../backup/secrets-file.js'
import { messageOf } from '../errors.js'
import { printable } from '../text.js'

/** The three files of a backup, as the export action committed them or Kore.ai zipped them. */
export interface Backup {
  /** flow_definition.json */
  flow: Buffer
  /** app_definition.json */
  app: Buffer
  /** env_variables.json; undefined when the backup has none (env-variables: omit). */
  env?: Buffer
  /** env_variables.secrets.age (env-variables: encrypt); never uploaded. */
  secrets?: Buffer
}

/** The files a backup is read for: the importable ones and the encrypted secure values. */
const isSecretsName = (name: string): boolean => name.toLowerCase() === SECRETS_FILE
const isBackupName = (name: string): boolean => isImportableName(name) || isSecretsName(name)

/** A problem with the backup the source input names. */
function backupError(problem: string): Error {
  return new Error(`source: ${problem}`)
}

/**
 * Reads a committed folder or an exported zip (names matched in any case) and checks that it is
 * importable, all before `deadline`. Only a regular file or a folder is read: a FIFO or a device
 * would block the step, and a link may point anywhere on the runner.
 */
export async function readBackup(source: string, deadline: number): Promise<Backup> {
  const where = printable(source)
  const stat = await fs.lstat(source).catch(() => undefined)
  if (!stat) throw backupError(`${where} does not exist (check out the repository first)`)
  if (stat.isSymbolicLink()) throw backupError(`${where} is a link: give the folder or zip itself`)
  if (!stat.isDirectory() && !stat.isFile()) {
    throw backupError(`${where} is neither a regular file nor a folder`)
  }
  const reading = stat.isDirectory() ? readFolder(source) : readZip(source)
  const files = await beforeDeadline(reading, deadline, where)
  let found: Map<string, Buffer>
  const secrets = files.find(([name]) => isSecretsName(name))?.[1]
  try {
    found = restorableFiles(
      files.filter(([name]) => !isSecretsName(name)),
      { overExisting: false }
    )
  } catch (error) {
    throw backupError(`${where} is not an importable backup: ${messageOf(error)}`)
  }
  return {
    flow: found.get(FLOW_FILE) as Buffer,
    app: found.get(APP_FILE) as Buffer,
    env: found.get(ENV_VARIABLES_FILE),
    secrets
  }
}

/** The backup files at the folder's top level, with the same caps as a zip's. */
async function readFolder(folder: string): Promise<[string, Buffer][]> {
  const files: [string, Buffer][] = []
  let total = 0
  for (const entry of await fs.readdir(folder, { withFileTypes: true })) {
    if (!isBackupName(entry.name)) continue
    const file = path.join(folder, entry.name)
    if (!entry.isFile()) {
      throw backupError(`${printable(file)} is not a regular file (a link, folder or device)`)
    }
    const { size } = await fs.stat(file)
    refuseOversize(printable(file), size)
    total += size
    if (total > MAX_EXTRACTED_BYTES) {
      throw backupError(`${printable(folder)} holds more than ${MAX_EXTRACTED_BYTES} bytes`)
    }
    files.push([entry.name, await fs.readFile(file)])
  }
  return files
}

async function readZip(file: string): Promise<[string, Buffer][]> {
  try {
    const entries = await extractZip(file, isBackupName)
    return entries.map(entry => [entry.name, entry.data])
  } catch (error) {
    throw backupError(
      `${printable(file)} is neither a folder nor a readable zip: ${messageOf(error)}`
    )
  }
}

function refuseOversize(what: string, size: number): void {
  if (size <= MAX_UPLOAD_BYTES) return
  throw backupError(
    `${what} has ${size} bytes, more than File Upload takes in one request (${MAX_UPLOAD_BYTES} bytes, 25 MB)`
  )
}

async function beforeDeadline<T>(work: Promise<T>, deadline: number, where: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(backupError(`reading ${where} took longer than timeout allows`)),
      Math.max(0, deadline - Date.now())
    )
  })
  try {
    return await Promise.race([work, late])
  } finally {
    clearTimeout(timer)
  }
}
