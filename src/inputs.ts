import * as core from '@actions/core'
import * as os from 'node:os'
import * as path from 'node:path'

/** Input names as declared in action.yml; tests build inputs from the same constants. */
export const Input = {
  Host: 'host',
  ToolId: 'tool-id',
  FlowId: 'flow-id',
  ApiKey: 'api-key',
  Path: 'path',
  PollInterval: 'poll-interval',
  Timeout: 'timeout',
  UploadArtifact: 'upload-artifact',
  ArtifactName: 'artifact-name',
  RetentionDays: 'retention-days',
  Overwrite: 'overwrite',
  Commit: 'commit',
  CommitPath: 'commit-path',
  CommitBranch: 'commit-branch',
  CommitMessage: 'commit-message',
  GithubToken: 'github-token',
  PullRequest: 'pull-request',
  EnvVariables: 'env-variables'
} as const

export const ENV_VARIABLES_MODES = ['redact', 'keep', 'omit'] as const
export type EnvVariablesMode = (typeof ENV_VARIABLES_MODES)[number]

export interface Inputs {
  /** Base URL without a trailing slash, e.g. `https://agent-platform.kore.ai`. */
  host: string
  toolId: string
  /** Empty when the export should not name a call flow. */
  flowId: string
  apiKey: string
  /** Absolute directory the export is downloaded into. */
  directory: string
  pollIntervalSeconds: number
  timeoutSeconds: number
  uploadArtifact: boolean
  /** Also the zip's file name: `<artifactName>.zip`. */
  artifactName: string
  /** 1-90; undefined means the repository's setting. */
  retentionDays?: number
  overwrite: boolean
  commit: boolean
  /** Directory in the repository, `{tool-id}` already filled in. */
  commitPath: string
  /** Empty: the workflow's branch, else the default branch. */
  commitBranch: string
  /** Empty: a message naming the tool and the export job. */
  commitMessage: string
  githubToken: string
  pullRequest: boolean
  envVariables: EnvVariablesMode
}

export class InputError extends Error {
  constructor(input: string, problem: string) {
    super(`${input}: ${problem}`)
    this.name = 'InputError'
  }
}

const MAX_TIMEOUT_SECONDS = 6 * 60 * 60 // a GitHub-hosted job cannot run longer

/** Reads and validates every input; throws an InputError naming the first bad one. */
export function readInputs(): Inputs {
  // Mask the key before anything else can print it.
  const apiKey = core.getInput(Input.ApiKey)
  if (apiKey) core.setSecret(apiKey)
  if (!apiKey) throw new InputError(Input.ApiKey, 'is required (pass it from a secret)')
  if (/[\s\p{Cc}]/u.test(apiKey)) {
    throw new InputError(Input.ApiKey, 'contains whitespace or control characters')
  }
  const githubToken = core.getInput(Input.GithubToken)
  if (githubToken) core.setSecret(githubToken)

  const toolId = parseToolId(Input.ToolId, core.getInput(Input.ToolId))
  const commit = parseBoolean(Input.Commit, core.getInput(Input.Commit), false)
  if (commit && !githubToken) {
    throw new InputError(
      Input.GithubToken,
      'is required when commit is true (default: github.token)'
    )
  }
  return {
    host: parseHost(core.getInput(Input.Host)),
    toolId,
    flowId: parseFlowId(core.getInput(Input.FlowId)),
    apiKey,
    directory: parseDirectory(core.getInput(Input.Path)),
    pollIntervalSeconds: parseSeconds(Input.PollInterval, core.getInput(Input.PollInterval), 2, 1),
    timeoutSeconds: parseSeconds(Input.Timeout, core.getInput(Input.Timeout), 600, 1),
    uploadArtifact: parseBoolean(Input.UploadArtifact, core.getInput(Input.UploadArtifact), true),
    artifactName: parseArtifactName(core.getInput(Input.ArtifactName), toolId),
    retentionDays: parseRetentionDays(core.getInput(Input.RetentionDays)),
    overwrite: parseBoolean(Input.Overwrite, core.getInput(Input.Overwrite), false),
    commit,
    commitPath: parseCommitPath(core.getInput(Input.CommitPath), toolId),
    commitBranch: parseBranch(core.getInput(Input.CommitBranch)),
    commitMessage: core.getInput(Input.CommitMessage),
    githubToken,
    pullRequest: parseBoolean(Input.PullRequest, core.getInput(Input.PullRequest), false),
    envVariables: parseChoice(
      Input.EnvVariables,
      core.getInput(Input.EnvVariables),
      ENV_VARIABLES_MODES
    )
  }
}

