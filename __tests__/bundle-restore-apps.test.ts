// The restore with resource: app, run as the runner runs the bundle: an app backed up to git is
// imported back from its folder (secrets from env-values, the same folder always the same zip),
// planned, kept before the import, and promoted from one environment to another by file URL.
import { afterEach, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { RESTORE_ENTRY, runAction } from '../scripts/run-action.js'
import { startArtifactService } from './fakes/artifact-service.js'
import { startGithubApi } from './fakes/github-api.js'
import { sampleAppExport } from './fakes/kore-apps.js'
import { startKoreServer } from './fakes/kore-server.js'
import { unzipped } from './helpers/artifact-contents.js'
import { cancelWhen, outputsWritten } from './helpers/cancel.js'
import { tempDir } from './helpers/setup.js'

type Kore = Awaited<ReturnType<typeof startKoreServer>>

const APP = 'aa-support'
const VALUES = 'LOOKUP_TOKEN=restored-token-1\nAuthorization=Bearer restored-header-2'

/** The app as the export action commits it, written into a workspace as checkout would. */
async function committedApp(): Promise<string> {
  const kore = await startKoreServer()
  const github = await startGithubApi()
  try {
    const done = await runAction(
      {
        host: kore.url,
        resource: 'app',
        'app-id': APP,
        'app-version': 'v1',
        'api-key': kore.apiKey,
        commit: 'true',
        'upload-artifact': 'false',
        'github-token': github.token
      },
      { env: github.env }
    )
    expect(done.exitCode).toBe(0)
    const workspace = tempDir('kore-workspace-')
    for (const [name, text] of Object.entries(github.files('main', `kore-apps/${APP}`))) {
      const file = path.join(workspace, 'kore-apps', APP, ...name.split('/'))
      fs.mkdirSync(path.dirname(file), { recursive: true })
      fs.writeFileSync(file, text)
    }
    return workspace
  } finally {
    await kore.close()
    await github.close()
  }
}

describe('the bundled restore of an app', () => {
  const servers: { close: () => Promise<unknown> }[] = []
  afterEach(async () => {
    await Promise.all(servers.splice(0).map(server => server.close()))
  })
  const start = async (options: Parameters<typeof startKoreServer>[0] = {}) => {
    const kore = await startKoreServer(options)
    servers.push(kore)
    return kore
  }

  const restore = async (kore: Kore, inputs: Record<string, string>, workspace = '') => {
    const service = await startArtifactService()
    servers.push(service)
    const done = await runAction(
      {
        host: kore.url,
        resource: 'app',
        'api-key': kore.apiKey,
        'app-id': APP,
        'poll-interval': '1',
        ...inputs
      },
      { entry: RESTORE_ENTRY, env: { ...service.env, GITHUB_WORKSPACE: workspace } }
    )
    return { ...done, artifacts: service.artifacts }
  }

  it('imports the committed folder with its secrets, keeps the version before, and rebuilds the same zip', async () => {
    const workspace = await committedApp()
    const kore = await start()
    const inputs = {
      source: `kore-apps/${APP}`,
      'app-version': 'v7',
      'env-values': VALUES
    }
    const done = await restore(kore, inputs, workspace)
    expect(done.stderr).toBe('')
    expect(done.exitCode).toBe(0)
    expect(done.outputs.status).toBe('SUCCESS')
    const [imported] = kore.appImports
    expect(imported?.query.get('importType')).toBe('FULL')
    const files = Object.fromEntries(await unzipped(imported?.data))
    expect(Object.keys(files).sort()).toEqual([
      'agents/triage.json',
      'app.json',
      'mcp_servers.json',
      'tools/t-1.json'
    ])
    expect(files['tools/t-1.json']).toContain('"restored-token-1"')
    expect(files['mcp_servers.json']).toContain('"Bearer restored-header-2"')
    expect(imported?.data.includes('<redacted>')).toBe(false)
    // The version before the import: exported first, kept redacted, and named in the undo.
    expect(kore.requestsTo('app-export')[0]?.path).toBe(
      `/api/public/apps/${APP}/versions/v7/export`
    )
    expect(done.artifacts[0]?.name).toMatch(/-redacted\.zip$/)
    expect(done.artifacts[0]?.blob?.includes('app-secret-token')).toBe(false)
    expect(done.outputs['before-artifact-id']).not.toBe('')
    expect(fs.existsSync(done.outputs['before-file'] ?? '')).toBe(true)
    expect(done.summary).toContain(`app-id: ${APP}`)
    expect(done.stdout.replace(/^::add-mask::.*$/gm, '')).not.toContain('restored-token-1')

    const again = await restore(kore, inputs, workspace)
    expect(again.exitCode).toBe(0)
    expect(kore.appImports[1]?.data.equals(imported?.data ?? Buffer.alloc(0))).toBe(true)
  })

  it('refuses a backup whose secrets are not all given, before any request', async () => {
    const workspace = await committedApp()
    const kore = await start()
    const done = await restore(
      kore,
      { source: `kore-apps/${APP}`, 'app-version': 'v1', 'env-values': 'LOOKUP_TOKEN=x1' },
      workspace
    )
    expect(done.exitCode).toBe(1)
    expect(done.stdout).toContain('Authorization')
    expect(kore.requests).toHaveLength(0)
  })

  it('plans without importing, secure values never shown', async () => {
    const workspace = await committedApp()
    const kore = await start({
      apps: { appZipFor: () => sampleAppExport(APP, 'v0') }
    })
    const done = await restore(
      kore,
      { source: `kore-apps/${APP}`, 'app-version': 'v0', 'env-values': VALUES, plan: 'true' },
      workspace
    )
    expect(done.exitCode).toBe(0)
    expect(kore.appImports).toHaveLength(0)
    expect(kore.requestsTo('upload')).toHaveLength(0)
    expect(done.outputs.plan).toContain('What this import would change in')
    expect(done.outputs.plan).toContain('prompt')
    for (const secret of ['app-secret-token', 'restored-token-1', 'mcp-secret-header']) {
      expect(done.outputs.plan).not.toContain(secret)
      expect(done.summary).not.toContain(secret)
    }
  })

  it('promotes staging to production by the export file URL, nothing copied in between', async () => {
    const staging = await start({ apiKey: 'staging-key' })
    const production = await start({ apiKey: 'production-key' })
    const done = await restore(production, {
      'source-host': staging.url,
      'source-app-id': 'aa-staging',
      'source-app-version': 'v3',
      'source-api-key': 'staging-key',
      'app-version': 'v1'
    })
    expect(done.stderr).toBe('')
    expect(done.exitCode).toBe(0)
    const [imported] = production.appImports
    expect(imported?.fileUrl.startsWith(`${staging.url}/aaa/api/v1/getMediaStream/`)).toBe(true)
    const files = Object.fromEntries(await unzipped(imported?.data))
    expect(files['app.json']).toContain('"version":"v3"')
    // Each key went to its own host only.
    expect(staging.requests.every(r => r.headers['x-api-key'] !== 'production-key')).toBe(true)
    expect(production.requests.every(r => r.headers['x-api-key'] !== 'staging-key')).toBe(true)
  })

  it('plans a promotion: compares the source export with the target, imports nothing', async () => {
    const staging = await start({ apiKey: 'staging-key' })
    const production = await start({ apiKey: 'production-key' })
    const done = await restore(production, {
      'api-key': 'production-key',
      'source-host': staging.url,
      'source-app-id': 'aa-staging',
      'source-app-version': 'v3',
      'source-api-key': 'staging-key',
      'app-version': 'v1',
      plan: 'true'
    })
    expect(done.exitCode).toBe(0)
    expect(production.appImports).toHaveLength(0)
    expect(done.outputs.plan).toContain('What this import would change in')
    expect(done.outputs.plan).toContain('v3')
    for (const secret of ['app-secret-token', 'mcp-secret-header', 'staging-key']) {
      expect(done.outputs.plan).not.toContain(secret)
    }
  })

  it('says what to do when the host refuses an uploaded file URL, and never repeats a lost import', async () => {
    const workspace = await committedApp()
    const refusing = await start({ apps: { refuseUploadUrls: true } })
    const inputs = { source: `kore-apps/${APP}`, 'backup-before': 'false', 'env-values': VALUES }
    const refused = await restore(refusing, inputs, workspace)
    expect(refused.exitCode).toBe(1)
    expect(refused.stdout).toContain('Invalid file URL')
    expect(refused.stdout).toContain('promotion from a live environment (source-host')

    const failing = await start({
      apps: { appImportAnswer: { status: 'failed', message: 'Agent limit reached' } }
    })
    const failed = await restore(failing, inputs, workspace)
    expect(failed.exitCode).toBe(1)
    expect(failed.stdout).toContain('failed: Kore.ai answered status "failed": Agent limit reached')
    expect(failed.outputs.status).toBe('FAILED')

    const lost = await start({ apps: { appImportReset: true } })
    const cut = await restore(lost, inputs, workspace)
    expect(cut.exitCode).toBe(1)
    expect(cut.outputs.status).toBe('MAY_HAVE_STARTED')
    expect(lost.requestsTo('app-import')).toHaveLength(1)
  })

  it('cancelled while the import request is under way: says it may have happened, once', async () => {
    const staging = await start({ apiKey: 'staging-key' })
    const production = await start({ apps: { appImportHang: true } })
    const cancel = cancelWhen(() => production.appImports.length > 0, 'SIGINT')
    const done = await runAction(
      {
        host: production.url,
        resource: 'app',
        'api-key': production.apiKey,
        'app-id': APP,
        'backup-before': 'false',
        'source-host': staging.url,
        'source-app-id': 'aa-staging',
        'source-app-version': 'v3',
        'source-api-key': 'staging-key'
      },
      { entry: RESTORE_ENTRY, during: cancel.during, killAfterMs: 30_000 }
    )
    expect(done.killed).toBe(false)
    expect(done.exitCode).not.toBe(0)
    expect(done.outputs.status).toBe('MAY_HAVE_STARTED')
    expect(outputsWritten(done).filter(name => name === 'status')).toHaveLength(1)
    expect(done.stdout).toContain('Kore.ai may have imported all the same')
    expect(production.requestsTo('app-import')).toHaveLength(1)
  })

  it('refuses tool inputs and a missing app-version before any request', async () => {
    const kore = await start()
    const tool = await restore(kore, { source: 'x', 'tool-id': 'a-1' })
    expect(tool.stdout).toContain('tool-id: names a tool, and resource is app')
    const noVersion = await restore(kore, { source: 'x' })
    expect(noVersion.stdout).toContain('app-version: is required with backup-before')
    const deploy = await restore(kore, { source: 'x', 'app-version': 'v1', deploy: 'true' })
    expect(deploy.stdout).toContain('deploy: is not available with resource: app')
    expect(kore.requests).toHaveLength(0)
  })
})
