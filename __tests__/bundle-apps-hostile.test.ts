// resource: app backups under attack, with the defaults (env-variables: redact, artifact-secrets:
// redact, secret-scan: refuse): secrets in shapes a variables walker would miss, in non-JSON
// entries, nested zips, UTF-16; hostile export answers. Run against the bundle, as the runner does.
// (Written by an outside tester against the first version; each now pins the defence.)
import { afterEach, describe, expect, it } from '@jest/globals'
import * as http from 'node:http'
import { runAction } from '../scripts/run-action.js'
import { startArtifactService } from './fakes/artifact-service.js'
import { startGithubApi } from './fakes/github-api.js'
import { startKoreServer } from './fakes/kore-server.js'
import { buildZip } from './fakes/zip.js'
import { holds } from './helpers/artifact-contents.js'

type Kore = Awaited<ReturnType<typeof startKoreServer>>
type Github = Awaited<ReturnType<typeof startGithubApi>>

const APP = 'aa-attack-1'

/** A flagged secure variable the walker does find (so its value is a known secret of the run). */
const FLAGGED_TOOL = {
  name: 'tools/t-1.json',
  data: '{"id":"t-1","envVariables":[{"key":"LOOKUP_TOKEN","value":"app-secret-token","isSecured":true}]}'
}

