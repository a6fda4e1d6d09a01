// Runs dist/index.js as the runner does: a child process with INPUT_* variables, GITHUB_OUTPUT
// and GITHUB_STEP_SUMMARY files. `npm run bundle` must have been run (CI checks dist/ is fresh).
import { afterEach, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { runAction } from '../scripts/run-action.js'
import { startArtifactService } from './fakes/artifact-service.js'
import { startGithubApi } from './fakes/github-api.js'
import { startKoreServer, startStorageServer } from './fakes/kore-server.js'
import { buildZip, sampleExport } from './fakes/zip.js'
import { parsedVariables, redactedAsExpected, unzipped } from './helpers/artifact-contents.js'
import { filesIn, selfSignedCertificate } from './helpers/setup.js'

type Fake = Awaited<ReturnType<typeof startKoreServer>>

const TOOL = 'a-4f1c0000-aaaa-5bbb-8ccc-9ddddddddddb'

describe('the bundled action', () => {
  let kore: Fake
  afterEach(() => kore.close())

  it('exports, polls, downloads and uploads the artifact, with outputs, summary and a masked key', async () => {
    kore = await startKoreServer({ jobPolls: 1, flowIds: { [TOOL]: 'cf-77' }, minPollGapMs: 900 })
    const service = await startArtifactService()
    const run = await runAction(
      {
        host: `${kore.url}/`,
        'tool-id': TOOL,
        'flow-id': 'cf-77',
        'api-key': kore.apiKey,
        'poll-interval': '1',
        'retention-days': '5'
      },
      { env: { ...service.env, GITHUB_REPOSITORY: 'acme/backups', GITHUB_RUN_ID: '4242' } }
    ).finally(() => service.close())
    expect(run.stderr).toBe('')
    expect(run.exitCode).toBe(0)

    const served = sampleExport(TOOL)
    const sha256 = createHash('sha256').update(served).digest('hex')
    const file = path.join(run.runnerTemp, 'kore-tool-export', `kore-tool-${TOOL}.zip`)
    const [artifact] = service.artifacts
    const artifactSha = createHash('sha256')
      .update(artifact?.blob ?? '')
      .digest('hex')
    expect(run.outputs).toEqual({
      status: 'SUCCESS',
      'dock-status-id': expect.stringMatching(/^ds-/),
      'export-job-id': expect.stringMatching(/^tool-ej-/),
      file,
      sha256,
      size: String(served.length),
      'artifact-id': String(artifact?.id),
      'artifact-url': `https://github.com/acme/backups/actions/runs/4242/artifacts/${artifact?.id}`,
      'artifact-digest': artifactSha,
      drifted: '',
      changed: '',
      'commit-sha': '',
      'commit-url': '',
      'pull-request-number': '',
      'pull-request-url': '',
      'pull-request-opened': '',
      report: '',
      results: JSON.stringify([
        {
          'tool-id': TOOL,
          status: 'SUCCESS',
          file,
          sha256,
          'artifact-id': artifact?.id,
          changed: null,
          error: null
        }
      ])
    })
    // The artifact is the export with its secure values redacted, and says so in its name.
    expect(service.artifacts).toHaveLength(1)
    expect(artifact?.name).toBe(`kore-tool-${TOOL}-redacted.zip`)
    expect(parsedVariables(await unzipped(artifact?.blob))).toEqual(
      redactedAsExpected(await unzipped(served))
    )
    expect(artifact?.hash).toBe(`sha256:${artifactSha}`)
    expect(run.summary).toContain('1 secure value(s) redacted')
    const days = (Date.parse(artifact?.expiresAt ?? '') - Date.now()) / 86_400_000
    expect(Math.round(days)).toBe(5)
    expect(run.summary).toContain(`href="${run.outputs['artifact-url']}"`)
    expect(fs.readFileSync(file).equals(served)).toBe(true)
    expect(filesIn(path.dirname(file))).toEqual([path.basename(file)])

    // The key is printed once: in the mask command, before any other line of the step.
    const lines = run.stdout.split('\n')
    expect(lines[0]).toBe(`::add-mask::${kore.apiKey}`)
    expect(run.stdout.split(kore.apiKey)).toHaveLength(2)
    // The signed download link is masked before it could be printed.
    expect(run.stdout).toMatch(/::add-mask::http:\/\/127\.0\.0\.1:\d+\/api\/v1\/account\/exports\//)
    // Nothing of the secure value anywhere the artifact or log went; no copy left behind.
    expect(artifact?.blob?.includes('secret-token')).toBe(false)
    expect(run.stdout).not.toContain('unredacted')
    expect(fs.readdirSync(run.runnerTemp).filter(n => n.startsWith('kore-artifact-'))).toEqual([])

    expect(run.summary).toContain('Kore.ai tool export')
    expect(run.summary).toContain(`<code>${TOOL}</code>`)
    expect(run.summary).toContain('<code>cf-77</code>')
    expect(run.summary).toContain('SUCCESS')
    expect(run.summary).toContain(run.outputs.sha256)
    expect(run.summary).toContain('<code>flow_definition.json</code>')

    expect(kore.requestsTo('export')).toHaveLength(1)
    expect(kore.requestsTo('export')[0]?.query.get('flowId')).toBe('cf-77')
    expect(kore.requestsTo('status')).toHaveLength(2)
    expect(kore.requestsTo('download')).toHaveLength(1)
  })

  it('keeps the export and says how to turn uploads off when there is no artifact service', async () => {
    kore = await startKoreServer({ jobPolls: 0, style: 'table' })
    const run = await runAction({
      host: kore.url,
      'tool-id': TOOL,
      'api-key': kore.apiKey,
      'artifact-name': 'nightly-backup'
    })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toMatch(/::error::Cannot upload the artifact: .*upload-artifact: false/)
    const file = path.join(run.runnerTemp, 'kore-tool-export', 'nightly-backup.zip')
    expect(run.outputs.file).toBe(file)
    expect(run.outputs['artifact-id']).toBe('')
    expect(fs.readFileSync(file).equals(sampleExport(TOOL))).toBe(true)
  })

  it('fails on an invalid input before any request, naming the input', async () => {
    kore = await startKoreServer()
    const run = await runAction({
      host: kore.url,
      'tool-id': '../../etc',
      'api-key': kore.apiKey,
      timeout: 'soon'
    })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('::error::tool-id: "../../etc" is not a plain id')
    expect(kore.requests).toHaveLength(0)
    // results is always set; the summary says why the step stopped.
    expect(run.outputs).toEqual({ results: '[]' })
    expect(run.summary).toContain('<h3>Kore.ai tool export</h3>')
    expect(run.summary).toContain('tool-id: &quot;../../etc&quot; is not a plain id')
  })

  it('fails with the server reason when the export job FAILED, leaving no file', async () => {
    kore = await startKoreServer({
      outcome: 'FAILED',
      failLogs: ['Tool has no deployed call flow'],
      style: 'model'
    })
    const run = await runAction({
      host: kore.url,
      'tool-id': TOOL,
      'api-key': kore.apiKey,
      'upload-artifact': 'false'
    })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toMatch(/::error::.*FAILED: Tool has no deployed call flow/)
    expect(run.outputs.status).toBe('FAILED')
    expect(run.outputs['dock-status-id']).toMatch(/^ds-/)
    expect(run.outputs.file).toBe('')
    expect(run.summary).toContain('Tool has no deployed call flow')
    expect(filesIn(path.join(run.runnerTemp, 'kore-tool-export'))).toEqual([])
  })

  it('follows a download redirect to storage, masking the new link and keeping the key home', async () => {
    const storage = await startStorageServer({ zipFor: () => sampleExport(TOOL) })
    kore = await startKoreServer({ jobPolls: 0, redirectDownloadTo: storage.url })
    try {
      const run = await runAction({
        host: kore.url,
        'tool-id': TOOL,
        'api-key': kore.apiKey,
        'upload-artifact': 'false'
      })
      expect(run.exitCode).toBe(0)
      expect(storage.requests).toHaveLength(1)
      expect(storage.requests[0]?.headers['x-api-key']).toBeUndefined()
      const masked = `::add-mask::${storage.url}/blob/`
      const lines = run.stdout.split('\n')
      const maskLine = lines.findIndex(line => line.startsWith(masked))
      expect(maskLine).toBeGreaterThan(0)
      // Masked before any line that could show it (the debug line of the request).
      const firstUse = lines.findIndex(line => line.includes(`${storage.url}/blob/`))
      expect(firstUse).toBe(maskLine)
    } finally {
      await storage.close()
    }
  })

  it('works over https and refuses a download redirect down to http, keeping the key home', async () => {
    const certificate = selfSignedCertificate()
    const storage = await startStorageServer()
    kore = await startKoreServer({ tls: certificate, redirectDownloadTo: storage.url })
    try {
      const run = await runAction(
        { host: kore.url, 'tool-id': TOOL, 'api-key': kore.apiKey },
        { env: { NODE_EXTRA_CA_CERTS: certificate.file } }
      )
      expect(run.exitCode).toBe(1)
      expect(run.stdout).toContain(
        '::error::refusing a redirect of the download from https to http'
      )
      expect(run.outputs.status).toBe('SUCCESS')
      expect(kore.requestsTo('download')).toHaveLength(1)
      expect(storage.requests).toHaveLength(0)
      expect(filesIn(path.join(run.runnerTemp, 'kore-tool-export'))).toEqual([])
    } finally {
      await storage.close()
    }
  })

  describe('with commit: true', () => {
    let github: Awaited<ReturnType<typeof startGithubApi>>
    afterEach(() => github.close())

    const commitRun = (toolId: string, extra: Record<string, string> = {}) =>
      runAction(
        {
          host: kore.url,
          'tool-id': toolId,
          'api-key': kore.apiKey,
          'poll-interval': '1',
          'upload-artifact': 'false',
          commit: 'true',
          'github-token': github.token,
          ...extra
        },
        {
          env: github.env
        }
      )

    it('commits readable files once, then nothing while the export is unchanged', async () => {
      kore = await startKoreServer({ jobPolls: 0 })
      github = await startGithubApi()
      const first = await commitRun(TOOL)
      expect(first.stderr).toBe('')
      expect(first.exitCode).toBe(0)
      const head = github.head('main')
      expect(first.outputs).toMatchObject({
        changed: 'true',
        'commit-sha': head,
        'commit-url': `https://github.com/acme/backups/commit/${head}`,
        'pull-request-number': '',
        'pull-request-url': '',
        'pull-request-opened': ''
      })
      expect(github.history('main')[0]?.message).toMatch(
        new RegExp(`^Back up Kore.ai tool ${TOOL} \\(export tool-ej-`)
      )
      const stored = github.files('main', `kore-tools/${TOOL}`)
      expect(Object.keys(stored).sort()).toEqual([
        '.kore-tool-export.json',
        'app_definition.json',
        'env_variables.json',
        'flow_definition.json'
      ])
      // Re-indented, but every number and string exactly as exported.
      expect(stored['flow_definition.json']).toContain('\n  "hyperParameters": {\n')
      expect(stored['flow_definition.json']).toContain('"maxTokens": 12345678901234567890,')
      expect(stored['flow_definition.json']).toContain('"topP": 1.50')
      expect(stored['flow_definition.json']).toContain('"prompt": "Say \\"hi\\" \\u00e9t\\u00e9"')
      expect(stored['app_definition.json']).toBe(
        `{\n  "name": "Tool ${TOOL}",\n  "version": "1.50",\n  "guardrails": []\n}\n`
      )
      expect(stored['env_variables.json']).toContain('"value": "<redacted>"')
      expect(stored['env_variables.json']).not.toContain('secret-token')
      expect(stored['env_variables.json']).toContain('"value": "https://example.com"')
      expect(first.stdout).toContain('secure variable(s) (TOKEN)')
      expect(first.summary).toContain(`added: <code>kore-tools/${TOOL}/flow_definition.json</code>`)
      expect(first.stdout.split(github.token)).toHaveLength(2)

      const second = await commitRun(TOOL)
      expect(second.exitCode).toBe(0)
      expect(second.outputs).toMatchObject({ changed: 'false', 'commit-sha': '' })
      expect(github.head('main')).toBe(head)
      expect(second.summary).toContain('No change: nothing committed')
    })

    it('lands 8 runs committing at once (the README matrix), one commit each, linear', async () => {
      kore = await startKoreServer({ jobPolls: 0 })
      github = await startGithubApi()
      const ids = Array.from({ length: 8 }, (_, i) => `a-matrix-${i}`)
      const runs = await Promise.all(ids.map(id => commitRun(id)))
      expect(runs.map(r => r.exitCode)).toEqual(ids.map(() => 0))
      const history = github.history('main')
      expect(history).toHaveLength(9)
      expect(history.every(c => c.parents.length <= 1)).toBe(true)
      for (const id of ids) {
        expect(Object.keys(github.files('main', `kore-tools/${id}`))).toHaveLength(4)
      }
    })

    it('refuses an unsafe archive before any GitHub request', async () => {
      const unsafe = buildZip([
        { name: 'flow_definition.json', data: '{}' },
        { name: '../../.github/workflows/evil.yml', data: 'on: push' }
      ])
      kore = await startKoreServer({ jobPolls: 0, zipFor: () => unsafe })
      github = await startGithubApi()
      const run = await commitRun(TOOL)
      expect(run.exitCode).toBe(1)
      expect(run.stdout).toContain('::error::unsafe archive')
      expect(github.requests).toHaveLength(0)
    })

    it('omits env_variables.json with env-variables: omit', async () => {
      kore = await startKoreServer({ jobPolls: 0 })
      github = await startGithubApi()
      const run = await commitRun(TOOL, {
        'env-variables': 'omit',
        'commit-path': 'tools/{tool-id}/'
      })
      expect(run.exitCode).toBe(0)
      expect(Object.keys(github.files('main', `tools/${TOOL}`)).sort()).toEqual([
        '.kore-tool-export.json',
        'app_definition.json',
        'flow_definition.json'
      ])
    })
  })

  describe('with tools', () => {
    it('backs up the good tools, bounds the parallelism, and fails naming the bad ones', async () => {
      kore = await startKoreServer({
        jobPolls: 1,
        knownTools: ['a-one', 'a-two', 'a-three', 'a-four'],
        failingTools: ['a-three'],
        minPollGapMs: 900
      })
      const service = await startArtifactService()
      const github = await startGithubApi()
      const run = await runAction(
        {
          host: kore.url,
          tools: 'a-one\n# a comment\na-two cf-2\na-three\na-missing\n\na-four',
          'api-key': kore.apiKey,
          'poll-interval': '1',
          'max-parallel': '2',
          commit: 'true',
          'github-token': github.token
        },
        {
          env: { ...service.env, ...github.env }
        }
      ).finally(async () => {
        await service.close()
        await github.close()
      })
      expect(run.exitCode).toBe(1)
      expect(run.stdout).toContain('::error::2 of 5 tools failed:')
      expect(run.stdout).toMatch(
        /- a-three: Kore.ai reports the export job ds-\S+ FAILED: Export of a-three failed/
      )
      expect(run.stdout).toMatch(/- a-missing: .*HTTP 404/)

      // Never more than max-parallel exports in flight, and really two at a time.
      expect(kore.maxInFlight()).toBe(2)
      expect(kore.requestsTo('export')[1]?.query.get('flowId')).toBe('cf-2')

      const results = JSON.parse(run.outputs.results ?? '[]')
      expect(results.map((r: { 'tool-id': string }) => r['tool-id'])).toEqual([
        'a-one',
        'a-two',
        'a-three',
        'a-missing',
        'a-four'
      ])
      expect(results[0]).toMatchObject({ status: 'SUCCESS', changed: true, error: null })
      expect(results[0]['artifact-id']).toEqual(expect.any(Number))
      expect(results[2]).toMatchObject({ status: 'FAILED', file: '', 'artifact-id': null })
      expect(results[3]).toMatchObject({ status: '', changed: null })
      expect(results[3].error).toContain('HTTP 404')
      expect(run.outputs.status).toBe('')

      const good = ['a-one', 'a-two', 'a-four']
      expect(service.artifacts.map(a => a.name).sort()).toEqual(
        good.map(id => `kore-tool-${id}-redacted.zip`).sort()
      )
      // One commit holding every tool that exported, each under its own directory.
      const history = github.history('main')
      expect(history).toHaveLength(2)
      expect(history[0]?.message.split('\n')[0]).toBe('Back up Kore.ai tools a-one, a-two, a-four')
      for (const id of good) {
        expect(Object.keys(github.files('main', `kore-tools/${id}`))).toHaveLength(4)
      }
      expect(run.outputs['commit-sha']).toBe(history[0]?.sha)
      for (const id of [...good, 'a-three', 'a-missing']) {
        expect(run.summary).toContain(`<td><code>${id}</code></td>`)
      }
    })
  })
})
