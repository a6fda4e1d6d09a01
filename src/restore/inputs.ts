import * as core from '@actions/core'
import * as path from 'node:path'
import { Input, inputError } from '../input-names.js'
import {
  parseBoolean,
  parseChoice,
  parseFlowId,
  parseHost,
  parseRetentionDays,
  parseSeconds,
  parseToolId
} from '../input-parsers.js'
import { ARTIFACT_SECRETS_MODES, ArtifactSecrets } from '../backup/artifact-copy.js'
import { Resource, RESOURCES } from '../kore/dialect.js'
import { readApiKey } from '../api-key.js'
import { hasUnprintable, hideSecret, printable } from '../text.js'

/** Input names of restore/action.yml; the shared ones keep the export action's names. */
export const RestoreInput = {
  Host: Input.Host,
  Resource: Input.Resource,
  ApiKey: Input.ApiKey,
  PollInterval: Input.PollInterval,
  Timeout: Input.Timeout,
  Source: 'source',
  ToolId: Input.ToolId,
  ToolName: 'tool-name',
  EnvValues: 'env-values',
  Deploy: 'deploy',
  Plan: 'plan',
  BackupBefore: 'backup-before',
  FlowId: Input.FlowId,
  RetentionDays: Input.RetentionDays,
  ArtifactSecrets: Input.ArtifactSecrets,
  GithubToken: Input.GithubToken,
  SecretsKey: Input.SecretsKey,
  AppId: Input.AppId,
  AppVersion: Input.AppVersion,
  SourceHost: 'source-host',
  SourceAppId: 'source-app-id',
  SourceAppVersion: 'source-app-version',
  SourceApiKey: 'source-api-key'
} as const

/** What only an app restore takes (restore/app-inputs.ts). */
const APP_INPUTS = [
  RestoreInput.AppId,
  RestoreInput.AppVersion,
  RestoreInput.SourceHost,
  RestoreInput.SourceAppId,
  RestoreInput.SourceAppVersion,
  RestoreInput.SourceApiKey
]

export interface RestoreInputs {
  host: string
  /** Agent Platform's tools or AI for Process's workflows. */
  resource: Resource
  apiKey: string
  pollIntervalSeconds: number
  /** Per job: the import, then the deploy, each get this long. */
  timeoutSeconds: number
  /** Absolute path of the backup: a directory or a .zip. */
  source: string
  /** Import over this tool; empty when creating one. */
  toolId: string
  /** Create a new tool with this name; empty when importing over tool-id. */
  toolName: string
  /** Variable name → value to set before upload (each value masked). */
  envValues: Map<string, EnvValue>
  deploy: boolean
  /** A dry run: validate and report what would change; no upload, import or deploy. */
  plan: boolean
  /** Export the tool before importing over it, and keep that zip (file and artifact). */
  backupBefore: boolean
  /** Passed to that export, as the export action does; empty when not given. */
  flowId: string
  /** Of the pre-import artifact: 1-90; undefined means the repository's setting. */
  retentionDays?: number
  /** What the pre-import artifact holds of the secure values (before-file keeps them all). */
  artifactSecrets: ArtifactSecrets
  /** Only to tell whether the repository is public (artifact-secrets: keep). */
  githubToken: string
  /** An age identity that decrypts the backup's env_variables.secrets.age; empty when not given. */
  secretsKey: string
}

/** Reads and validates every input before any request; throws an error naming the input. */
export function readRestoreInputs(): RestoreInputs {
  const apiKey = readApiKey()
  const githubToken = core.getInput(RestoreInput.GithubToken)
  if (githubToken) hideSecret(githubToken)
  const secretsKey = core.getInput(RestoreInput.SecretsKey).trim()
  if (secretsKey) hideSecret(secretsKey)
  // Read (and mask) the values first: a later error must not be able to print one.
  const envValues = parseEnvValues(core.getInput(RestoreInput.EnvValues))
  const appInput = APP_INPUTS.find(name => core.getInput(name))
  if (appInput) throw inputError(appInput, 'names an app: set resource: app')
  const rawToolId = core.getInput(RestoreInput.ToolId)
  const toolName = core.getInput(RestoreInput.ToolName).trim()
  if (Boolean(rawToolId) === Boolean(toolName)) {
    throw inputError(
      RestoreInput.ToolId,
      'give exactly one of tool-id (import over an existing tool) and tool-name (create a new tool)'
    )
  }
  const inputs: RestoreInputs = {
    host: parseHost(core.getInput(RestoreInput.Host)),
    resource: parseChoice(Input.Resource, core.getInput(Input.Resource), RESOURCES),
    apiKey,
    pollIntervalSeconds: parseSeconds(Input.PollInterval, core.getInput(Input.PollInterval), 2, 1),
    timeoutSeconds: parseSeconds(Input.Timeout, core.getInput(Input.Timeout), 600, 1),
    source: parseSource(core.getInput(RestoreInput.Source)),
    toolId: rawToolId ? parseToolId(RestoreInput.ToolId, rawToolId) : '',
    toolName: toolName && parseToolName(toolName),
    envValues,
    deploy: parseBoolean(RestoreInput.Deploy, core.getInput(RestoreInput.Deploy), false),
    plan: parseBoolean(RestoreInput.Plan, core.getInput(RestoreInput.Plan), false),
    backupBefore: parseBoolean(
      RestoreInput.BackupBefore,
      core.getInput(RestoreInput.BackupBefore),
      true
    ),
    // As the export action reads it: passed to the export before an import.
    flowId: parseFlowId(RestoreInput.FlowId, core.getInput(RestoreInput.FlowId)),
    retentionDays: parseRetentionDays(core.getInput(RestoreInput.RetentionDays)),
    artifactSecrets: parseChoice(
      RestoreInput.ArtifactSecrets,
      core.getInput(RestoreInput.ArtifactSecrets),
      ARTIFACT_SECRETS_MODES
    ),
    githubToken,
    secretsKey
  }
  warnAboutUnused(inputs)
  return inputs
}

