// run() in-process, with @actions/core mocked as actions/typescript-action does, against the
// fake Kore.ai and GitHub servers: main.ts, outputs.ts and the repository wiring are tested
// straight from src/, without a rebuilt bundle.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import * as mocked from '../__fixtures__/core.js'
import { startGithubApi } from './fakes/github-api.js'
import { startKoreServer } from './fakes/kore-server.js'
import { buildZip } from './fakes/zip.js'
import { setInputs, tempDir } from './helpers/setup.js'

jest.unstable_mockModule('@actions/core', () => mocked.core)
const { run } = await import('../src/export/main.js')

type Kore = Awaited<ReturnType<typeof startKoreServer>>
type Github = Awaited<ReturnType<typeof startGithubApi>>

const TOOL = 'a-4f1c0000-aaaa-5bbb-8ccc-9ddddddddddb'
// core.summary keeps the first GITHUB_STEP_SUMMARY it sees, so every test shares one file.
const summaryFile = path.join(tempDir(), 'summary.md')

describe('run()', () => {
  let kore: Kore
  let github: Github
  let clearInputs: () => void
  const saved = { ...process.env }

  beforeEach(async () => {
    jest.clearAllMocks()
    fs.writeFileSync(summaryFile, '')
    kore = await startKoreServer({ jobPolls: 0, knownTools: [TOOL, 'a-two'] })
    github = await startGithubApi()
    Object.assign(process.env, {
      RUNNER_TEMP: tempDir(),
      GITHUB_STEP_SUMMARY: summaryFile,
      GITHUB_API_URL: github.url,
      GITHUB_REPOSITORY: github.repository,
      GITHUB_REF: 'refs/heads/main'
    })
  })

  afterEach(async () => {
    clearInputs()
    process.env = { ...saved }
    await kore.close()
    await github.close()
  })

  const given = (inputs: Record<string, string>): void => {
    clearInputs = setInputs({
      host: kore.url,
      'api-key': kore.apiKey,
      'upload-artifact': 'false',
      commit: 'true',
      'github-token': github.token,
      ...inputs
    })
  }

  /** A fake Kore.ai of its own for one test; given() reads its URL and key. */
  const restartKore = async (options: Parameters<typeof startKoreServer>[0]) => {
    await kore.close()
    kore = await startKoreServer(options)
  }

  describe('bounds that the README promises', () => {
    it('slows every tool of a batch when one is rate limited: one gate for the run', async () => {
      await restartKore({ jobPolls: 0, exportFailures: [{ status: 429, retryAfter: 2 }] })
      given({ tools: 'a-one\na-two', commit: 'false', 'poll-interval': '1' })
      await run()
      expect(mocked.setFailed).not.toHaveBeenCalled()
      const limited = kore.requests.findIndex(r => r.method === 'POST') // answered 429
      const pausedUntil = (kore.requests[limited]?.at ?? 0) + 1900
      const during = kore.requests.slice(limited + 1).filter(r => r.at < pausedUntil)
      // The other tool's export may already have been on its way; nothing new starts.
      expect(during.filter(r => r.method === 'GET')).toEqual([])
    })

    it('ends a tool whose download stalls at its timeout: the deadline covers the download', async () => {
      await restartKore({ jobPolls: 0, stallDownloads: 10 })
      given({ 'tool-id': TOOL, commit: 'false', timeout: '3' })
      const before = Date.now()
      await run()
      expect(Date.now() - before).toBeLessThan(15_000)
      expect(String(mocked.setFailed.mock.calls[0]?.[0])).toMatch(/timeout: 3 s|within 3 s|ran out/)
    })

    it('refuses a zip that unpacks to more than four times max-download-size', async () => {
      const zeros = Buffer.alloc(5 * 1024).toString()
      await restartKore({
        jobPolls: 0,
        zipFor: () =>
          Buffer.from(
            buildZip([
              { name: 'flow_definition.json', data: `{"pad":"${zeros}"}` },
              { name: 'app_definition.json', data: '{}' }
            ])
          )
      })
      given({ 'tool-id': TOOL, commit: 'false', 'max-download-size': '1KiB' })
      await run()
      expect(String(mocked.setFailed.mock.calls[0]?.[0])).toContain(
        'unsafe archive: it unpacks to more than 4096 bytes'
      )
    })
  })

  it('reports nothing when a twin run committed the same change first', async () => {
    await github.close()
    github = await startGithubApi({ twinRaces: 1 })
    process.env.GITHUB_API_URL = github.url
    given({ 'tool-id': TOOL })
    await run()
    expect(mocked.setFailed).not.toHaveBeenCalled()
    expect(github.history('main')[0]?.message).toBe('Twin run')
    expect(mocked.outputs()).toMatchObject({ changed: 'false', report: '', 'commit-sha': '' })
  })

  it('exports, commits once and sets every output', async () => {
    given({ 'tool-id': TOOL })
    await run()
    expect(mocked.setFailed).not.toHaveBeenCalled()
    const head = github.head('main')
    const outputs = mocked.outputs()
    expect(outputs).toMatchObject({
      status: 'SUCCESS',
      'dock-status-id': expect.stringMatching(/^ds-/),
      changed: 'true',
      'commit-sha': head,
      'commit-url': `https://github.com/acme/backups/commit/${head}`,
      'pull-request-number': ''
    })
    expect(JSON.parse(outputs.results ?? '')).toEqual([
      expect.objectContaining({ 'tool-id': TOOL, status: 'SUCCESS', changed: true, error: null })
    ])
    // The subject as before; the body is the start of the change report (an inventory here).
    expect(github.history('main')[0]?.message).toBe(
      `Back up Kore.ai tool ${TOOL} (export ${outputs['export-job-id']})\n\n- first backup: 2 nodes (1 start, 1 aiNode); 2 variables (1 secure)`
    )
    expect(outputs.report).toContain(`#### What changed in <code>${TOOL}</code>`)
    expect(fs.readFileSync(summaryFile, 'utf8')).toContain('- first backup: 2 nodes')
    expect(mocked.setSecret).toHaveBeenCalledWith(kore.apiKey)
    expect(fs.readFileSync(summaryFile, 'utf8')).toContain(
      `Committed <a href="${outputs['commit-url']}">`
    )
  })

  it("opens a pull request from the tool's own branch in pull-request mode", async () => {
    given({ 'tool-id': TOOL, 'pull-request': 'true' })
    await run()
    expect(mocked.setFailed).not.toHaveBeenCalled()
    const branch = `kore-tool-export/into-main/${TOOL}`
    expect(github.pulls).toMatchObject([
      { number: 1, head: branch, base: 'main', title: `Back up Kore.ai tool ${TOOL}` }
    ])
    expect(github.pulls[0]?.body).toContain(mocked.outputs()['export-job-id'])
    expect(mocked.outputs()).toMatchObject({
      changed: 'true',
      'commit-sha': github.head(branch),
      'pull-request-number': '1',
      'pull-request-url': 'https://github.com/acme/backups/pull/1'
    })
    expect(github.history('main')).toHaveLength(1)
  })

  it('leaves changed empty, not false, when the commit fails', async () => {
    await github.close()
    github = await startGithubApi({ readOnlyToken: 'ghs_read' })
    process.env.GITHUB_API_URL = github.url
    given({ 'tool-id': TOOL, 'github-token': 'ghs_read' })
    await run()
    expect(String(mocked.setFailed.mock.calls[0]?.[0])).toMatch(/403|permission/i)
    expect(mocked.outputs()).toMatchObject({ status: 'SUCCESS', changed: '', 'commit-sha': '' })
    expect(JSON.parse(mocked.outputs().results ?? '')).toEqual([
      expect.objectContaining({ changed: null, error: expect.stringMatching(/403|permission/i) })
    ])
  })

  it('keeps nothing of an export whose status names another tool', async () => {
    await restartKore({ jobPolls: 0, namesOtherTool: { 'export-status': 'a-other' } })
    given({ 'tool-id': TOOL })
    await run()
    expect(String(mocked.setFailed.mock.calls[0]?.[0])).toContain(
      `Kore.ai's export answer names tool a-other, not ${TOOL}`
    )
    expect(mocked.outputs()).toMatchObject({ file: '', changed: '' })
    expect(kore.requests.some(r => r.path.includes('download'))).toBe(false)
    expect(github.writes()).toHaveLength(0)
  })

  it('ends at once with the reason when the export answer already says FAILED', async () => {
    await restartKore({
      jobPolls: 5,
      exportAnswerExtra: { status: 'FAILED', message: 'tool is locked' }
    })
    given({ 'tool-id': TOOL, timeout: '30' })
    await run()
    expect(String(mocked.setFailed.mock.calls[0]?.[0])).toMatch(/FAILED: tool is locked/)
    expect(mocked.outputs()).toMatchObject({ status: 'FAILED', changed: '' })
    expect(kore.requestsTo('status')).toHaveLength(0)
  })

  it('refuses a job whose status named another tool while it ran, even if it ends right', async () => {
    await restartKore({
      jobPolls: 1,
      namesOtherTool: { 'export-status-running': 'a-other' }
    })
    given({ 'tool-id': TOOL, 'poll-interval': '1' })
    await run()
    expect(String(mocked.setFailed.mock.calls[0]?.[0])).toContain(
      `Kore.ai's export answer names tool a-other, not ${TOOL}`
    )
    expect(kore.requestsTo('status')).toHaveLength(1)
    expect(kore.requestsTo('download')).toHaveLength(0)
  })

  it('refuses an export answer naming another tool before polling it', async () => {
    await restartKore({ jobPolls: 5, namesOtherTool: { 'export-answer': 'a-other' } })
    given({ 'tool-id': TOOL })
    await run()
    expect(String(mocked.setFailed.mock.calls[0]?.[0])).toContain(
      `Kore.ai's export answer names tool a-other, not ${TOOL}`
    )
    expect(kore.requestsTo('status')).toHaveLength(0)
  })

  it('refuses a server id that holds the api key: ids reach outputs and commits unmasked', async () => {
    const apiKey = 'kore-key-0123456789'
    await restartKore({
      apiKey,
      jobPolls: 0,
      exportAnswerExtra: { exportJobId: `tool-ej-${apiKey}` }
    })
    given({ 'tool-id': TOOL })
    await run()
    expect(String(mocked.setFailed.mock.calls[0]?.[0])).toContain(
      'Kore.ai sent an export job id that holds a secret of this run'
    )
    expect(JSON.stringify(mocked.outputs())).not.toContain(kore.apiKey)
    expect(github.writes()).toHaveLength(0)
  })

  it('names workflows, not tools, in the commit and pull request of resource: workflow', async () => {
    await restartKore({ dialect: 'workflows', jobPolls: 0 })
    given({ resource: 'workflow', 'tool-id': 'a-wf-1', 'pull-request': 'true' })
    process.env.GITHUB_RUN_ID = '555'
    await run().finally(() => delete process.env.GITHUB_RUN_ID)
    expect(mocked.setFailed).not.toHaveBeenCalled()
    const branch = 'kore-tool-export/into-main/a-wf-1'
    expect(github.history(branch)[0]?.message).toMatch(/^Back up Kore.ai workflow a-wf-1 \(export /)
    expect(github.pulls[0]?.title).toBe('Back up Kore.ai workflow a-wf-1')
    expect(github.pulls[0]?.body).toMatch(/^Automated backup of Kore.ai workflow a-wf-1 /)
    // The run that made it, for a reviewer to find its log.
    expect(github.pulls[0]?.body).toContain(
      `in [run 555](https://github.com/${github.repository}/actions/runs/555).`
    )
  })

  it('reports the commit on its branch when the pull request is refused, and fails', async () => {
    await github.close()
    github = await startGithubApi({ forbidPullRequests: true })
    process.env.GITHUB_API_URL = github.url
    given({ 'tool-id': TOOL, 'pull-request': 'true' })
    await run()
    expect(String(mocked.setFailed.mock.calls[0]?.[0])).toContain(
      'Allow GitHub Actions to create and approve pull requests'
    )
    const branch = `kore-tool-export/into-main/${TOOL}`
    expect(mocked.outputs()).toMatchObject({
      changed: 'true',
      'commit-sha': github.history(branch)[0]?.sha,
      'pull-request-number': '',
      'pull-request-opened': ''
    })

    // The setting is allowed; the next run finds its branch current and opens the pull request.
    github.options.forbidPullRequests = false
    jest.clearAllMocks()
    await run()
    expect(mocked.setFailed).not.toHaveBeenCalled()
    expect(github.pulls).toHaveLength(1)
    expect(mocked.outputs()).toMatchObject({
      changed: 'false',
      'commit-sha': '',
      'pull-request-number': String(github.pulls[0]?.number),
      'pull-request-opened': 'true'
    })
    expect(mocked.outputs().report).toContain(TOOL)
  })

  it('leaves changed empty when one tool is unchanged and another exported but refused', async () => {
    given({ tools: `${TOOL}\na-two` })
    await run()
    expect(mocked.outputs().changed).toBe('true')
    clearInputs()
    jest.clearAllMocks()
    const { sampleExport } = await import('./fakes/zip.js')
    await restartKore({
      jobPolls: 0,
      knownTools: [TOOL, 'a-two'],
      // a-two's secure flag cannot be read: its redaction fails closed, nothing of it is committed.
      zipFor: id =>
        id === 'a-two'
          ? buildZip([
              { name: 'flow_definition.json', data: '{"nodes":[]}' },
              { name: 'app_definition.json', data: '{"name":"two"}' },
              {
                name: 'env_variables.json',
                data: '[{"key":"TOKEN","value":"s3cret-value","isSecured":"perhaps"}]'
              }
            ])
          : sampleExport(id)
    })
    given({ tools: `${TOOL}\na-two` })
    await run()
    expect(mocked.setFailed).toHaveBeenCalledTimes(1)
    // The branch does not hold a-two's export: "false" would say it does.
    expect(mocked.outputs().changed).toBe('')
  })

  it('fails naming the tools that failed, after committing and reporting the others', async () => {
    given({ tools: `${TOOL}\na-missing\na-two` })
    await run()
    expect(mocked.setFailed).toHaveBeenCalledTimes(1)
    expect(mocked.setFailed.mock.calls[0]?.[0]).toMatch(
      /^1 of 3 tools failed:\n- a-missing: .*HTTP 404/
    )
    const results = JSON.parse(mocked.outputs().results ?? '')
    expect(results.map((r: { changed: boolean | null }) => r.changed)).toEqual([true, null, true])
    expect(github.history('main')[0]?.message).toMatch(
      new RegExp(`^Back up Kore.ai tools ${TOOL}, a-two\n\n- ${TOOL}: first backup: `)
    )
    expect(mocked.outputs().status).toBe('')
    expect(fs.readFileSync(summaryFile, 'utf8')).toContain('<td><code>a-missing</code></td>')
  })

  describe('with keep-alive', () => {
    const WORKFLOW_REF = 'acme/backups/.github/workflows/backup.yml@refs/heads/main'

    const keepAliveRun = async (options: Parameters<typeof startGithubApi>[0]) => {
      await github.close()
      github = await startGithubApi(options)
      Object.assign(process.env, { GITHUB_API_URL: github.url, GITHUB_WORKFLOW_REF: WORKFLOW_REF })
      given({
        'tool-id': TOOL,
        commit: 'false',
        'keep-alive': 'true',
        'github-token': github.token
      })
      await run()
    }

    it('re-enables the running workflow when the branch has been quiet too long', async () => {
      await keepAliveRun({ initialCommitAgeDays: 50 })
      expect(mocked.setFailed).not.toHaveBeenCalled()
      expect(github.enabledWorkflows).toEqual(['backup.yml'])
      expect(github.writes()).toHaveLength(1)
    })

    it('does nothing while the branch is recent', async () => {
      await keepAliveRun({ initialCommitAgeDays: 10 })
      expect(github.enabledWorkflows).toEqual([])
      expect(github.writes()).toHaveLength(0)
      expect(mocked.info).toHaveBeenCalledWith(
        expect.stringMatching(/^keep-alive: the last commit on main is 10 day\(s\) old/)
      )
    })

    it('names the missing permission, without failing the backup', async () => {
      await keepAliveRun({ initialCommitAgeDays: 50, forbidActions: true })
      expect(mocked.setFailed).not.toHaveBeenCalled()
      expect(mocked.warning).toHaveBeenCalledWith(
        expect.stringContaining('Give the job "actions: write" in the workflow\'s permissions')
      )
    })
  })

  it('fails on an invalid input before any request, setting only results', async () => {
    given({ 'tool-id': TOOL, 'max-download-size': 'huge' })
    await run()
    expect(mocked.setFailed).toHaveBeenCalledWith(
      'max-download-size: "huge" is not a size, e.g. 1073741824, 500MiB or 2GiB'
    )
    expect(mocked.outputs()).toEqual({ results: '[]' })
    expect(kore.requests).toHaveLength(0)
    expect(github.requests).toHaveLength(0)
  })
})
