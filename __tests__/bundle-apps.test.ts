// resource: app, run as the runner runs the bundle: an agentic app version exported through the
// apps API, downloaded from its signed file URL, kept redacted in the artifact and committed as
// readable files under kore-apps/<app-id>, secrets never in clear.
import { afterEach, describe, expect, it } from '@jest/globals'
import { runAction } from '../scripts/run-action.js'
import { startArtifactService } from './fakes/artifact-service.js'
import { startGithubApi } from './fakes/github-api.js'
import { sampleAppExport } from './fakes/kore-apps.js'
import { startKoreServer } from './fakes/kore-server.js'
import { buildZip } from './fakes/zip.js'
import { unzipped } from './helpers/artifact-contents.js'

type Kore = Awaited<ReturnType<typeof startKoreServer>>
type Github = Awaited<ReturnType<typeof startGithubApi>>

const APP = 'aa-53901286-support'
const SECRETS = ['app-secret-token', 'mcp-secret-header']

describe('resource: app', () => {
  let kore: Kore | undefined
  let github: Github | undefined
  afterEach(async () => {
    await kore?.close()
    await github?.close()
    kore = github = undefined
  })

  const run = async (inputs: Record<string, string>) => {
    const service = await startArtifactService()
    const done = await runAction(
      {
        host: kore?.url ?? '',
        resource: 'app',
        'api-key': kore?.apiKey ?? '',
        'poll-interval': '1',
        'github-token': github?.token ?? '',
        ...inputs
      },
      { env: { ...github?.env, ...service.env } }
    ).finally(() => service.close())
    return { ...done, artifacts: service.artifacts }
  }

  it('backs up an app version: a redacted artifact, a commit per change, versions compared', async () => {
    kore = await startKoreServer({ apps: { knownApps: [APP] } })
    github = await startGithubApi()
    const first = await run({ 'app-id': APP, 'app-version': 'version1.0', commit: 'true' })
    expect(first.stderr).toBe('')
    expect(first.exitCode).toBe(0)
    expect(kore.requestsTo('app-export')).toHaveLength(1)
    expect(kore.requestsTo('app-file')).toHaveLength(1)
    expect(kore.requestsTo('export')).toHaveLength(0)

    const [artifact] = first.artifacts
    expect(artifact?.name).toBe(`kore-app-${APP}-redacted.zip`)
    const copied = await unzipped(artifact?.blob)
    expect(copied.map(([name]) => name)).toEqual([
      'app.json',
      'agents/triage.json',
      'tools/t-1.json',
      'mcp_servers.json'
    ])
    for (const secret of SECRETS) expect(artifact?.blob?.includes(secret)).toBe(false)
    expect(JSON.parse(copied[3]?.[1] ?? '')[0].headers[0].value).toBe('<redacted>')

    const committed = github.files('main', `kore-apps/${APP}`)
    expect(Object.keys(committed).sort()).toEqual([
      '.kore-tool-export.json',
      'agents/triage.json',
      'app.json',
      'mcp_servers.json',
      'tools/t-1.json'
    ])
    for (const text of Object.values(committed)) {
      for (const secret of SECRETS) expect(text).not.toContain(secret)
    }
    // Re-indented, every number's text kept.
    expect(committed['app.json']).toContain('\n  "temperature": 0.70')
    expect(JSON.parse(committed['.kore-tool-export.json'] ?? '')).toMatchObject({
      app: APP,
      appVersion: 'version1.0'
    })
    expect(github.history('main')[0]?.message).toContain(
      `Back up Kore.ai app ${APP} (version version1.0)`
    )
    expect(JSON.parse(first.outputs.results ?? '[]')).toEqual([
      expect.objectContaining({ 'tool-id': APP, 'app-version': 'version1.0', status: 'SUCCESS' })
    ])
    expect(first.summary).toContain(
      '<td>App</td><td><code>aa-53901286-support</code></td></tr><tr><td>Version</td>'
    )
    expect(first.summary).toContain('secure values in the JSON files: <code>LOOKUP_TOKEN</code>')

    const same = await run({ 'app-id': APP, 'app-version': 'version1.0', commit: 'true' })
    expect(same.exitCode).toBe(0)
    expect(same.outputs.changed).toBe('false')

    const next = await run({ 'app-id': APP, 'app-version': 'version2.0', commit: 'true' })
    expect(next.exitCode).toBe(0)
    expect(next.outputs.changed).toBe('true')
    expect(next.outputs.report).toContain('app version `version1.0` → `version2.0`')
    expect(next.outputs.report).toContain('prompt')
    expect(github.history('main')[0]?.message).toContain('(version version2.0)')
  })

  it('checks drift without writing, and proposes a new version as a pull request', async () => {
    kore = await startKoreServer()
    github = await startGithubApi()
    const base = { 'app-id': APP, 'upload-artifact': 'false' }
    expect((await run({ ...base, 'app-version': 'v1', commit: 'true' })).exitCode).toBe(0)
    const writes = github.writes().length
    const same = await run({ ...base, 'app-version': 'v1', check: 'true' })
    expect(same.outputs.drifted).toBe('false')
    const moved = await run({ ...base, 'app-version': 'v2', check: 'true' })
    expect(moved.outputs.drifted).toBe('true')
    expect(moved.outputs.report).toContain('app version `v1` → `v2`')
    expect(github.writes()).toHaveLength(writes)

    const proposed = await run({
      ...base,
      'app-version': 'v2',
      commit: 'true',
      'pull-request': 'true'
    })
    expect(proposed.exitCode).toBe(0)
    expect(proposed.outputs['pull-request-opened']).toBe('true')
    const [pull] = github.pulls
    expect(pull?.head).toBe(`kore-tool-export/into-main/${APP}`)
    expect(pull?.body).toContain('app version `v1` → `v2`')
    for (const secret of SECRETS) expect(pull?.body).not.toContain(secret)
  })

  it('backs up a batch of apps, one failing without stopping the other', async () => {
    kore = await startKoreServer({ apps: { knownApps: [APP, 'aa-2'] } })
    github = await startGithubApi()
    const done = await run({
      apps: `${APP} version1.0\n# a comment\naa-2 v3\naa-gone v1`,
      commit: 'true',
      'upload-artifact': 'false'
    })
    expect(done.exitCode).toBe(1)
    expect(done.stdout).toContain('1 of 3 apps failed')
    expect(done.stdout).toContain('aa-gone')
    expect(Object.keys(github.files('main', 'kore-apps/aa-2'))).toContain('app.json')
    expect(Object.keys(github.files('main', `kore-apps/${APP}`))).toContain('app.json')
  })

  it('refuses to commit an app whose secrets cannot be told, naming the file', async () => {
    const zip = buildZip([
      { name: 'app.json', data: '{"name":"x"}' },
      {
        name: 'tools/odd.json',
        data: '{"envVariables":[{"key":"K","value":"in-clear-value","isSecured":"maybe"}]}'
      }
    ])
    kore = await startKoreServer({ apps: { appZipFor: () => zip } })
    github = await startGithubApi()
    const done = await run({ 'app-id': APP, 'app-version': 'v1', commit: 'true' })
    expect(done.exitCode).toBe(1)
    expect(done.stdout).toContain('tools/odd.json cannot be redacted for sure')
    expect(github.writes()).toHaveLength(0)
    // Nor is an artifact made of it.
    expect(done.artifacts).toHaveLength(0)
  })

  it('refuses tool inputs with resource: app, and app inputs without it, before any request', async () => {
    kore = await startKoreServer()
    const tool = await run({ 'tool-id': 'a-1' })
    expect(tool.exitCode).toBe(1)
    expect(tool.stdout).toContain('tool-id: names a tool, and resource is app')
    const noVersion = await run({ 'app-id': APP })
    expect(noVersion.stdout).toContain('app-version: is required with app-id')
    const omit = await run({ 'app-id': APP, 'app-version': 'v1', 'env-variables': 'omit' })
    expect(omit.stdout).toContain('omit is not available with resource: app')
    const asTool = await run({ resource: 'tool', 'app-id': APP })
    expect(asTool.stdout).toContain('app-id: names an app: set resource: app')
    expect(kore.requests).toHaveLength(0)
  })

  it('refuses an export that is not an app, or names another app, keeping nothing', async () => {
    kore = await startKoreServer({
      apps: { appZipFor: () => buildZip([{ name: 'readme.txt', data: 'hello' }]) }
    })
    const empty = await run({ 'app-id': APP, 'app-version': 'v1' })
    expect(empty.exitCode).toBe(1)
    expect(empty.stdout).toContain('the app export cannot be kept: it holds no JSON file')
    await kore.close()
    kore = await startKoreServer({
      apps: { appExportAnswerExtra: { app_id: 'aa-other' }, appZipFor: sampleAppExport }
    })
    const other = await run({ 'app-id': APP, 'app-version': 'v1' })
    expect(other.exitCode).toBe(1)
    expect(other.stdout).toContain('names app aa-other, not aa-53901286-support: nothing was kept')
    expect(kore.requestsTo('app-file')).toHaveLength(0)
  })
})
