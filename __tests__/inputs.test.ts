import { afterEach, describe, expect, it } from '@jest/globals'
import * as path from 'node:path'
import { Input, readInputs } from '../src/export/inputs.js'
import { setInputs } from './helpers/setup.js'

const valid = {
  [Input.Host]: 'https://agent-platform.kore.ai/',
  [Input.ToolId]: 'a-4f1c0000-aaaa-5bbb-8ccc-9ddddddddddb',
  [Input.ApiKey]: 'kg-secret-key'
}

describe('readInputs', () => {
  let clear: () => void = () => undefined
  afterEach(() => clear())

  it('refuses a resource other than tool or workflow, listing both', () => {
    clear = setInputs({ ...valid, resource: 'agent' })
    expect(() => readInputs()).toThrow('resource: "agent" is not one of tool, workflow')
  })

  it('applies the documented defaults', () => {
    clear = setInputs(valid)
    process.env.RUNNER_TEMP = '/runner/temp'
    const inputs = readInputs()
    expect(inputs).toEqual({
      host: 'https://agent-platform.kore.ai',
      resource: 'tool',
      tools: [{ toolId: valid[Input.ToolId], flowId: '' }],
      batch: false,
      maxParallel: 4,
      apiKey: 'kg-secret-key',
      directory: path.resolve('/runner/temp/kore-tool-export'),
      pollIntervalSeconds: 2,
      timeoutSeconds: 600,
      maxDownloadBytes: 1024 ** 3,
      uploadArtifact: true,
      artifactName: 'kore-tool-{tool-id}',
      artifactSecrets: 'redact',
      retentionDays: undefined,
      overwrite: false,
      commit: false,
      commitPath: 'kore-tools/{tool-id}',
      commitBranch: '',
      commitMessage: '',
      commitTimeoutSeconds: 600,
      githubToken: '',
      pullRequest: false,
      envVariables: 'redact',
      secretsKey: '',
      check: false,
      failOnDrift: false,
      secretScan: 'refuse',
      keepAlive: false,
      keepAliveDays: 45
    })
  })

  it('reads every input as documented and resolves a relative path', () => {
    clear = setInputs({
      ...valid,
      [Input.Host]: 'https://kore.example.com/',
      [Input.Path]: 'backups',
      [Input.FlowId]: 'cf-123:v2',
      [Input.PollInterval]: '1.5',
      [Input.Timeout]: '30',
      [Input.UploadArtifact]: 'FALSE',
      [Input.ArtifactName]: 'nightly backup (prod)',
      [Input.RetentionDays]: '90',
      [Input.Overwrite]: 'true',
      [Input.Commit]: 'True',
      [Input.GithubToken]: 'ghs_token',
      [Input.CommitPath]: './backups/{tool-id}/current/',
      [Input.CommitBranch]: 'refs/heads/backups/kore',
      [Input.PullRequest]: 'true',
      [Input.EnvVariables]: 'OMIT',
      [Input.SecretScan]: 'Warn'
    })
    const inputs = readInputs()
    expect(inputs.host).toBe('https://kore.example.com')
    expect(inputs.directory).toBe(path.resolve('backups'))
    expect(inputs.tools).toEqual([{ toolId: valid[Input.ToolId], flowId: 'cf-123:v2' }])
    expect(inputs.pollIntervalSeconds).toBe(1.5)
    expect(inputs.timeoutSeconds).toBe(30)
    expect(inputs.uploadArtifact).toBe(false)
    expect(inputs.commit).toBe(true)
    expect(inputs.artifactName).toBe('nightly backup (prod)')
    expect(inputs.retentionDays).toBe(90)
    expect(inputs.overwrite).toBe(true)
    expect(inputs.commitPath).toBe('backups/{tool-id}/current')
    expect(inputs.commitBranch).toBe('backups/kore')
    expect(inputs.pullRequest).toBe(true)
    expect(inputs.envVariables).toBe('omit')
    expect(inputs.secretScan).toBe('warn')
  })

  it('reads a tools list: ids, flow ids, comments and blank lines', () => {
    clear = setInputs({
      ...valid,
      [Input.ToolId]: '',
      [Input.Tools]: '# nightly backups\n a-1\n\na-2   cf-2\n\t# retired: a-3\na-4\tcf-4\n',
      [Input.MaxParallel]: '8'
    })
    const inputs = readInputs()
    expect(inputs.tools).toEqual([
      { toolId: 'a-1', flowId: '' },
      { toolId: 'a-2', flowId: 'cf-2' },
      { toolId: 'a-4', flowId: 'cf-4' }
    ])
    expect(inputs.batch).toBe(true)
    expect(inputs.maxParallel).toBe(8)
  })

  it.each([
    [{ [Input.Tools]: 'a-1' }, 'tools: give either tool-id or tools, not both'],
    [{ [Input.ToolId]: '' }, 'tool-id: is required (or list several tools in tools)'],
    [{ [Input.ToolId]: '', [Input.Tools]: '# none\n\n' }, 'tools: lists no tool'],
    [{ [Input.ToolId]: '', [Input.Tools]: 'a-1\na-2 cf x' }, 'tools: line 2: "a-2 cf x" is not'],
    [
      { [Input.ToolId]: '', [Input.Tools]: 'a-1\n\n../x' },
      'tools: line 3: "../x" is not a plain id'
    ],
    [
      { [Input.ToolId]: '', [Input.Tools]: 'a-1\na-1 cf' },
      'tools: line 2: tool a-1 is listed twice'
    ],
    [
      { [Input.ToolId]: '', [Input.Tools]: 'a-1', [Input.FlowId]: 'cf' },
      'flow-id: applies to tool-id only'
    ],
    [
      { [Input.ToolId]: '', [Input.Tools]: 'a-1\na-2', [Input.ArtifactName]: 'backup' },
      'artifact-name: must contain {tool-id} when tools lists several'
    ],
    [
      { [Input.ToolId]: '', [Input.Tools]: 'a-1\na-2', [Input.CommitPath]: 'tools' },
      'commit-path: must contain {tool-id}'
    ],
    [{ [Input.MaxParallel]: '17' }, 'max-parallel: "17" is not a whole number from 1 to 16'],
    [{ [Input.MaxParallel]: '0' }, 'max-parallel: "0" is not a whole number from 1 to 16']
  ])('rejects the tools inputs %j', (inputs, message) => {
    clear = setInputs({ ...valid, ...inputs })
    expect(() => readInputs()).toThrow(message)
  })

  it('requires github-token for commits, and masks it', () => {
    clear = setInputs({ ...valid, [Input.Commit]: 'true' })
    expect(() => readInputs()).toThrow('github-token: is required when commit is true')
  })

  it.each([
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['http://127.9.8.7', 'http://127.9.8.7'],
    ['http://localhost:3000/', 'http://localhost:3000'],
    ['http://[::1]:3000', 'http://[::1]:3000']
  ])('accepts plain http for the loopback host %s', (host, expected) => {
    clear = setInputs({ ...valid, [Input.Host]: host })
    expect(readInputs().host).toBe(expected)
  })

  it.each([
    [Input.Host, '', 'host: is required'],
    [Input.Host, 'agent-platform.kore.ai', 'host: "agent-platform.kore.ai" is not a URL'],
    [Input.Host, 'http://agent-platform.kore.ai', 'must use https'],
    [Input.Host, 'http://127.0.0.1.evil.com', 'must use https'],
    [Input.Host, 'ftp://kore.example.com', 'must be an https URL'],
    [Input.Host, 'https://user:pw@kore.example.com', 'without credentials'],
    [Input.ToolId, '', 'tool-id: is required'],
    [Input.ToolId, '../a-1', 'tool-id: "../a-1" is not a plain id'],
    [Input.ToolId, 'a-1/export', 'is not a plain id'],
    [Input.ToolId, 'a..b', 'is not a plain id'],
    [Input.ToolId, 'a 1', 'is not a plain id'],
    [Input.ToolId, 'a-1\u0007', 'tool-id: "a-1\\u0007" is not a plain id'],
    [Input.FlowId, 'flow one', 'flow-id: "flow one" is not a flow id'],
    [
      Input.ApiKey,
      '',
      'api-key: is empty: pass it from a secret. A secret reads as empty when it is not set'
    ],
    [
      Input.Host,
      'https://agent-platform.kore.ai/agents/x',
      'host: "https://agent-platform.kore.ai/agents/x" has a path, query or fragment: give the origin only, https://agent-platform.kore.ai'
    ],
    [
      Input.ToolId,
      ':a-4f1c0000-aaaa-5bbb-8ccc-9ddddddddddb',
      'give the id alone, a-4f1c0000-aaaa-5bbb-8ccc-9ddddddddddb (the a-… part'
    ],
    [
      Input.ToolId,
      'https://agent-platform.kore.ai/api/public/tools/a-77aa/export',
      'give the id alone, a-77aa (the a-… part'
    ],
    [Input.ApiKey, 'kg key', 'api-key: contains whitespace'],
    [Input.PollInterval, 'soon', 'poll-interval: "soon" is not a number of seconds'],
    [Input.PollInterval, '0.5', 'poll-interval: 0.5 is out of range'],
    [Input.PollInterval, '-3', 'is not a number of seconds'],
    [Input.Timeout, 'soon', 'timeout: "soon" is not a number of seconds'],
    [Input.Timeout, '0', 'timeout: 0 is out of range'],
    [Input.Timeout, '1e3', 'is not a number of seconds'],
    [Input.UploadArtifact, 'yes please', 'upload-artifact: "yes please" is not a boolean'],
    [Input.Commit, '1', 'commit: "1" is not a boolean'],
    [Input.ArtifactName, 'a/b', 'artifact-name: "a/b" is not a valid artifact name'],
    [Input.ArtifactName, 'what?', 'is not a valid artifact name'],
    [Input.ArtifactName, '..', 'is not a valid artifact name'],
    [Input.RetentionDays, '0', 'retention-days: "0" is not a whole number of days from 1 to 90'],
    [Input.RetentionDays, '91', 'is not a whole number of days from 1 to 90'],
    [Input.RetentionDays, '7.5', 'is not a whole number of days'],
    [Input.Overwrite, 'maybe', 'overwrite: "maybe" is not a boolean'],
    [Input.CommitPath, '/etc', 'commit-path: "/etc" is not a directory inside the repository'],
    [Input.CommitPath, 'a/../../b', 'is not a directory inside the repository'],
    [Input.CommitPath, '.', 'is not a directory inside the repository'],
    [Input.CommitPath, './', 'is not a directory inside the repository'],
    [Input.CommitPath, 'a\\b', 'is not a directory inside the repository'],
    [Input.CommitPath, '.git/hooks', 'is not a directory inside the repository'],
    [Input.CommitBranch, 'feature..x', 'commit-branch: "feature..x" is not a valid branch name'],
    [Input.CommitBranch, 'has space', 'is not a valid branch name'],
    [Input.CommitBranch, '-rf', 'is not a valid branch name'],
    [Input.CommitBranch, 'x.lock', 'is not a valid branch name'],
    [Input.PullRequest, 'sure', 'pull-request: "sure" is not a boolean'],
    [Input.EnvVariables, 'hide', 'env-variables: "hide" is not one of redact, keep, omit'],
    [Input.SecretScan, 'no', 'secret-scan: "no" is not one of refuse, warn, off'],
    [Input.KeepAlive, 'yes', 'keep-alive: "yes" is not a boolean'],
    [Input.KeepAliveDays, '60', 'keep-alive-days: "60" is not a whole number from 1 to 59'],
    [Input.MaxDownloadSize, 'big', 'max-download-size: "big" is not a size'],
    [Input.MaxDownloadSize, '2GB', 'max-download-size: "2GB" is not a size'],
    [Input.MaxDownloadSize, '100', 'max-download-size: 100 is out of range'],
    [Input.MaxDownloadSize, '65GiB', 'is out of range']
  ])('rejects %s = %j, naming the input', (name, value, message) => {
    clear = setInputs({ ...valid, [name]: value })
    expect(() => readInputs()).toThrow(message)
  })

  it.each([
    ['1073741824', 1024 ** 3],
    ['500MiB', 500 * 1024 ** 2],
    ['2 GiB', 2 * 1024 ** 3],
    ['1.5gib', 1.5 * 1024 ** 3],
    ['64KiB', 64 * 1024]
  ])('reads max-download-size %j as %d bytes', (raw, bytes) => {
    clear = setInputs({ ...valid, [Input.MaxDownloadSize]: raw })
    expect(readInputs().maxDownloadBytes).toBe(bytes)
  })

  it('masks the API key before validating anything else', () => {
    clear = setInputs({ ...valid, [Input.Host]: 'not a url' })
    const written: string[] = []
    const write = process.stdout.write
    process.stdout.write = ((chunk: string) => written.push(String(chunk)) > 0) as typeof write
    try {
      expect(() => readInputs()).toThrow('host:')
    } finally {
      process.stdout.write = write
    }
    expect(written.join('')).toContain('::add-mask::kg-secret-key')
  })
})
