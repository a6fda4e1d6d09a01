import * as core from '@actions/core'
import * as fs from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { ArtifactRequest, uploadExportArtifact, UploadedArtifact } from '../artifact.js'
import { messageOf } from '../errors.js'
import { inputError } from '../input-names.js'
import { repositoryVisibility } from '../repository-visibility.js'
import { removeAtExit } from '../temporary-files.js'
import { printable } from '../text.js'
import { extractZip } from './archive.js'
import { isImportableName } from './importable.js'
import { isAppDataFile, refuseArchivesInside, scannableText } from './app-export.js'
import { KnownSecret, listFindings, loadSecretScanner } from '../secret-scan.js'
import { redactAppFile } from './credential-fields.js'
import { isEnvVariablesFile } from './env-variables.js'
import { redactEnvVariablesFile } from './redaction.js'
import { writeZip } from './zip-writer.js'

/** What a workflow artifact holds of the secure values: placeholders, or the values in clear. */
export const ARTIFACT_SECRETS_MODES = ['redact', 'keep'] as const
export type ArtifactSecrets = (typeof ARTIFACT_SECRETS_MODES)[number]

/** The zip to upload as an artifact, and what to call once it is uploaded. */
export interface ArtifactCopy {
  file: string
  /** The secure variables replaced by the placeholder; undefined for `keep`. */
  redacted?: string[]
  dispose(): Promise<void>
}

/**
 * `keep`: the export itself. `redact`: an importable copy, `<name>-redacted.zip` in a folder of
 * its own, of the three importable files only, whose env_variables.json has every secure value
 * replaced by the placeholder, as a committed backup has (the restore fills them from
 * env-values); the other two are kept byte for byte. A variables file whose secrets cannot be told makes no copy: it fails, naming
 * the file, and nothing is uploaded.
 */
export async function artifactCopy(
  exportFile: string,
  mode: ArtifactSecrets,
  { app = false } = {}
): Promise<ArtifactCopy> {
  if (mode === 'keep') return { file: exportFile, dispose: async () => {} }
  // Only what the restore reads: any other entry (a backup copy, a zip inside) could hold a
  // secret no walker looks at. An app's layout is not known: all of it, every JSON file walked.
  const entries = await extractZip(exportFile, app ? () => true : isImportableName)
  if (app) refuseArchivesInside(entries)
  const redacted: string[] = []
  const known: KnownSecret[] = []
  for (const entry of entries) {
    if (!(app ? isAppDataFile(entry.name, entry.data) : isEnvVariablesFile(entry.name))) continue
    try {
      const result = app ? redactAppFile(entry.data) : redactEnvVariablesFile(entry.data)
      entry.data = Buffer.from(result.text, 'utf8')
      known.push(...result.values.flatMap(v => v.secrets.map(value => ({ label: v.name, value }))))
      // The ones that held a value: a null one has nothing to give back.
      redacted.push(...result.secrets.filter(([, values]) => values.length > 0).map(([n]) => n))
    } catch (error) {
      throw new Error(
        `${printable(entry.name)} cannot be redacted for sure (${messageOf(error)}), so no artifact was uploaded: its secure values would be in it`,
        { cause: error }
      )
    }
  }
  // An app's other files (code, text) are not walked: a secret the scan sees there stops it.
  if (app) await refuseSecretsInCopy(entries, known)
  const root = process.env.RUNNER_TEMP || os.tmpdir()
  const folder = await fs.mkdtemp(path.join(root, 'kore-artifact-'))
  const file = path.join(folder, `${path.basename(exportFile, '.zip')}-redacted.zip`)
  const listed = removeAtExit(folder)
  const dispose = async () => {
    await fs.rm(folder, { recursive: true, force: true })
    listed()
  }
  try {
    await writeZip(file, entries)
  } catch (error) {
    await dispose()
    throw error
  }
  return { file, redacted, dispose }
}

async function refuseSecretsInCopy(
  entries: { name: string; data: Buffer }[],
  known: KnownSecret[]
): Promise<void> {
  const scanner = await loadSecretScanner(known)
  const texts = entries.map(({ name, data }) => ({ name, text: scannableText(data) }))
  const found = await scanner.scan(texts)
  if (found.length === 0) return
  throw new Error(
    `no artifact was uploaded: its redacted copy would still hold what looks like a secret (${listFindings(found)})`
  )
}

/** Uploads the export as `mode` says (a redacted copy, or the zip itself), removing the copy after. */
export async function uploadArtifactCopy(
  mode: ArtifactSecrets,
  request: ArtifactRequest,
  { app = false } = {}
): Promise<UploadedArtifact> {
  const copy = await artifactCopy(request.file, mode, { app })
  try {
    const uploaded = await uploadExportArtifact({
      ...request,
      file: copy.file,
      keptAt: request.file
    })
    return { ...uploaded, redacted: copy.redacted }
  } finally {
    await copy.dispose()
  }
}

/**
 * `keep` puts secure values in clear where every reader of the repository can download them:
 * allowed only in a private or internal repository, and refused when that cannot be told.
 * Called before any export, so a refused run changes nothing.
 */
export async function refuseKeepUnlessPrivate(input: string, token: string): Promise<void> {
  const answer = await repositoryVisibility(token)
  if ('visibility' in answer && answer.visibility !== 'public') {
    core.info(`${input}: keep: the repository is ${answer.visibility}, so its artifacts are too`)
    return
  }
  const why =
    'visibility' in answer
      ? 'this repository is public, so anyone signed in to GitHub can download its artifacts'
      : `whether this repository is public cannot be told: ${answer.unknown}`
  throw inputError(
    input,
    `keep is refused: ${why}, and the artifact would hold the secure values in clear. Use redact (the default): the restore fills them from env-values`
  )
}
