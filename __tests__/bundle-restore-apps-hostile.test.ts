// The restore with resource: app under attack, run as the runner runs the bundle (written by an
// outside tester against the first version; each now pins the defence). Import answers that
// are ambiguous after Kore.ai acted (through a forwarding proxy in front of the fake host),
// env-values applied across files, what a backup folder may smuggle into the upload, promotion.
import { afterEach, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as http from 'node:http'
import * as path from 'node:path'
import { RESTORE_ENTRY, runAction } from '../scripts/run-action.js'
import { startArtifactService } from './fakes/artifact-service.js'
import { startKoreServer } from './fakes/kore-server.js'
import { unzipped } from './helpers/artifact-contents.js'
import { tempDir } from './helpers/setup.js'

type Kore = Awaited<ReturnType<typeof startKoreServer>>

const APP = 'aa-support'

/** An app folder as the export action commits it (redacted). */
function workspaceWith(files: Record<string, string>): string {
  const workspace = tempDir('kore-workspace-')
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(workspace, 'kore-apps', APP, ...name.split('/'))
    fs.mkdirSync(path.dirname(file), { recursive: true })
    fs.writeFileSync(file, text)
  }
  return workspace
}

const BACKUP = {
  '.kore-tool-export.json': JSON.stringify({ app: APP, appVersion: 'v1' }),
  'app.json': '{"appId":"aa-support","name":"Support"}',
  'tools/t-1.json':
    '{"id":"t-1","envVariables":[{"key":"LOOKUP_TOKEN","value":"<redacted>","isSecured":true}]}'
}

type Reply = { status: number; headers?: Record<string, string>; body: string }

/**
 * A proxy in front of the fake host: everything is forwarded; the import's real answer is
 * replaced by `reply` once the host has acted on it.
 */
async function proxyOf(kore: Kore, reply: Reply) {
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const body = Buffer.concat(chunks)
    const headers: Record<string, string> = {}
    for (const [k, v] of Object.entries(req.headers)) {
      if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v
    }
    const upstream = await fetch(`${kore.url}${req.url}`, {
      method: req.method,
      headers,
      body: req.method === 'GET' ? undefined : body
    })
    const data = Buffer.from(await upstream.arrayBuffer())
    if (req.url?.startsWith('/api/public/apps/import')) {
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers })
      return res.end(reply.body)
    }
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? '' })
    res.end(data)
  })
  await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()))
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  return {
    url,
    close: () =>
      new Promise(r => {
        server.closeAllConnections()
        server.close(r)
      })
  }
}

