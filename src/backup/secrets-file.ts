import type { Redacted } from './redaction.js'
import { printable } from '../text.js'

/**
 * env-variables: encrypt keeps the secure values next to the redacted env_variables.json, in
 * the standard age format (ASCII armor), to one recipient: `age -d -i key.txt <file>` reads it.
 * Inside is JSON: each secure variable's name and the JSON text of its values, so the restore
 * puts back exactly what Kore.ai exported.
 */
export const SECRETS_FILE = 'env_variables.secrets.age'

/** Secure variable name → the JSON text of each of its values, in file order. */
export type SealedValues = Map<string, string[]>

const FORMAT = 'kore-tool-export/secure-values@1'

/** The redaction's secrets by name; two secure variables of one name cannot be told apart. */
export function sealedValuesOf(redaction: Redacted): SealedValues {
  const values: SealedValues = new Map()
  for (const [name, texts] of redaction.secrets) {
    // The walker names a variable without a name by its offset, which re-indenting moves.
    if (name.startsWith('(variable at offset ')) {
      throw new Error(`a secure variable has no name (${name}): its value cannot be kept by name`)
    }
    if (values.has(name)) {
      throw new Error(
        `two secure variables are named ${printable(name)}: their values cannot be kept by name`
      )
    }
    values.set(name, texts)
  }
  return values
}

/** The file is sound, but for another key. */
export class OtherRecipientError extends Error {}

/** The recipient (`age1…`) of an identity; throws, never showing the key, when it is not one. */
export async function recipientOf(identity: string): Promise<string> {
  const age = await import('age-encryption')
  try {
    return await age.identityToRecipient(identity)
  } catch {
    throw new Error('is not an age identity (AGE-SECRET-KEY-1…, as age-keygen writes it)')
  }
}

export async function encryptSecureValues(
  values: SealedValues,
  recipient: string
): Promise<Buffer> {
  const age = await import('age-encryption')
  const sorted = Object.fromEntries([...values].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
  const encrypter = new age.Encrypter()
  encrypter.addRecipient(recipient)
  const sealed = await encrypter.encrypt(JSON.stringify({ format: FORMAT, values: sorted }))
  return Buffer.from(age.armor.encode(sealed), 'utf8')
}

/**
 * Decrypts a secrets file with the identity. A wrong key, another recipient, a damaged or
 * truncated file, or content of another shape: an error saying which, never a value.
 */
export async function decryptSecureValues(data: Buffer, identity: string): Promise<SealedValues> {
  const age = await import('age-encryption')
  const text = data.toString('utf8')
  let plain: string
  try {
    const sealed = text.trimStart().startsWith('-----BEGIN') ? age.armor.decode(text) : data
    const decrypter = new age.Decrypter()
    decrypter.addIdentity(identity)
    plain = await decrypter.decrypt(sealed, 'text')
  } catch (error) {
    // Fixed words only: the library's reasons can quote the file, which may be a value in clear.
    const reason = error instanceof Error ? error.message : ''
    throw new (/no identity matched/i.test(reason) ? OtherRecipientError : Error)(
      /no identity matched/i.test(reason)
        ? 'it is encrypted to another recipient than secrets-key (a wrong key)'
        : 'it cannot be decrypted: damaged, truncated, or not an age file'
    )
  }
  return parseSecureValues(plain)
}

function parseSecureValues(plain: string): SealedValues {
  let parsed: { format?: unknown; values?: unknown }
  try {
    parsed = JSON.parse(plain) as typeof parsed
  } catch {
    throw new Error('it decrypts to something that is not JSON')
  }
  const { format, values } = parsed ?? {}
  if (format !== FORMAT || typeof values !== 'object' || values === null || Array.isArray(values)) {
    throw new Error(`it decrypts to JSON that is not ${FORMAT}`)
  }
  const result: SealedValues = new Map()
  for (const [name, texts] of Object.entries(values)) {
    if (!Array.isArray(texts) || !texts.every(isJsonText)) {
      throw new Error(`it holds for ${printable(name)} something that is not a list of JSON values`)
    }
    result.set(name, texts)
  }
  return result
}

function isJsonText(value: unknown): value is string {
  if (typeof value !== 'string') return false
  try {
    JSON.parse(value)
    return true
  } catch {
    return false
  }
}

/** Whether two sets of secure values are the same, name for name and text for text. */
export function sameSecureValues(a: SealedValues, b: SealedValues): boolean {
  if (a.size !== b.size) return false
  return [...a].every(([name, texts]) => JSON.stringify(b.get(name)) === JSON.stringify(texts))
}

/** Names whose values differ between two sets held by both (added and removed show elsewhere). */
export function changedSecureValues(before: SealedValues, after: SealedValues): string[] {
  return [...after.keys()].filter(
    name => before.has(name) && JSON.stringify(before.get(name)) !== JSON.stringify(after.get(name))
  )
}
