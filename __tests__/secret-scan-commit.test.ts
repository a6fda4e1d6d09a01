// secret-scan through run(), against the fake Kore.ai and GitHub servers: what a tool's author
// pasted where no flag marks it never reaches GitHub, and the other tools of a batch still do.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import * as mocked from '../__fixtures__/core.js'
import { startGithubApi } from './fakes/github-api.js'
import { startKoreServer } from './fakes/kore-server.js'
import { buildZip } from './fakes/zip.js'
import { AWS_SECRET, GITHUB_TOKEN, privateKeyPem } from './helpers/secrets.js'
import { setInputs, tempDir } from './helpers/setup.js'

jest.unstable_mockModule('@actions/core', () => mocked.core)
const { run } = await import('../src/export/main.js')

type Kore = Awaited<ReturnType<typeof startKoreServer>>
type Github = Awaited<ReturnType<typeof startGithubApi>>

const SECURE_VALUE = 'bot-password-5f8e2a'
const summaryFile = path.join(tempDir(), 'summary.md')

/** A tool whose one prompt says `prompt`; its variables file holds one secure value. */
function toolZip(toolId: string, prompt: string): Buffer {
  const flow = {
    toolId,
    nodes: [
      { id: 'start', type: 'start' },
      { id: 'ai', prompt }
    ]
  }
  return buildZip([
    { name: 'flow_definition.json', data: JSON.stringify(flow) },
    { name: 'app_definition.json', data: `{"name":"Tool ${toolId}"}` },
    {
      name: 'env_variables.json',
      data: `[{"key":"BOT_PASSWORD","value":"${SECURE_VALUE}","isSecured":true}]`
    }
  ])
}

/** Everything GitHub holds or was sent: blobs, trees, commit messages, pull requests. */
function everythingWritten(github: Github): string {
  return [
    ...[...github.blobs.values()].map(blob => blob.toString('utf8')),
    ...[...github.commits.values()].map(commit => commit.message),
    ...github.pulls.flatMap(pull => [pull.title, pull.body, ...pull.comments]),
    JSON.stringify(github.writes().map(write => write.body))
  ].join('\n')
}