describe('an app restore under attack', () => {
  const servers: { close: () => Promise<unknown> }[] = []
  afterEach(async () => {
    await Promise.all(servers.splice(0).map(server => server.close()))
  })
  const start = async (options: Parameters<typeof startKoreServer>[0] = {}) => {
    const kore = await startKoreServer(options)
    servers.push(kore)
    return kore
  }
  const restore = async (
    host: string,
    apiKey: string,
    inputs: Record<string, string>,
    workspace = ''
  ) => {
    const service = await startArtifactService()
    servers.push(service)
    const done = await runAction(
      {
        host,
        resource: 'app',
        'api-key': apiKey,
        'app-id': APP,
        'poll-interval': '1',
        ...inputs
      },
      { entry: RESTORE_ENTRY, env: { ...service.env, GITHUB_WORKSPACE: workspace } }
    )
    return { ...done, artifacts: service.artifacts }
  }
  const fromBackup = {
    source: `kore-apps/${APP}`,
    'backup-before': 'false',
    'env-values': 'LOOKUP_TOKEN=restored-token-1'
  }

  const ambiguous: [string, Reply][] = [
    ['HTTP 500 after the import acted', { status: 500, body: '{"errors":[{"msg":"Internal"}]}' }],
    ['HTTP 200 with a body that is not JSON', { status: 200, body: '<html>gateway</html>' }],
    [
      'HTTP 200 success naming another app',
      { status: 200, body: '{"status":"success","appId":"aa-other"}' }
    ],
    ['HTTP 200 status IN_PROGRESS', { status: 200, body: '{"status":"IN_PROGRESS"}' }]
  ]
  for (const [name, reply] of ambiguous) {
    it(`${name}: MAY_HAVE_STARTED`, async () => {
      const kore = await start()
      const proxy = await proxyOf(kore, reply)
      servers.push(proxy)
      const done = await restore(proxy.url, kore.apiKey, fromBackup, workspaceWith(BACKUP))
      expect(done.exitCode).toBe(1)
      expect(kore.appImports).toHaveLength(1) // the host did import
      // Tool restore (restore-tool.ts mayHaveStarted) treats 5xx and unexpected answers so.
      const summaryImport = /<td>Import<\/td><td>([^<]*)<\/td>/.exec(done.summary)?.[1]
      expect({ status: done.outputs.status, summaryImport }).toEqual({
        status: 'MAY_HAVE_STARTED',
        summaryImport: expect.stringContaining('may have started')
      })
    })
  }

  it('HTTP 500 after the import acted, with backup-before: the summary gives the undo', async () => {
    const kore = await start()
    const proxy = await proxyOf(kore, { status: 500, body: '{"errors":[{"msg":"Internal"}]}' })
    servers.push(proxy)
    const done = await restore(
      proxy.url,
      kore.apiKey,
      { ...fromBackup, 'backup-before': 'true', 'app-version': 'v7' },
      workspaceWith(BACKUP)
    )
    expect(done.exitCode).toBe(1)
    expect(kore.appImports).toHaveLength(1)
    expect(done.outputs['before-file']).not.toBe('')
    // The undo steps, since the app may have changed.
    expect(done.summary).toMatch(/undo/i)
  })

  it('HTTP 502 after the import acted is MAY_HAVE_STARTED and not repeated', async () => {
    const kore = await start()
    const proxy = await proxyOf(kore, { status: 502, body: 'bad gateway' })
    servers.push(proxy)
    const done = await restore(proxy.url, kore.apiKey, fromBackup, workspaceWith(BACKUP))
    expect(done.exitCode).toBe(1)
    expect(done.outputs.status).toBe('MAY_HAVE_STARTED')
    expect(kore.appImports).toHaveLength(1)
  })

  it('sets a secret only where it is redacted, never into a plain variable of the same name', async () => {
    const kore = await start()
    const workspace = workspaceWith({
      ...BACKUP,
      'tools/t-2.json':
        '{"id":"t-2","envVariables":[{"key":"LOOKUP_TOKEN","value":"public-sandbox-token","isSecured":false}]}'
    })
    const done = await restore(kore.url, kore.apiKey, fromBackup, workspace)
    expect(done.exitCode).toBe(0)
    const files = Object.fromEntries(await unzipped(kore.appImports[0]?.data))
    // t-2 keeps its own non-secure value; only t-1 gets the secret.
    expect(files['tools/t-2.json']).toContain('public-sandbox-token')
    expect(files['tools/t-2.json']).not.toContain('restored-token-1')
  })

  it('refuses a placeholder in a file that cannot be filled (not JSON), before any request', async () => {
    const kore = await start()
    const workspace = workspaceWith({
      ...BACKUP,
      'tools/.kore-tool-export.json': '{"app":"x"}',
      'tools/kore-secrets.age': 'age-encryption.org/v1 ...',
      'tools/t-1.env': 'LOOKUP_TOKEN=<redacted>\n'
    })
    const done = await restore(kore.url, kore.apiKey, fromBackup, workspace)
    expect(done.exitCode).toBe(1)
    expect(done.stdout).toContain('its tools/t-1.env holds "<redacted>"')
    expect(kore.requests).toHaveLength(0)
  })

  it('a blank secret, a symlink in the folder, an unknown name: refused before any request', async () => {
    const kore = await start()
    const blank = await restore(
      kore.url,
      kore.apiKey,
      { ...fromBackup, 'env-values': 'LOOKUP_TOKEN=' },
      workspaceWith(BACKUP)
    )
    expect(blank.exitCode).toBe(1)
    expect(blank.stdout).toContain('blank value')
    const linked = workspaceWith(BACKUP)
    fs.symlinkSync('/etc/passwd', path.join(linked, 'kore-apps', APP, 'tools', 'passwd.json'))
    const link = await restore(kore.url, kore.apiKey, fromBackup, linked)
    expect(link.exitCode).toBe(1)
    expect(link.stdout).toContain('is not a regular file')
    const unknown = await restore(
      kore.url,
      kore.apiKey,
      { ...fromBackup, 'env-values': 'LOOKUP_TOKEN=x12345678\nNOPE=y' },
      workspaceWith(BACKUP)
    )
    expect(unknown.exitCode).toBe(1)
    expect(kore.requests).toHaveLength(0)
  })

  it('promotion: refuses a source file_url on another origin than source-host, importing nothing', async () => {
    const elsewhere = await start({ apiKey: 'third-key' })
    // Staging answers a file_url on a third host's origin (docs: "the URL is on the host's origin").
    const third = await fetch(`${elsewhere.url}/api/public/apps/aa-x/versions/v1/export`, {
      headers: { 'x-api-key': 'third-key' }
    }).then(r => r.json() as Promise<{ file_url: string }>)
    const stagingWithUrl = await start({
      apiKey: 'staging-key',
      apps: { appExportAnswerExtra: { file_url: third.file_url } }
    })
    const production = await start({ apiKey: 'production-key' })
    const done = await restore(production.url, 'production-key', {
      'source-host': stagingWithUrl.url,
      'source-app-id': 'aa-staging',
      'source-app-version': 'v3',
      'source-api-key': 'staging-key',
      'backup-before': 'false'
    })
    // Keys held: no key reached the third host.
    expect(elsewhere.requests.slice(1).every(r => !r.headers['x-api-key'])).toBe(true)
    expect(done.exitCode).toBe(1)
    expect(done.stdout).toContain('points its file_url at')
    expect(production.appImports).toHaveLength(0)
  })
})
