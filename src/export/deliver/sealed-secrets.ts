import {
  changedSecureValues,
  decryptSecureValues,
  encryptSecureValues,
  OtherRecipientError,
  recipientOf,
  sameSecureValues,
  SECRETS_FILE,
  SealedValues
} from '../../backup/secrets-file.js'
import * as core from '@actions/core'
import { messageOf } from '../../errors.js'
import { printable } from '../../text.js'
import type { DirectoryCheck, DirectorySettle } from './git-data.js'
import { MANIFEST_FILE, manifestField } from './manifest.js'

/**
 * env-variables: encrypt, on the way to the branch: the secure values go in SECRETS_FILE,
 * encrypted to secrets-key's recipient, which the manifest records. Encryption never gives the
 * same bytes twice, so a committed file that decrypts to the same values is kept as it is (no
 * diff when nothing changed), and the names whose value did change are reported.
 */
export interface Sealing {
  recipient: string
  /** Adds the encrypted file to the files of a directory (none when it has no secure value). */
  seal(directory: string, files: Map<string, Buffer>, secrets: SealedValues): Promise<void>
  settle: DirectorySettle
  /** Refuses a folder whose secrets file is encrypted to another recipient. */
  check: DirectoryCheck
  /** By directory: the secure variables whose value changed since the branch's backup. */
  changed: Map<string, string[]>
}

export async function newSealing(identity: string): Promise<Sealing> {
  const recipient = await recipientOf(identity)
  const sealed = new Map<string, SealedValues>()
  const changed = new Map<string, string[]>()
  // Folders whose committed file is sound but encrypted to another key, whatever the manifest says.
  const othersKey = new Set<string>()
  return {
    recipient,
    changed,
    async seal(directory, files, secrets) {
      if (secrets.size === 0) return
      files.set(SECRETS_FILE, await encryptSecureValues(secrets, recipient))
      sealed.set(directory, secrets)
    },
    async settle(directory, existing, wanted, read) {
      const secrets = sealed.get(directory)
      if (!secrets || !wanted.has(SECRETS_FILE) || !existing.includes(SECRETS_FILE)) return
      const committed = await read(SECRETS_FILE)
      let before: SealedValues
      try {
        before = await decryptSecureValues(committed, identity)
      } catch (error) {
        if (error instanceof OtherRecipientError) othersKey.add(directory)
        else
          core.warning(
            `${directory}/${SECRETS_FILE} on the branch ${messageOf(error)}: it is replaced`
          )
        return
      }
      changed.set(directory, changedSecureValues(before, secrets))
      if (sameSecureValues(before, secrets)) wanted.set(SECRETS_FILE, committed)
    },
    async check(directory, existing, _wanted, read) {
      if (!existing.includes(SECRETS_FILE)) return undefined
      const listed = existing.includes(MANIFEST_FILE)
        ? manifestField(await read(MANIFEST_FILE), 'secretsRecipient')
        : undefined
      const other = listed !== undefined && listed !== recipient
      if (!other && !othersKey.has(directory)) return undefined
      const theirs = other ? printable(listed) : 'another recipient'
      return `not committed: ${directory}/${SECRETS_FILE} is encrypted to ${theirs}, and secrets-key's recipient is ${recipient}: a key of another environment? To re-key on purpose, delete ${directory}/${SECRETS_FILE} in a commit of your own; the next run encrypts the values Kore.ai exports to the new key`
    }
  }
}