describe('secret-scan', () => {
  let kore: Kore
  let github: Github
  let clearInputs = () => {}
  const saved = { ...process.env }
  let prompts: Record<string, string> = {}

  beforeEach(async () => {
    jest.clearAllMocks()
    fs.writeFileSync(summaryFile, '')
    prompts = {}
    kore = await startKoreServer({
      jobPolls: 0,
      zipFor: toolId => toolZip(toolId, prompts[toolId] ?? 'Say hi')
    })
    github = await startGithubApi()
    Object.assign(process.env, {
      RUNNER_TEMP: tempDir(),
      GITHUB_STEP_SUMMARY: summaryFile,
      ...github.env
    })
  })

  afterEach(async () => {
    clearInputs()
    process.env = { ...saved }
    await kore.close()
    await github.close()
  })

  const runWith = async (inputs: Record<string, string>) => {
    clearInputs()
    clearInputs = setInputs({
      host: kore.url,
      'api-key': kore.apiKey,
      'upload-artifact': 'false',
      'poll-interval': '1',
      commit: 'true',
      'github-token': github.token,
      tools: 'a-leaky\na-clean',
      ...inputs
    })
    await run()
    return String(mocked.setFailed.mock.calls[0]?.[0] ?? '')
  }
  const warnings = () => mocked.warning.mock.calls.map(([message]) => String(message))

  const pem = privateKeyPem()
  it.each([
    ['a GitHub token', `Call the API with ${GITHUB_TOKEN}`, GITHUB_TOKEN, 'github'],
    ['an AWS key pair', `aws_secret_access_key = ${AWS_SECRET}`, AWS_SECRET, 'aws'],
    ['a PEM private key', `Sign with\n${pem}`, pem.split('\n')[1] ?? '', 'privatekey']
  ])(
    'refuses the tool whose prompt holds %s, committing the other',
    async (_, prompt, secret, rule) => {
      prompts['a-leaky'] = prompt
      const failure = await runWith({})
      expect(failure).toContain('1 of 2 tools failed')
      expect(failure).toContain(
        `a-leaky: not committed: the secret scan flags flow_definition.json at nodes[1].prompt (line 10): @secretlint/secretlint-rule-${rule}#`
      )
      expect(Object.keys(github.files('main', 'kore-tools/a-clean'))).toContain(
        'flow_definition.json'
      )
      expect(github.files('main', 'kore-tools/a-leaky')).toEqual({})
      expect(secret.length).toBeGreaterThan(30)
      for (const text of [
        everythingWritten(github),
        failure,
        fs.readFileSync(summaryFile, 'utf8')
      ]) {
        expect(text).not.toContain(secret)
      }
    }
  )

  it('refuses what the run knows is secret: the api key, another tool’s secure value', async () => {
    prompts['a-leaky'] = `key ${kore.apiKey}, then log in with ${SECURE_VALUE}`
    const failure = await runWith({})
    expect(failure).toContain('nodes[1].prompt (line 10): known secret: api-key')
    expect(failure).toContain(
      'nodes[1].prompt (line 10): known secret: secure variable BOT_PASSWORD'
    )
    expect(github.files('main', 'kore-tools/a-leaky')).toEqual({})
    expect(everythingWritten(github)).not.toContain(SECURE_VALUE)
  })

  it('commits with a warning under warn, and without looking under off', async () => {
    prompts['a-leaky'] = `Call the API with ${GITHUB_TOKEN}`
    expect(await runWith({ 'secret-scan': 'warn' })).toBe('')
    expect(warnings()).toContainEqual(
      expect.stringContaining(
        'a-leaky: secret-scan: warn: committed although the secret scan flags flow_definition.json at nodes[1].prompt'
      )
    )
    expect(github.files('main', 'kore-tools/a-leaky')['flow_definition.json']).toContain(
      GITHUB_TOKEN
    )

    jest.clearAllMocks()
    prompts['a-leaky'] = `Call the API with ${GITHUB_TOKEN}, then again`
    expect(await runWith({ 'secret-scan': 'off' })).toBe('')
    expect(warnings().filter(w => w.includes('secret'))).toEqual([])
  })

  it('keeps secure values where env-variables: keep keeps them, and nowhere else', async () => {
    expect(await runWith({ 'env-variables': 'keep', tools: 'a-clean' })).toBe('')
    const env = github.files('main', 'kore-tools/a-clean')['env_variables.json']
    expect(env).toContain(SECURE_VALUE)

    prompts['a-clean'] = `log in with ${SECURE_VALUE}`
    const failure = await runWith({ 'env-variables': 'keep', tools: 'a-clean' })
    expect(failure).toContain('known secret: secure variable BOT_PASSWORD')
    expect(failure).not.toContain('env_variables.json')
  })

  it('leaves out a change report that quotes an old secret, in the commit and the pull request', async () => {
    prompts['a-clean'] = `Call the API with ${GITHUB_TOKEN}`
    expect(await runWith({ 'secret-scan': 'warn', tools: 'a-clean' })).toBe('')
    prompts['a-clean'] = 'Call the API with the token from the vault'
    jest.clearAllMocks()
    fs.writeFileSync(summaryFile, '')
    expect(await runWith({ tools: 'a-clean', 'pull-request': 'true' })).toBe('')
    const [pull] = github.pulls
    expect(pull?.body).toContain('The change report is left out: the secret scan flags its text')
    expect(pull?.body).not.toContain(GITHUB_TOKEN.slice(4))
    for (const commit of github.commits.values()) {
      expect(commit.message).not.toContain(GITHUB_TOKEN.slice(4))
    }
    expect(fs.readFileSync(summaryFile, 'utf8')).not.toContain(GITHUB_TOKEN.slice(4))
    expect(fs.readFileSync(summaryFile, 'utf8')).toContain('The change report is left out')
  })
})
