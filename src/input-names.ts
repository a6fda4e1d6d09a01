/** Input names as declared in action.yml; tests build inputs from the same constants. */
export const Input = {
  Host: 'host',
  ToolId: 'tool-id',
  FlowId: 'flow-id',
  Tools: 'tools',
  AppId: 'app-id',
  AppVersion: 'app-version',
  Apps: 'apps',
  MaxParallel: 'max-parallel',
  ApiKey: 'api-key',
  Path: 'path',
  PollInterval: 'poll-interval',
  Timeout: 'timeout',
  MaxDownloadSize: 'max-download-size',
  UploadArtifact: 'upload-artifact',
  ArtifactName: 'artifact-name',
  ArtifactSecrets: 'artifact-secrets',
  RetentionDays: 'retention-days',
  Overwrite: 'overwrite',
  Commit: 'commit',
  Check: 'check',
  FailOnDrift: 'fail-on-drift',
  CommitPath: 'commit-path',
  CommitBranch: 'commit-branch',
  CommitMessage: 'commit-message',
  CommitTimeout: 'commit-timeout',
  GithubToken: 'github-token',
  PullRequest: 'pull-request',
  EnvVariables: 'env-variables',
  SecretsKey: 'secrets-key',
  SecretScan: 'secret-scan',
  Resource: 'resource',
  KeepAlive: 'keep-alive',
  KeepAliveDays: 'keep-alive-days'
} as const

/** A problem with one input, worded `input: problem` so that the message names it. */
export function inputError(input: string, problem: string): Error {
  return new Error(`${input}: ${problem}`)
}
