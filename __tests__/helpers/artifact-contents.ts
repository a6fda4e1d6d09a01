// What a zip holds, name → text in entry order, and what its redacted copy must hold: the same
// files byte for byte, but every secure variable's value replaced by the placeholder.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { extractZip } from '../../src/backup/archive.js'
import { tempDir } from './setup.js'

export async function unzipped(blob: Buffer | undefined): Promise<[string, string][]> {
  const file = path.join(tempDir(), 'artifact.zip')
  fs.writeFileSync(file, blob ?? Buffer.alloc(0))
  return (await extractZip(file)).map(entry => [entry.name, entry.data.toString('utf8')])
}

type Variable = { key: string; value: unknown; isSecured: boolean }

/**
 * The original's entries with env_variables.json compared value by value: parsed, each secure
 * value replaced by `<redacted>`, the others as they were. Compare with the copy's entries,
 * env_variables.json parsed the same way (see parsedVariables).
 */
export function redactedAsExpected(original: [string, string][]): [string, unknown][] {
  return original.map(([name, text]) => {
    if (name !== 'env_variables.json') return [name, text]
    const variables = JSON.parse(text) as Variable[]
    return [name, variables.map(v => (v.isSecured ? { ...v, value: '<redacted>' } : v))]
  })
}

/** The copy's entries, env_variables.json parsed so that it compares with redactedAsExpected. */
export function parsedVariables(entries: [string, string][]): [string, unknown][] {
  return entries.map(([name, text]) => [
    name,
    name === 'env_variables.json' ? JSON.parse(text) : text
  ])
}

/** Whether bytes hold a secret as UTF-8, as UTF-16LE, or inside a zip they are (at any depth). */
export async function holds(data: Buffer | undefined, secret: string): Promise<boolean> {
  if (!data) return false
  if (data.includes(secret) || data.includes(Buffer.from(secret, 'utf16le'))) return true
  if (data.subarray(0, 2).toString('latin1') !== 'PK') return false
  const file = path.join(tempDir(), 'nested.zip')
  fs.writeFileSync(file, data)
  try {
    for (const entry of await extractZip(file)) if (await holds(entry.data, secret)) return true
  } catch {
    return false
  }
  return false
}
