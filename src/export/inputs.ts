import * as core from '@actions/core'
import { Input, inputError } from '../input-names.js'
import { readApiKey } from '../api-key.js'
import { ARTIFACT_SECRETS_MODES, ArtifactSecrets } from '../backup/artifact-copy.js'
import { Resource, RESOURCES } from '../kore/dialect.js'
import { parseAppList, refuseAppInputs } from '../app-list.js'
import { SECRET_SCAN_MODES, SecretScanMode } from '../secret-scan.js'
import { hideSecret } from '../text.js'
import {
  ToolSpec,
  parseArtifactName,
  parseBoolean,
  parseBranch,
  parseChoice,
  parseCommitPath,
  parseDirectory,
  parseHost,
  parseMaxParallel,
  parseRetentionDays,
  parseSeconds,
  parseSize,
  parseToolList,
  parseWholeNumber
} from '../input-parsers.js'

export { Input }
export type { ToolSpec }

const ENV_VARIABLES_MODES = ['redact', 'keep', 'omit', 'encrypt'] as const
export type EnvVariablesMode = (typeof ENV_VARIABLES_MODES)[number]

export interface Inputs {
  /** Base URL without a trailing slash, e.g. `https://agent-platform.kore.ai`. */
  host: string
  /** Agent Platform's tools or AI for Process's workflows: the API's paths and words. */
  resource: Resource
  /** One tool from tool-id, or the tools list. */
  tools: ToolSpec[]
  /** Whether the tools came from the `tools` input (batch outputs and summary). */
  batch: boolean
  maxParallel: number
  apiKey: string
  /** Absolute directory the export is downloaded into. */
  directory: string
  pollIntervalSeconds: number
  /** Per tool: export request to verified download. */
  timeoutSeconds: number
  /** The largest export accepted, in bytes. */
  maxDownloadBytes: number
  uploadArtifact: boolean
  /** May hold `{tool-id}`; also the zip's file name: `<artifact-name>.zip`. */
  artifactName: string
  /** What the artifact holds of the secure values (the zip at `path` keeps them all). */
  artifactSecrets: ArtifactSecrets
  /** 1-90; undefined means the repository's setting. */
  retentionDays?: number
  overwrite: boolean
  commit: boolean
  /** Compare the export with the branch as a commit would, and write nothing (drift check). */
  check: boolean
  failOnDrift: boolean
  /** Directory in the repository; may hold `{tool-id}`. */
  commitPath: string
  /** Empty: the workflow's branch, else the default branch. */
  commitBranch: string
  /** Empty: a message naming the tool and the export job. */
  commitMessage: string
  /** The commit stage as a whole: preparing files, the change report, every GitHub request. */
  commitTimeoutSeconds: number
  githubToken: string
  pullRequest: boolean
  envVariables: EnvVariablesMode
  /** An age identity (env-variables: encrypt); empty when not given. */
  secretsKey: string
  /** What a commit does with text that looks like a secret: refuse the tool, warn, or nothing. */
  secretScan: SecretScanMode
  /** Re-enable the running workflow when the branch has been quiet this long (scheduled runs). */
  keepAlive: boolean
  keepAliveDays: number
}

