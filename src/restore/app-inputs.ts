import * as core from '@actions/core'
import * as path from 'node:path'
import { Input, inputError } from '../input-names.js'
import {
  parseBoolean,
  parseChoice,
  parseHost,
  parseRetentionDays,
  parseSeconds,
  parseToolId
} from '../input-parsers.js'
import { ARTIFACT_SECRETS_MODES, ArtifactSecrets } from '../backup/artifact-copy.js'
import { readApiKey } from '../api-key.js'
import { parseVersionId } from '../app-list.js'
import { hideSecret } from '../text.js'
import { EnvValue, parseEnvValues, RestoreInput } from './inputs.js'

/** restore/action.yml's inputs for resource: app (the others keep the tool restore's names). */
const AppRestoreInput = {
  AppId: RestoreInput.AppId,
  AppVersion: RestoreInput.AppVersion,
  SourceHost: RestoreInput.SourceHost,
  SourceAppId: RestoreInput.SourceAppId,
  SourceAppVersion: RestoreInput.SourceAppVersion,
  SourceApiKey: RestoreInput.SourceApiKey
} as const

/** Where the app's export comes from: a backup on disk, or another environment's live app. */
export type AppSource =
  | { kind: 'backup'; path: string }
  | { kind: 'promote'; host: string; appId: string; version: string; apiKey: string }

export interface AppRestoreInputs {
  resource: 'app'
  host: string
  apiKey: string
  /** The existing app imported into (Import App only imports into an existing app). */
  appId: string
  /** The target's version exported before the import (plan, backup-before). */
  appVersion: string
  source: AppSource
  envValues: Map<string, EnvValue>
  plan: boolean
  backupBefore: boolean
  pollIntervalSeconds: number
  timeoutSeconds: number
  retentionDays?: number
  artifactSecrets: ArtifactSecrets
  githubToken: string
}

/** Reads and checks every input of an app restore before any request. */
export function readAppRestoreInputs(): AppRestoreInputs {
  const apiKey = readApiKey()
  const githubToken = core.getInput(RestoreInput.GithubToken)
  if (githubToken) hideSecret(githubToken)
  const envValues = parseEnvValues(core.getInput(RestoreInput.EnvValues))
  refuseToolInputs()
  const appId = core.getInput(AppRestoreInput.AppId)
  if (!appId) {
    throw inputError(
      AppRestoreInput.AppId,
      'is required with resource: app: the existing app to import into (create it in Kore.ai first)'
    )
  }
  const plan = parseBoolean(RestoreInput.Plan, core.getInput(RestoreInput.Plan), false)
  const backupBefore = parseBoolean(
    RestoreInput.BackupBefore,
    core.getInput(RestoreInput.BackupBefore),
    true
  )
  const appVersion = core.getInput(AppRestoreInput.AppVersion)
  if ((plan || backupBefore) && !appVersion) {
    throw inputError(
      AppRestoreInput.AppVersion,
      `is required with ${plan ? 'plan' : 'backup-before (on by default)'}: the version of ${appId} to export before the import; or set backup-before: false to import without an undo`
    )
  }
  return {
    resource: 'app',
    host: parseHost(core.getInput(RestoreInput.Host)),
    apiKey,
    appId: parseToolId(AppRestoreInput.AppId, appId),
    appVersion: appVersion && parseVersionId(AppRestoreInput.AppVersion, appVersion),
    source: readSource(),
    envValues,
    plan,
    backupBefore,
    pollIntervalSeconds: parseSeconds(Input.PollInterval, core.getInput(Input.PollInterval), 2, 1),
    timeoutSeconds: parseSeconds(Input.Timeout, core.getInput(Input.Timeout), 600, 1),
    retentionDays: parseRetentionDays(core.getInput(RestoreInput.RetentionDays)),
    artifactSecrets: parseChoice(
      RestoreInput.ArtifactSecrets,
      core.getInput(RestoreInput.ArtifactSecrets),
      ARTIFACT_SECRETS_MODES
    ),
    githubToken
  }
}

/** What only a tool restore takes is refused, so a mistaken resource is said at once. */
function refuseToolInputs(): void {
  for (const name of [RestoreInput.ToolId, RestoreInput.ToolName, RestoreInput.FlowId]) {
    if (core.getInput(name)) {
      throw inputError(name, 'names a tool, and resource is app: give app-id instead')
    }
  }
  if (core.getInput(RestoreInput.SecretsKey)) {
    throw inputError(
      RestoreInput.SecretsKey,
      'applies to tools only (env-variables: encrypt); an app backup is filled from env-values'
    )
  }
  if (parseBoolean(RestoreInput.Deploy, core.getInput(RestoreInput.Deploy), false)) {
    throw inputError(
      RestoreInput.Deploy,
      'is not available with resource: app: Kore.ai documents no deploy step for an app import'
    )
  }
}

/** `source` (a backup) or the source-* inputs (promotion from a live environment): one of them. */
function readSource(): AppSource {
  const raw = core.getInput(RestoreInput.Source)
  const sourceHost = core.getInput(AppRestoreInput.SourceHost)
  if (raw && sourceHost) {
    throw inputError(
      RestoreInput.Source,
      'give either source (a backup) or source-host (promote from a live environment), not both'
    )
  }
  if (raw) {
    const strays = [
      AppRestoreInput.SourceAppId,
      AppRestoreInput.SourceAppVersion,
      AppRestoreInput.SourceApiKey
    ]
    const stray = strays.find(name => core.getInput(name))
    if (stray) throw inputError(stray, 'applies to promotion (source-host), not to source')
    return {
      kind: 'backup',
      path: path.resolve(process.env.GITHUB_WORKSPACE || process.cwd(), raw)
    }
  }
  if (!sourceHost) {
    throw inputError(
      RestoreInput.Source,
      'is required: the folder the export action committed (e.g. kore-apps/<app-id>) or an exported .zip; or promote with source-host, source-app-id, source-app-version and source-api-key'
    )
  }
  const sourceKey = core.getInput(AppRestoreInput.SourceApiKey).trim()
  if (!sourceKey) {
    throw inputError(
      AppRestoreInput.SourceApiKey,
      'is required with source-host: a key of the source app with the Import/Export scope (a secret is empty when unset, and in forks and Dependabot runs)'
    )
  }
  hideSecret(sourceKey)
  const sourceAppId = core.getInput(AppRestoreInput.SourceAppId)
  const sourceVersion = core.getInput(AppRestoreInput.SourceAppVersion)
  if (!sourceVersion) {
    throw inputError(AppRestoreInput.SourceAppVersion, 'is required with source-host')
  }
  return {
    kind: 'promote',
    host: parseHost(sourceHost),
    appId: parseToolId(AppRestoreInput.SourceAppId, sourceAppId),
    version: parseVersionId(AppRestoreInput.SourceAppVersion, sourceVersion),
    apiKey: sourceKey
  }
}
