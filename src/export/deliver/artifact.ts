import * as core from '@actions/core'
import * as path from 'node:path'
import { secureVariablesInZip } from '../../backup/env-variables.js'
import { messageOf } from '../../errors.js'
import { printable } from '../../text.js'

export interface ArtifactRequest {
  /** The verified export; uploaded as is, so the artifact is the importable zip itself. */
  file: string
  /** 1-90; undefined means the repository's setting. */
  retentionDays?: number
  /** Replace an artifact of the same name in this run (re-runs). */
  overwrite: boolean
}

export interface UploadedArtifact {
  id: number
  /** The file's name, which is what an unarchived upload is called. */
  name: string
  /** Link to the run's artifact, or empty when the run is unknown (outside Actions). */
  url: string
  digest: string
}

export class ArtifactUploadError extends Error {
  constructor(message: string, file: string) {
    super(`${message} The export itself is kept at ${file}.`)
    this.name = 'ArtifactUploadError'
  }
}

/** Uploads the zip unarchived (not a zip inside a zip), replacing a namesake when asked. */
export async function uploadExportArtifact(request: ArtifactRequest): Promise<UploadedArtifact> {
  const name = path.basename(request.file)
  if (!process.env.ACTIONS_RUNTIME_TOKEN || !process.env.ACTIONS_RESULTS_URL) {
    throw new ArtifactUploadError(
      'Cannot upload the artifact: ACTIONS_RUNTIME_TOKEN / ACTIONS_RESULTS_URL are not set, so this is not running in a GitHub Actions job. Set upload-artifact: false to skip the upload.',
      request.file
    )
  }
  // Loaded only when needed: it is most of the bundle and slows every start.
  const { DefaultArtifactClient, GHESNotSupportedError, ArtifactNotFoundError } =
    await import('@actions/artifact')
  const client = new DefaultArtifactClient()
  try {
    if (request.overwrite) {
      await client.deleteArtifact(name).then(
        deleted => core.info(`Replaced the earlier artifact ${name} (id ${deleted.id})`),
        error => {
          if (!(error instanceof ArtifactNotFoundError)) throw error
        }
      )
    }
    const uploaded = await client.uploadArtifact(name, [request.file], path.dirname(request.file), {
      skipArchive: true,
      retentionDays: request.retentionDays
    })
    if (uploaded.id === undefined) throw new Error('the artifact service returned no artifact id')
    return { id: uploaded.id, name, url: artifactUrl(uploaded.id), digest: uploaded.digest ?? '' }
  } catch (error) {
    if (error instanceof GHESNotSupportedError) {
      throw new ArtifactUploadError(
        'Cannot upload the artifact: the artifact service of GitHub Enterprise Server is not supported by @actions/artifact. Set upload-artifact: false and store the file another way.',
        request.file
      )
    }
    const message = messageOf(error)
    if (/\(409\)|already exists/i.test(message)) {
      throw new ArtifactUploadError(
        `An artifact named ${name} already exists in this run: set overwrite: true to replace it, or choose another artifact-name.`,
        request.file
      )
    }
    throw new ArtifactUploadError(`Artifact upload failed: ${message}.`, request.file)
  }
}

/**
 * The artifact is the export as Kore.ai made it, so it can be imported again: its secure values
 * are in it. Say so, and to whom it is open, whenever the export marks any variable secure.
 */
export async function warnAboutSecretsInArtifact(file: string, label: string): Promise<void> {
  const names = await secureVariablesInZip(file)
  if (names?.length === 0) return
  const which = names
    ? `the values of the secure variable(s) ${printable(names.join(', '), 1000)}`
    : 'variables that could not be checked for secure values'
  core.warning(
    `${label}The artifact ${path.basename(file)} holds env_variables.json unredacted, with ${which}: anyone with read access to this repository can download it (in a public repository, anyone signed in to GitHub). Set upload-artifact: false if that is too wide.`
  )
}

/** The artifact's page, as actions/upload-artifact links it. */
function artifactUrl(id: number): string {
  const { GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID } = process.env
  if (!GITHUB_REPOSITORY || !GITHUB_RUN_ID) return ''
  const server = GITHUB_SERVER_URL || 'https://github.com'
  return `${server}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}/artifacts/${id}`
}
