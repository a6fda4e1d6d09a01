import * as core from '@actions/core'
import { extractZip } from '../../backup/archive.js'
import { REDACTED } from '../../backup/env-variables.js'
import { messageOf } from '../../errors.js'
import { forTool } from '../../input-parsers.js'
import { printable } from '../../text.js'
import type { Inputs } from '../inputs.js'
import { checkDeadline, StageDeadline } from './deadline.js'
import { PreparedFiles, prepareExportFiles } from './export-files.js'
import { withManifest } from './manifest.js'
import { checkToolFiles, newSecretCheck, SecretCheck } from './secret-check.js'
import type { Sealing } from './sealed-secrets.js'
import { SECRETS_FILE } from '../../backup/secrets-file.js'

/** GitHub refuses a file over 100 MB in a push (and so in a tree). */
const MAX_GITHUB_FILE_BYTES = 100 * 1024 * 1024

export type PrepareInputs = Pick<
  Inputs,
  | 'apiKey'
  | 'commitPath'
  | 'envVariables'
  | 'githubToken'
  | 'resource'
  | 'secretScan'
  | 'secretsKey'
>

/** A tool on its way to the commit; what stops it goes on its delivery. */
export interface ToolToCommit {
  /** version: the app version, for an app (its manifest names it). */
  zip: { toolId: string; file: string; version?: string }
  delivery: { redacted: string[]; errors: string[] }
}

export interface ReadyTools<T> {
  /** Directory in the repository → the files it must hold exactly (one per tool). */
  directories: Map<string, Map<string, Buffer>>
  toolIn: Map<string, T>
  /** The scan for the message and report too; undefined with secret-scan: off. */
  check?: SecretCheck
}

/**
 * The files of every tool that may be committed, each passed through the secret scan; a tool
 * that may not (its variables file, a file GitHub refuses, the commit's size, a secret) gets the
 * reason and is left out, and the others go on.
 */
export async function readyTools<T extends ToolToCommit>(
  inputs: PrepareInputs,
  pending: T[],
  deadline: StageDeadline,
  maxCommitBytes: number,
  sealing?: Sealing
): Promise<ReadyTools<T>> {
  const directories = new Map<string, Map<string, Buffer>>()
  const toolIn = new Map<string, T>()
  const prepared = await prepareTools(inputs, pending, deadline, maxCommitBytes)
  if (prepared.length === 0) return { directories, toolIn }
  const scanStarted = Date.now()
  let scanned = 0
  const check = await loadSecretCheck(inputs, prepared)
  if (check instanceof Error) {
    for (const { tool } of prepared) tool.delivery.errors.push(check.message)
    return { directories, toolIn }
  }
  for (const { tool, files } of prepared) {
    const { zip, delivery } = tool
    try {
      checkDeadline(deadline)
      const directory = forTool(inputs.commitPath, zip.toolId)
      if (sealing && files.sealed) await sealing.seal(directory, files.files, files.sealed)
      const fields: Record<string, string> =
        sealing && files.files.has(SECRETS_FILE) ? { secretsRecipient: sealing.recipient } : {}
      if (zip.version) Object.assign(fields, { app: zip.toolId, appVersion: zip.version })
      const withOwn = withManifest(files.files, fields)
      if (check) {
        scanned += withOwn.size
        // The sealed file is ciphertext: patterns could only misread its random text.
        const readable = new Map([...withOwn].filter(([name]) => name !== SECRETS_FILE))
        await checkToolFiles(check, zip.toolId, readable, files.kept)
      }
      delivery.redacted = files.redacted
      if (files.redacted.length > 0) {
        const encrypted = sealing ? `, and encrypted in ${SECRETS_FILE}` : ''
        core.info(
          `${zip.toolId}: env-variables: ${inputs.envVariables}: the values of ${files.redacted.length} secure variable(s) (${printable(files.redacted.join(', '), 1000)}) are stored as "${REDACTED}"${encrypted}`
        )
      }
      directories.set(directory, withOwn)
      toolIn.set(directory, tool)
    } catch (error) {
      delivery.errors.push(messageOf(error))
    }
  }
  if (check) {
    core.info(
      `secret-scan: ${check.mode}: ${scanned} files of ${prepared.length} tool(s) scanned in ${((Date.now() - scanStarted) / 1000).toFixed(2)} s`
    )
  }
  return { directories, toolIn, check }
}

interface Prepared<T> {
  tool: T
  files: PreparedFiles
}

/**
 * The scan, knowing every secure value of the batch (one tool's may leak into another's
 * prompt); undefined with secret-scan: off. A scanner that cannot start lets nothing through.
 */
async function loadSecretCheck(
  inputs: PrepareInputs,
  prepared: Prepared<ToolToCommit>[]
): Promise<SecretCheck | undefined | Error> {
  try {
    return await newSecretCheck(
      inputs.secretScan,
      inputs,
      prepared.flatMap(({ files }) => files.secrets)
    )
  } catch (error) {
    return new Error(`not committed: the secret scan could not start: ${messageOf(error)}`)
  }
}

/**
 * Each tool's files as they would be committed; a tool that cannot be (its variables file, a
 * file GitHub refuses, the commit's size) gets the reason and is left out.
 */
async function prepareTools<T extends ToolToCommit>(
  inputs: PrepareInputs,
  pending: T[],
  deadline: StageDeadline,
  maxCommitBytes: number
): Promise<Prepared<T>[]> {
  const prepared: Prepared<T>[] = []
  let held = 0
  for (const tool of pending) {
    try {
      checkDeadline(deadline)
      const files = prepareExportFiles(await extractZip(tool.zip.file), inputs.envVariables, {
        everyJsonFile: inputs.resource === 'app'
      })
      const size = [...files.files.values()].reduce((sum, data) => sum + data.length, 0)
      const huge = [...files.files].find(([, data]) => data.length > MAX_GITHUB_FILE_BYTES)
      if (huge) {
        throw new Error(
          `not committed: ${printable(huge[0])} has ${huge[1].length} bytes, and GitHub refuses files over 100 MB (the zip at path keeps the export)`
        )
      }
      if (held + size > maxCommitBytes) {
        throw new Error(
          `not committed: the tools before it already hold ${held} bytes, and one commit carries at most ${maxCommitBytes}; split tools across steps (see the matrix example)`
        )
      }
      held += size
      prepared.push({ tool, files })
    } catch (error) {
      tool.delivery.errors.push(messageOf(error))
    }
  }
  return prepared
}