describe('an app export under attack', () => {
  let kore: Kore | undefined
  let github: Github | undefined
  const others: http.Server[] = []
  afterEach(async () => {
    await kore?.close()
    await github?.close()
    for (const s of others.splice(0)) {
      s.closeAllConnections()
      await new Promise(r => s.close(r))
    }
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
        'app-id': APP,
        commit: 'true',
        ...inputs
      },
      { env: { ...github?.env, ...service.env } }
    ).finally(() => service.close())
    return { ...done, artifacts: service.artifacts }
  }

  /** Raw bytes of every blob the fake GitHub stored (reachable or not). */
  const committedBlobs = (): Buffer[] => [...(github?.blobs.values() ?? [])] as Buffer[]
  const inCommit = async (secret: string) => {
    for (const blob of committedBlobs()) if (await holds(blob, secret)) return true
    return false
  }

  it('redacts credentials in unflagged fields (an MCP headers map, apiKey/token/password) in git, the artifact and the report', async () => {
    const secrets = {
      header: 'Bearer crm-live-7d1f2a9b4c',
      apiKey: 'ak-live-3c5e7a9b1d2f',
      password: 'pw-live-5b7d9f1h3j',
      token: 'tk-live-8a6c4e2g0i',
      listed: 'x-api-key: lst-live-2468ace0'
    }
    const zipOf = (header: string) =>
      buildZip([
        { name: 'app.json', data: '{"appId":"aa-attack-1","name":"x"}' },
        FLAGGED_TOOL,
        {
          name: 'mcp_servers.json',
          data: JSON.stringify([
            {
              id: 'mcp-1',
              url: 'https://crm.example.com/mcp',
              headers: { Authorization: header },
              rawHeaders: [secrets.listed]
            }
          ])
        },
        {
          name: 'auth_profiles.json',
          data: JSON.stringify({
            profiles: [
              {
                name: 'crm',
                auth: { apiKey: secrets.apiKey, password: secrets.password, token: secrets.token }
              }
            ]
          })
        }
      ])
    const header = secrets.header
    kore = await startKoreServer({ apps: { appZipFor: () => zipOf(header) } })
    github = await startGithubApi()
    const done = await run({ 'app-version': 'v1' })
    expect(done.exitCode).toBe(0)
    const leakedToGit: string[] = []
    const leakedToArtifact: string[] = []
    for (const [what, secret] of Object.entries(secrets)) {
      if (await inCommit(secret)) leakedToGit.push(what)
      if (await holds(done.artifacts[0]?.blob, secret)) leakedToArtifact.push(what)
    }
    // The flagged one is redacted (control):
    expect(await inCommit('app-secret-token')).toBe(false)
    // None of these in clear, anywhere.
    expect({ leakedToGit, leakedToArtifact }).toEqual({ leakedToGit: [], leakedToArtifact: [] })
  })

  it('never shows a changed unflagged MCP header in the change report', async () => {
    let header = 'Bearer crm-live-OLD-7d1f2a9b'
    const zipOf = () =>
      buildZip([
        { name: 'app.json', data: '{"appId":"aa-attack-1"}' },
        {
          name: 'mcp_servers.json',
          data: JSON.stringify([{ id: 'mcp-1', headers: { Authorization: header } }])
        }
      ])
    kore = await startKoreServer({ apps: { appZipFor: zipOf } })
    github = await startGithubApi()
    expect((await run({ 'app-version': 'v1', 'upload-artifact': 'false' })).exitCode).toBe(0)
    header = 'Bearer crm-live-NEW-1a2b3c4d'
    const next = await run({ 'app-version': 'v2', 'upload-artifact': 'false' })
    expect(next.exitCode).toBe(0)
    const report = `${next.outputs.report ?? ''}\n${next.summary}`
    expect(report).not.toContain('crm-live-OLD-7d1f2a9b')
    expect(report).not.toContain('crm-live-NEW-1a2b3c4d')
  })

  it('refuses the artifact and the commit when a .env / .yaml entry holds a known secret', async () => {
    kore = await startKoreServer({
      apps: {
        appZipFor: () =>
          buildZip([
            { name: 'app.json', data: '{"appId":"aa-attack-1"}' },
            FLAGGED_TOOL,
            { name: 'tools/t-1.env', data: 'LOOKUP_TOKEN=app-secret-token\n' },
            { name: 'config.yaml', data: 'crm:\n  api_key: yk-live-13579bdf\n' }
          ])
      }
    })
    github = await startGithubApi()
    const done = await run({ 'app-version': 'v1' })
    // Control: the commit is refused by the known-secret scan (the .env copy), nothing written.
    expect(done.exitCode).toBe(1)
    expect(done.stdout).toContain('known secret: secure variable LOOKUP_TOKEN')
    expect(await inCommit('app-secret-token')).toBe(false)
    // The redacted copy is scanned before upload: the .env copy of the value stops it.
    expect(done.artifacts).toHaveLength(0)
    expect(done.stdout).toContain('no artifact was uploaded: its redacted copy would still hold')
  })

  it('refuses an app holding a nested zip, which neither the redaction nor the scan can read', async () => {
    const inner = buildZip([FLAGGED_TOOL])
    kore = await startKoreServer({
      apps: {
        appZipFor: () =>
          buildZip([
            { name: 'app.json', data: '{"appId":"aa-attack-1"}' },
            { name: 'tools/t-1.json', data: '{"id":"t-1"}' },
            { name: 'attachments/tool-backup.zip', data: inner }
          ])
      }
    })
    github = await startGithubApi()
    const done = await run({ 'app-version': 'v1' })
    expect(done.exitCode).toBe(1)
    expect(done.stdout).toContain('holds an archive, attachments/tool-backup.zip')
    expect(await inCommit('app-secret-token')).toBe(false)
    expect(done.artifacts).toHaveLength(0)
    expect(github?.writes()).toHaveLength(0)
  })

  it('reads UTF-16 text by its byte order mark in the secret scan, so a known secret there is refused', async () => {
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('notes: LOOKUP_TOKEN is app-secret-token\n', 'utf16le')
    ])
    kore = await startKoreServer({
      apps: {
        appZipFor: () =>
          buildZip([
            { name: 'app.json', data: '{"appId":"aa-attack-1"}' },
            FLAGGED_TOOL,
            { name: 'tools/t-1-notes.txt', data: utf16 }
          ])
      }
    })
    github = await startGithubApi()
    const done = await run({ 'app-version': 'v1', 'upload-artifact': 'false' })
    // Control: the same text in UTF-8 is refused by the known-secret scan (see A2's commit).
    expect(done.exitCode).toBe(1)
    expect(await inCommit('app-secret-token')).toBe(false)
  })

  it('upper-case .JSON, UTF-16 JSON with BOM, arrays of values are redacted; scalar root and flag-in-text refuse', async () => {
    const utf16Json = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(
        '{"envVariables":[{"key":"U16","value":"u16-secret-value","isSecured":true}]}',
        'utf16le'
      )
    ])
    kore = await startKoreServer({
      apps: {
        appZipFor: () =>
          buildZip([
            { name: 'app.json', data: '{"appId":"aa-attack-1"}' },
            {
              name: 'tools/UPPER.JSON',
              data: '{"envVariables":[{"key":"UP","value":"upper-secret-value","isSecured":true}]}'
            },
            { name: 'tools/u16.json', data: utf16Json },
            {
              name: 'tools/list.json',
              data: '{"vars":[{"key":"L","values":["list-secret-one","list-secret-two"],"isSecured":true}]}'
            }
          ])
      }
    })
    github = await startGithubApi()
    const done = await run({ 'app-version': 'v1' })
    expect(done.exitCode).toBe(0)
    for (const s of [
      'upper-secret-value',
      'u16-secret-value',
      'list-secret-one',
      'list-secret-two'
    ]) {
      expect(await inCommit(s)).toBe(false)
      expect(await holds(done.artifacts[0]?.blob, s)).toBe(false)
      expect(done.stdout).not.toContain(s)
      expect(done.summary).not.toContain(s)
    }
    await kore.close()
    kore = await startKoreServer({
      apps: {
        appZipFor: () =>
          buildZip([
            { name: 'app.json', data: '{"appId":"aa-attack-1"}' },
            { name: 'version.json', data: '"1.0"' }
          ])
      }
    })
    const scalar = await run({ 'app-version': 'v1' })
    expect(scalar.exitCode).toBe(1)
    expect(scalar.stdout).toContain('version.json cannot be redacted for sure')
    await kore.close()
    kore = await startKoreServer({
      apps: {
        appZipFor: () =>
          buildZip([
            { name: 'app.json', data: '{"appId":"aa-attack-1"}' },
            {
              name: 'tools/t.json',
              data: JSON.stringify({
                config: JSON.stringify([{ key: 'K', value: 'nested-secret-xyz', isSecured: true }])
              })
            }
          ])
      }
    })
    const nested = await run({ 'app-version': 'v1' })
    expect(nested.exitCode).toBe(1)
    expect(nested.artifacts).toHaveLength(0)
    expect(await inCommit('nested-secret-xyz')).toBe(false)
  })

  it('refuses an export answer naming another version than the one asked for', async () => {
    kore = await startKoreServer({ apps: { appExportAnswerExtra: { version: 'version9.9' } } })
    github = await startGithubApi()
    const done = await run({ 'app-version': 'version1.0', 'upload-artifact': 'false' })
    const manifest = github.files('main', `kore-apps/${APP}`)['.kore-tool-export.json'] ?? ''
    expect(manifest).toBe('')
    expect(done.exitCode).toBe(1)
    expect(done.stdout).toContain('names version version9.9 of app aa-attack-1, not version1.0')
  })

  it('sends no api key to a file_url on another origin; refuses an expired URL and a zip slip', async () => {
    const seen: http.IncomingHttpHeaders[] = []
    const zip = buildZip([{ name: 'app.json', data: '{"appId":"aa-attack-1"}' }, FLAGGED_TOOL])
    const other = http.createServer((req, res) => {
      seen.push(req.headers)
      res.writeHead(200, { 'content-type': 'application/zip' })
      res.end(zip)
    })
    others.push(other)
    await new Promise<void>(r => other.listen(0, '127.0.0.1', () => r()))
    const port = (other.address() as { port: number }).port
    kore = await startKoreServer({
      apps: { appExportAnswerExtra: { file_url: `http://127.0.0.1:${port}/evil.zip` } }
    })
    github = await startGithubApi()
    const done = await run({ 'app-version': 'v1', commit: 'false', 'upload-artifact': 'false' })
    expect(seen.length).toBeGreaterThan(0)
    for (const h of seen) expect(JSON.stringify(h)).not.toContain(kore.apiKey)
    expect(done.exitCode).toBe(0)
    await kore.close()

    kore = await startKoreServer({ apps: { fileUrlTtlSeconds: -10 } })
    const expired = await run({ 'app-version': 'v1', commit: 'false', 'upload-artifact': 'false' })
    expect(expired.exitCode).toBe(1)
    expect(expired.stdout).toContain('may have expired')
    await kore.close()

    kore = await startKoreServer({
      apps: {
        appZipFor: () =>
          buildZip([
            { name: 'app.json', data: '{}' },
            { name: '../../evil.json', data: '{}' }
          ])
      }
    })
    const slip = await run({ 'app-version': 'v1', commit: 'false', 'upload-artifact': 'false' })
    expect(slip.exitCode).toBe(1)
    expect(slip.stdout).toContain('unsafe archive')
  })
})
