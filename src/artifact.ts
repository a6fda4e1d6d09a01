import * as core from '@actions/core'
import * as path from 'node:path'
import { messageOf } from './errors.js'

/** Uploading one file as a workflow artifact, for both actions (the export, the restore's safety export). */

export interface ArtifactRequest {
  /** The zip to upload, as is: the artifact is the importable zip itself. */
  file: string
  /** Where the export stays on the runner, said when the upload fails (default `file`). */
  keptAt?: string
  /** 1-90; undefined means the repository's setting. */
  retentionDays?: number
  /** Replace an artifact of the same name in this run (re-runs). */
  overwrite: boolean
  /** The caller's input that turns the upload off, said in errors (default the export's). */
  howToSkip?: string
  /** What to change when the name is taken in this run (default: the export's inputs). */
  onNameTaken?: string
  /** The upload's bound: a service that never answers must not hold the step. */
  timeoutSeconds: number
}

export interface UploadedArtifact {
  id: number
  /** The file's name, which is what an unarchived upload is called. */
  name: string
  /** Link to the run's artifact, or empty when the run is unknown (outside Actions). */
  url: string
  digest: string
  /** The secure variables whose values it holds as the placeholder; undefined: all in clear. */
  redacted?: string[]
}

function artifactUploadError(message: string, file: string): Error {
  return new Error(`${message.trimEnd()} The zip itself is kept at ${file}.`)
}

/**
 * Uploads the zip unarchived (not a zip inside a zip), replacing a namesake when asked, within
 * timeoutSeconds. @actions/artifact's client has no socket timeout: past the bound the upload
 * is abandoned, and the action's entry exits once it has reported (see step.ts).
 */
export async function uploadExportArtifact(request: ArtifactRequest): Promise<UploadedArtifact> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const seconds = request.timeoutSeconds
      const problem = `Artifact upload failed: the artifact service did not answer within ${seconds} s (timeout).`
      reject(artifactUploadError(problem, request.keptAt ?? request.file))
    }, request.timeoutSeconds * 1000)
  })
  try {
    return await Promise.race([upload(request), late])
  } finally {
    clearTimeout(timer)
  }
}

async function upload(request: ArtifactRequest): Promise<UploadedArtifact> {
  const name = path.basename(request.file)
  const keptAt = request.keptAt ?? request.file
  const skip = request.howToSkip ?? 'Set upload-artifact: false to skip the upload.'
  if (!process.env.ACTIONS_RUNTIME_TOKEN || !process.env.ACTIONS_RESULTS_URL) {
    throw artifactUploadError(
      `Cannot upload the artifact: ACTIONS_RUNTIME_TOKEN / ACTIONS_RESULTS_URL are not set, so this is not running in a GitHub Actions job. ${skip}`,
      keptAt
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
      throw artifactUploadError(
        `Cannot upload the artifact: the artifact service of GitHub Enterprise Server is not supported by @actions/artifact. ${skip}`,
        keptAt
      )
    }
    const message = messageOf(error)
    if (/\(409\)|already exists/i.test(message)) {
      const change =
        request.onNameTaken ?? 'set overwrite: true to replace it, or choose another artifact-name.'
      throw artifactUploadError(
        `An artifact named ${name} already exists in this run: ${change}`,
        keptAt
      )
    }
    throw artifactUploadError(`Artifact upload failed: ${message}.`, keptAt)
  }
}

/** The artifact's page, as actions/upload-artifact links it. */
function artifactUrl(id: number): string {
  const { GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID } = process.env
  if (!GITHUB_REPOSITORY || !GITHUB_RUN_ID) return ''
  const server = GITHUB_SERVER_URL || 'https://github.com'
  return `${server}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}/artifacts/${id}`
}

/** What an artifact holds of the secure values, as the summaries say it. */
export function secretsOf(artifact: UploadedArtifact): string {
  if (!artifact.redacted) return 'secure values in clear'
  const count = artifact.redacted.length
  return count === 0 ? 'no secure values' : `${count} secure value(s) redacted`
}
