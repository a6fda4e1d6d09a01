// Second round of attacks on the resource: app restore (and its plan), run against the bundle.
import { afterEach, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { RESTORE_ENTRY, runAction } from '../scripts/run-action.js'
import { startArtifactService } from './fakes/artifact-service.js'
import { startGithubApi } from './fakes/github-api.js'
import { startKoreServer } from './fakes/kore-server.js'
import { buildZip } from './fakes/zip.js'
import { unzipped } from './helpers/artifact-contents.js'
import { tempDir } from './helpers/setup.js'

type Kore = Awaited<ReturnType<typeof startKoreServer>>
const APP = 'aa-support'

function workspaceWith(files: Record<string, string>): string {
  const workspace = tempDir('kore-workspace-')
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(workspace, 'kore-apps', APP, ...name.split('/'))
    fs.mkdirSync(path.dirname(file), { recursive: true })
    fs.writeFileSync(file, text)
  }
  return workspace
}

const appZip = (files: Record<string, unknown>) =>
  buildZip([
    { name: 'app.json', data: `{"appId":"${APP}","name":"Support"}` },
    ...Object.entries(files).map(([name, v]) => ({ name, data: JSON.stringify(v) }))
  ])

describe('attack 2: app restore', () => {
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
  /** Backs the app up with the defaults and writes the committed folder into a workspace. */
  const committed = async (zip: Buffer): Promise<string> => {
    const kore = await start({ apps: { appZipFor: () => zip } })
    const github = await startGithubApi()
    servers.push(github)
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
    return workspaceWith(github.files('main', `kore-apps/${APP}`))
  }

  it('control: fills "Authorization": "<redacted>" in a headers map by its key; refuses a blank one', async () => {
    const workspace = workspaceWith({
      'app.json': `{"appId":"${APP}"}`,
      'mcp_servers.json': '[{"id":"m1","headers":{"Authorization":"<redacted>"}}]'
    })
    const kore = await start()
    const ok = await restore(
      kore,
      {
        source: `kore-apps/${APP}`,
        'backup-before': 'false',
        'env-values': 'Authorization=Bearer filled-1234567'
      },
      workspace
    )
    expect(ok.exitCode).toBe(0)
    const files: Record<string, string> = kore.appImports[0]
      ? Object.fromEntries(await unzipped(kore.appImports[0].data))
      : {}
    expect(JSON.parse(files['mcp_servers.json'] ?? '[]')[0].headers.Authorization).toBe(
      'Bearer filled-1234567'
    )
    const blank = await restore(
      kore,
      { source: `kore-apps/${APP}`, 'backup-before': 'false', 'env-values': 'Authorization=' },
      workspace
    )
    expect(blank.exitCode).toBe(1)
    expect(blank.stdout).toContain('to a blank value')
    expect(kore.appImports).toHaveLength(1)
  })

  it("does not send one MCP server's Authorization to another server kept in another file", async () => {
    // Two tools, each in its own file, each with its own bearer header: the backup holds both
    // as "<redacted>", and one env-values line fills both with the same credential.
    const workspace = await committed(
      appZip({
        'tools/crm.json': {
          id: 'crm',
          url: 'https://crm.example.com',
          headers: { Authorization: 'Bearer crm-live-1111aaaa' }
        },
        'tools/erp.json': {
          id: 'erp',
          url: 'https://erp.other-vendor.example',
          headers: { Authorization: 'Bearer erp-live-2222bbbb' }
        }
      })
    )
    const kore = await start()
    const done = await restore(
      kore,
      {
        source: `kore-apps/${APP}`,
        'backup-before': 'false',
        'env-values': 'Authorization=Bearer crm-live-1111aaaa'
      },
      workspace
    )
    const files: Record<string, string> = kore.appImports[0]
      ? Object.fromEntries(await unzipped(kore.appImports[0].data))
      : {}
    // Expected: refused before any request, as two of one name in one file are (docs: Limit).
    expect({ exitCode: done.exitCode, erp: files['tools/erp.json'] ?? '(not imported)' }).toEqual({
      exitCode: 1,
      erp: '(not imported)'
    })
  })

  it('restores an app whose exported apiKey was empty (nothing secret to fill)', async () => {
    const workspace = await committed(
      appZip({ 'tools/lookup.json': { id: 'lookup', auth: { type: 'none', apiKey: '' } } })
    )
    const kore = await start()
    const bare = await restore(
      kore,
      { source: `kore-apps/${APP}`, 'backup-before': 'false' },
      workspace
    )
    const blank = await restore(
      kore,
      { source: `kore-apps/${APP}`, 'backup-before': 'false', 'env-values': 'apiKey=' },
      workspace
    )
    const errors = (d: { stdout: string }) =>
      d.stdout.split('\n').filter(l => l.startsWith('::error'))
    // Observed: "must set apiKey" without it, "blank value" with it: the app cannot be restored.
    expect({ bare: errors(bare), blank: errors(blank) }).toEqual({
      bare: [],
      blank: expect.anything()
    })
    expect(kore.appImports).toHaveLength(1)
  })

  it('plan of a promotion never shows an X-Auth-Token header of either environment', async () => {
    const stagingToken = 'stg-xat-live-3c3c3c3c3c'
    const productionToken = 'prd-xat-live-4d4d4d4d4d'
    const zipWith = (token: string) =>
      appZip({
        'mcp_servers.json': [
          { id: 'm1', url: 'https://crm.example.com', headers: { 'X-Auth-Token': token } }
        ]
      })
    const staging = await start({
      apiKey: 'staging-key',
      apps: { appZipFor: () => zipWith(stagingToken) }
    })
    const production = await start({
      apiKey: 'production-key',
      apps: { appZipFor: () => zipWith(productionToken) }
    })
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
    const shown = `${done.outputs.plan ?? ''}\n${done.summary}\n${done.stdout}`
    expect({
      staging: shown.includes(stagingToken),
      production: shown.includes(productionToken)
    }).toEqual({ staging: false, production: false })
  })

  it('control: plan of a promotion hides a changed Authorization header', async () => {
    const zipWith = (token: string) =>
      appZip({ 'mcp_servers.json': [{ id: 'm1', headers: { Authorization: `Bearer ${token}` } }] })
    const staging = await start({
      apiKey: 'staging-key',
      apps: { appZipFor: () => zipWith('stg-auth-5e5e5e5e') }
    })
    const production = await start({
      apiKey: 'production-key',
      apps: { appZipFor: () => zipWith('prd-auth-6f6f6f6f') }
    })
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
    const shown = `${done.outputs.plan ?? ''}\n${done.summary}`
    expect(shown).not.toContain('stg-auth-5e5e5e5e')
    expect(shown).not.toContain('prd-auth-6f6f6f6f')
  })
})