/** flow-id, retention-days and artifact-secrets serve only the export before an import over a tool. */
function warnAboutUnused(inputs: RestoreInputs): void {
  const exportsFirst = Boolean(inputs.toolId) && (inputs.backupBefore || inputs.plan)
  const uploadsBefore = exportsFirst && !inputs.plan
  const keeps = inputs.artifactSecrets !== 'redact'
  const unused = [
    ...(inputs.flowId && !exportsFirst ? [RestoreInput.FlowId] : []),
    ...(inputs.retentionDays !== undefined && !uploadsBefore ? [RestoreInput.RetentionDays] : []),
    ...(keeps && !uploadsBefore ? [RestoreInput.ArtifactSecrets] : [])
  ]
  const why = {
    [RestoreInput.FlowId]:
      'it applies only to the export before an import over an existing tool (tool-id, with backup-before: true or plan: true)',
    [RestoreInput.RetentionDays]:
      'it applies only to the artifact kept before an import over an existing tool (tool-id with backup-before: true; plan: true keeps none)',
    [RestoreInput.ArtifactSecrets]:
      'it applies only to the artifact kept before an import over an existing tool (tool-id with backup-before: true; plan: true keeps none)'
  }
  for (const name of unused) core.warning(`${name} is ignored: ${why[name]}`)
}

function parseSource(raw: string): string {
  if (!raw) {
    throw inputError(
      RestoreInput.Source,
      'is required: the folder the export action committed (e.g. kore-tools/<tool-id>) or an exported .zip'
    )
  }
  return path.resolve(process.env.GITHUB_WORKSPACE || process.cwd(), raw)
}

function parseToolName(name: string): string {
  if (name.length > 200 || hasUnprintable(name)) {
    throw inputError(
      RestoreInput.ToolName,
      `"${printable(name, 80)}" is not a tool name (at most 200 characters, no control characters)`
    )
  }
  return name
}

/** A value from env-values and the line that set it (errors name lines, never text). */
export interface EnvValue {
  value: string
  line: number
}

/**
 * `NAME=value` lines, and GitHub's heredoc form for multi-line values (`NAME<<EOF`, the lines,
 * `EOF`), as in GITHUB_ENV; blank lines and `#` comments skipped. Every value, and every line
 * that cannot be read, is masked as it is read. Errors name the line, never its text: it may
 * hold a secret (a pasted key's second line can look like NAME=value).
 */
export function parseEnvValues(raw: string): Map<string, EnvValue> {
  const values = new Map<string, EnvValue>()
  const lines = raw.split('\n').map(line => line.replace(/\r$/, ''))
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string
    if (!line.trim() || line.trimStart().startsWith('#')) continue
    // Masked whole as well as by value: a pasted secret's own lines can look like NAME=value.
    if (line.trim().length >= 4) hideSecret(line.trim())
    const number = index + 1
    const where = `${RestoreInput.EnvValues}: line ${number}`
    const heredoc = /^\s*([^\s=<]+)<<(\S+)\s*$/.exec(line)
    const equals = line.indexOf('=')
    let name: string
    let value: string
    if (heredoc) {
      const end = lines.findIndex((other, at) => at > index && other === heredoc[2])
      value = lines.slice(index + 1, end < 0 ? undefined : end).join('\n')
      hideSecret(value)
      if (end < 0) {
        throw inputError(
          where,
          'starts a multi-line value (NAME<<DELIMITER) that no DELIMITER line ends'
        )
      }
      name = heredoc[1] as string
      if (/\p{Cc}/u.test(name)) throw inputError(where, 'names a variable with control characters')
      index = end
    } else {
      name = line.slice(0, Math.max(equals, 0)).trim()
      value = line.slice(equals + 1)
      if (equals < 0 || !name || /[\s\p{Cc}]/u.test(name)) {
        throw inputError(
          where,
          'is not NAME=value or NAME<<DELIMITER (its text is not shown: it may be a secret)'
        )
      }
      hideSecret(value)
    }
    const first = values.get(name)
    if (first) throw inputError(where, `sets the same name as line ${first.line}`)
    values.set(name, { value, line: number })
  }
  return values
}
