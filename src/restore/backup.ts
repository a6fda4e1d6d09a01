import * as fs from 'node:fs/promises'
import * as path from 'node:path'
import { ArchiveError, extractZip } from '../backup/archive.js'
import { ENV_VARIABLES_FILE } from '../backup/env-variables.js'
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
}

export class BackupError extends Error {
  constructor(message: string) {
    super(`source: ${message}`)
    this.name = 'BackupError'
  }
}

const FLOW = 'flow_definition.json'
const APP = 'app_definition.json'

/** Reads a committed folder or an exported zip; the names are matched in any case. */
export async function readBackup(source: string): Promise<Backup> {
  const stat = await fs.stat(source).catch(() => undefined)
  if (!stat)
    throw new BackupError(`${printable(source)} does not exist (check out the repository first)`)
  const files = stat.isDirectory() ? await readFolder(source) : await readZip(source)
  const find = (name: string): Buffer | undefined => files.get(name)
  const flow = find(FLOW)
  const app = find(APP)
  if (!flow || !app) {
    const missing = [flow ? '' : FLOW, app ? '' : APP].filter(Boolean).join(' and ')
    const held = [...files.keys()].join(', ') || 'none of the backup files'
    throw new BackupError(
      `${printable(source)} holds no ${missing}: Kore.ai needs both to import a tool (it holds ${held})`
    )
  }
  return { flow, app, env: find(ENV_VARIABLES_FILE) }
}

const WANTED = new Set([FLOW, APP, ENV_VARIABLES_FILE])

/** The backup files at the folder's top level, by their lower-case names. */
async function readFolder(folder: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>()
  for (const entry of await fs.readdir(folder, { withFileTypes: true })) {
    const name = entry.name.toLowerCase()
    if (!entry.isFile() || !WANTED.has(name)) continue
    if (files.has(name))
      throw new BackupError(`${printable(folder)} holds ${name} twice (in two cases)`)
    files.set(name, await fs.readFile(path.join(folder, entry.name)))
  }
  return files
}

async function readZip(file: string): Promise<Map<string, Buffer>> {
  try {
    const entries = await extractZip(file, name => WANTED.has(name.toLowerCase()))
    return new Map(entries.map(entry => [entry.name.toLowerCase(), entry.data]))
  } catch (error) {
    const reason = error instanceof ArchiveError ? error.message : messageOf(error)
    throw new BackupError(`${printable(file)} is neither a folder nor a readable zip: ${reason}`)
  }
}