export function parseHost(raw: string): string {
  if (!raw) throw new InputError(Input.Host, 'is required, e.g. https://agent-platform.kore.ai')
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new InputError(Input.Host, `"${raw}" is not a URL, e.g. https://agent-platform.kore.ai`)
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new InputError(Input.Host, 'must be a base URL without credentials, query or fragment')
  }
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    throw new InputError(Input.Host, `"${raw}" must use https (http is accepted for loopback only)`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(Input.Host, `"${raw}" must be an https URL`)
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`
}

export function isLoopback(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
  )
}

const PLAIN_ID = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/

/** Tool ids end up in URL paths and file names: only letters, digits, `-`, `_` and single dots. */
export function parseToolId(input: string, raw: string): string {
  if (!raw) throw new InputError(input, 'is required')
  if (raw.length > 200 || !PLAIN_ID.test(raw)) {
    throw new InputError(
      input,
      `"${printable(raw)}" is not a plain id (letters, digits, "-", "_" and "." only)`
    )
  }
  return raw
}

/** Flow ids are opaque and only travel URL-encoded in the query string. */
export function parseFlowId(raw: string): string {
  if (raw.length > 200 || /[\s\p{Cc}]/u.test(raw)) {
    throw new InputError(
      Input.FlowId,
      `"${printable(raw)}" is not a flow id (no spaces or control characters)`
    )
  }
  return raw
}

function parseDirectory(raw: string): string {
  const base = raw || path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'kore-tool-export')
  return path.resolve(base)
}

export function parseSeconds(input: string, raw: string, fallback: number, min: number): number {
  if (!raw) return fallback
  const value = Number(raw)
  if (!/^\d+(\.\d+)?$/.test(raw) || !Number.isFinite(value)) {
    throw new InputError(input, `"${printable(raw)}" is not a number of seconds`)
  }
  if (value < min || value > MAX_TIMEOUT_SECONDS) {
    throw new InputError(
      input,
      `${raw} is out of range: use ${min} to ${MAX_TIMEOUT_SECONDS} seconds`
    )
  }
  return value
}

/** The artifact service's rules for names, which also make it a safe file name. */
export function parseArtifactName(raw: string, toolId: string): string {
  const name = raw || `kore-tool-${toolId}`
  if (name.length > 200 || /[":<>|*?\\/\p{Cc}]/u.test(name) || /^\.+$/.test(name)) {
    throw new InputError(
      Input.ArtifactName,
      `"${printable(name)}" is not a valid artifact name (no " : < > | * ? \\ / or control characters)`
    )
  }
  return name
}

export function parseRetentionDays(raw: string): number | undefined {
  if (!raw) return undefined
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 90) {
    throw new InputError(
      Input.RetentionDays,
      `"${printable(raw)}" is not a whole number of days from 1 to 90`
    )
  }
  return Number(raw)
}

/** A directory inside the repository; never its root, since stale files there get removed. */
export function parseCommitPath(raw: string, toolId: string): string {
  const filled = (raw || 'kore-tools/{tool-id}').replaceAll('{tool-id}', toolId)
  const normalized = filled.replace(/^(\.\/)+/, '').replace(/\/+$/, '')
  const segments = normalized.split('/')
  const unsafe =
    !normalized ||
    /[\\\p{Cc}]/u.test(normalized) ||
    segments.some(s => s === '' || s === '.' || s === '..' || s.toLowerCase() === '.git')
  if (unsafe) {
    throw new InputError(
      Input.CommitPath,
      `"${printable(filled)}" is not a directory inside the repository (relative, no "..", not the root)`
    )
  }
  return normalized
}

/** Git's rules for branch names, in short. */
export function parseBranch(raw: string): string {
  const branch = raw.replace(/^refs\/heads\//, '')
  if (!branch) return ''
  const invalid =
    /[\s\p{Cc}~^:?*[\\]|\.\.|@\{|\/\/|^[-/]|[/.]$|\.lock$/u.test(branch) || branch === '@'
  if (invalid)
    throw new InputError(Input.CommitBranch, `"${printable(raw)}" is not a valid branch name`)
  return branch
}

export function parseChoice<T extends string>(
  input: string,
  raw: string,
  choices: readonly T[]
): T {
  if (!raw) return choices[0] as T
  const choice = choices.find(c => c === raw.toLowerCase())
  if (!choice) {
    throw new InputError(input, `"${printable(raw)}" is not one of ${choices.join(', ')}`)
  }
  return choice
}

export function parseBoolean(input: string, raw: string, fallback: boolean): boolean {
  if (!raw) return fallback
  if (/^true$/i.test(raw)) return true
  if (/^false$/i.test(raw)) return false
  throw new InputError(input, `"${printable(raw)}" is not a boolean: use true or false`)
}

/** Quote user text in errors without letting control characters reach the log. */
function printable(raw: string): string {
  return raw.replace(/\p{Cc}/gu, '?')
}