/** Reads and validates every input; throws an error naming the first bad one. */
export function readInputs(): Inputs {
  const apiKey = readApiKey()
  const githubToken = core.getInput(Input.GithubToken)
  if (githubToken) hideSecret(githubToken)

  const secretsKey = core.getInput(Input.SecretsKey).trim()
  if (secretsKey) hideSecret(secretsKey)
  const resource = parseChoice(Input.Resource, core.getInput(Input.Resource), RESOURCES)
  const app = resource === 'app'
  const { tools, batch } = readTargets(app)
  const commit = parseBoolean(Input.Commit, core.getInput(Input.Commit), false)
  const keepAlive = parseBoolean(Input.KeepAlive, core.getInput(Input.KeepAlive), false)
  const check = parseBoolean(Input.Check, core.getInput(Input.Check), false)
  if (check && commit) {
    throw inputError(Input.Check, 'compares without committing: set commit: false, or check: false')
  }
  const needsToken = commit ? 'commit' : check ? 'check' : keepAlive ? 'keep-alive' : ''
  if (needsToken && !githubToken) {
    throw inputError(
      Input.GithubToken,
      `is required when ${needsToken} is true (default: github.token)`
    )
  }
  return {
    host: parseHost(core.getInput(Input.Host)),
    resource,
    tools,
    batch,
    maxParallel: parseMaxParallel(core.getInput(Input.MaxParallel)),
    apiKey,
    directory: parseDirectory(core.getInput(Input.Path)),
    pollIntervalSeconds: parseSeconds(Input.PollInterval, core.getInput(Input.PollInterval), 2, 1),
    timeoutSeconds: parseSeconds(Input.Timeout, core.getInput(Input.Timeout), 600, 1),
    maxDownloadBytes: parseSize(Input.MaxDownloadSize, core.getInput(Input.MaxDownloadSize)),
    // A drift check writes nothing anywhere, an artifact included.
    uploadArtifact:
      !check && parseBoolean(Input.UploadArtifact, core.getInput(Input.UploadArtifact), true),
    artifactName: parseArtifactName(core.getInput(Input.ArtifactName), tools, app),
    artifactSecrets: parseChoice(
      Input.ArtifactSecrets,
      core.getInput(Input.ArtifactSecrets),
      ARTIFACT_SECRETS_MODES
    ),
    retentionDays: parseRetentionDays(core.getInput(Input.RetentionDays)),
    overwrite: parseBoolean(Input.Overwrite, core.getInput(Input.Overwrite), false),
    commit,
    check,
    failOnDrift: parseBoolean(Input.FailOnDrift, core.getInput(Input.FailOnDrift), false),
    commitPath: parseCommitPath(core.getInput(Input.CommitPath), tools, app),
    commitBranch: parseBranch(core.getInput(Input.CommitBranch)),
    commitMessage: core.getInput(Input.CommitMessage),
    commitTimeoutSeconds: parseSeconds(
      Input.CommitTimeout,
      core.getInput(Input.CommitTimeout),
      600,
      1
    ),
    githubToken,
    pullRequest: parseBoolean(Input.PullRequest, core.getInput(Input.PullRequest), false),
    envVariables: parseEnvVariables(secretsKey, app),
    secretsKey,
    secretScan: parseChoice(Input.SecretScan, core.getInput(Input.SecretScan), SECRET_SCAN_MODES),
    keepAlive,
    keepAliveDays: parseWholeNumber(
      Input.KeepAliveDays,
      core.getInput(Input.KeepAliveDays),
      45,
      1,
      59
    )
  }
}

/** The tools, or with resource: app the app versions; batch when given as a list. */
function readTargets(app: boolean): { tools: ToolSpec[]; batch: boolean } {
  const given = {
    appId: core.getInput(Input.AppId),
    appVersion: core.getInput(Input.AppVersion),
    apps: core.getInput(Input.Apps)
  }
  const toolInputs = {
    [Input.ToolId]: core.getInput(Input.ToolId),
    [Input.FlowId]: core.getInput(Input.FlowId),
    [Input.Tools]: core.getInput(Input.Tools)
  }
  if (app) return { tools: parseAppList({ ...given, toolInputs }), batch: Boolean(given.apps) }
  refuseAppInputs(given)
  const tools = parseToolList(toolInputs['tool-id'], toolInputs['flow-id'], toolInputs.tools)
  return { tools, batch: Boolean(toolInputs.tools) }
}

/** encrypt needs the key it encrypts to; a key with nothing to encrypt is a mistake said aloud. */
function parseEnvVariables(secretsKey: string, app: boolean): EnvVariablesMode {
  const mode = parseChoice(
    Input.EnvVariables,
    core.getInput(Input.EnvVariables),
    ENV_VARIABLES_MODES
  )
  // An app's secure values sit in files of every kind: only redacting or keeping them is built.
  if (app && (mode === 'omit' || mode === 'encrypt')) {
    throw inputError(
      Input.EnvVariables,
      `${mode} is not available with resource: app; use redact (the default) or keep`
    )
  }
  if (mode === 'encrypt' && !secretsKey) {
    throw inputError(
      Input.EnvVariables,
      'encrypt needs secrets-key: an age identity (AGE-SECRET-KEY-1…) from a secret'
    )
  }
  if (mode !== 'encrypt' && secretsKey) {
    core.warning(`${Input.SecretsKey} is ignored: it applies only to env-variables: encrypt`)
  }
  return mode
}
