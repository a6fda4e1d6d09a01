// Second round of attacks on resource: app backups, defaults (env-variables: redact,
// artifact-secrets: redact, secret-scan: refuse), run against the bundle as the runner does.
// Each test states what must hold (written by an outside tester; each found a gap, now closed).
import { afterEach, describe, expect, it } from '@jest/globals'
import { runAction } from '../scripts/run-action.js'
import { startArtifactService } from './fakes/artifact-service.js'
import { startGithubApi } from './fakes/github-api.js'
import { startKoreServer } from './fakes/kore-server.js'
import { buildZip } from './fakes/zip.js'
import { holds } from './helpers/artifact-contents.js'

type Kore = Awaited<ReturnType<typeof startKoreServer>>
type Github = Awaited<ReturnType<typeof startGithubApi>>

const APP = 'aa-attack-2'

describe('attack 2: app export', () => {
  let kore: Kore | undefined
  let github: Github | undefined
  afterEach(async () => {
    await kore?.close()
    await github?.close()
    kore = github = undefined
  })

  const run = async (inputs: Record<string, string> = {}) => {
    const service = await startArtifactService()
    const done = await runAction(
      {
        host: kore?.url ?? '',
        resource: 'app',
        'api-key': kore?.apiKey ?? '',
        'poll-interval': '1',
        'github-token': github?.token ?? '',
        'app-id': APP,
        'app-version': 'v1',
        commit: 'true',
        ...inputs
      },
      { env: { ...github?.env, ...service.env } }
    ).finally(() => service.close())
    return { ...done, artifacts: service.artifacts }
  }
  const inCommit = async (secret: string) => {
    for (const blob of github?.blobs.values() ?? [])
      if (await holds(blob as Buffer, secret)) return true
    return false
  }
  /** Where a secret can be read back after a run: git, the artifact, log, summary, outputs. */
  const leaks = async (done: Awaited<ReturnType<typeof run>>, secrets: Record<string, string>) => {
    const out: Record<string, string[]> = {}
    for (const [what, secret] of Object.entries(secrets)) {
      const where: string[] = []
      if (await inCommit(secret)) where.push('git')
      if (await holds(done.artifacts[0]?.blob, secret)) where.push('artifact')
      if (done.summary.includes(secret)) where.push('summary')
      if (JSON.stringify(done.outputs).includes(secret)) where.push('outputs')
      const log = done.stdout
        .split('\n')
        .filter(line => !line.startsWith('::add-mask::'))
        .join('\n')
      if (log.includes(secret)) where.push('log')
      if (where.length > 0) out[what] = where
    }
    return out
  }
  const serve = (files: { name: string; data: string | Buffer }[]) =>
    startKoreServer({
      apps: {
        appZipFor: () =>
          buildZip([{ name: 'app.json', data: `{"appId":"${APP}","name":"x"}` }, ...files])
      }
    })

  // ---- credentials the walker does not know (leak into git and the artifact) ----

  const unknownKeys: [string, unknown, string][] = [
    [
      'X-Auth-Token header',
      { headers: { 'X-Auth-Token': 'xat-live-5f3e1d9c7b' } },
      'xat-live-5f3e1d9c7b'
    ],
    [
      'bearer field',
      { auth: { type: 'bearer', bearer: 'brr-live-2c4e6a8b0d' } },
      'brr-live-2c4e6a8b0d'
    ],
    ['pat field', { git: { pat: 'pat-live-9a7b5c3d1e' } }, 'pat-live-9a7b5c3d1e'],
    ['passphrase', { signing: { passphrase: 'pph-live-1q2w3e4r5t' } }, 'pph-live-1q2w3e4r5t'],
    [
      'credentials object',
      { credentials: { user: 'svc', pass: 'crd-live-6y7u8i9o0p' } },
      'crd-live-6y7u8i9o0p'
    ],
    ['dotted key auth.token', { 'auth.token': 'dot-live-3e5r7t9y1u' }, 'dot-live-3e5r7t9y1u'],
    ['password in an array', { password: ['arr-live-8h6g4f2d0s'] }, 'arr-live-8h6g4f2d0s'],
    [
      'Authorization as an object',
      { headers: { Authorization: { scheme: 'Bearer', credentials: 'obj-live-4k6j8h0g2f' } } },
      'obj-live-4k6j8h0g2f'
    ],
    [
      'header pairs [[name, value]]',
      { headers: [['Authorization', 'Bearer prs-live-7m5n3b1v9c']] },
      'prs-live-7m5n3b1v9c'
    ],
    [
      'header list {headerName, headerValue}',
      { headers: [{ headerName: 'Authorization', headerValue: 'Bearer hnv-live-0z2x4c6v8b' }] },
      'hnv-live-0z2x4c6v8b'
    ],
    [
      'connection string with Password=',
      {
        db: { connectionString: 'Server=db.example.com;User Id=svc;Password=cns-live-5t4r3e2w1q' }
      },
      'cns-live-5t4r3e2w1q'
    ],
    [
      'password in a URL',
      { db: { dsn: 'postgres://svc:dsn-live-9o8i7u6y5t@db.example.com/x' } },
      'dsn-live-9o8i7u6y5t'
    ],
    ['numeric password', { auth: { username: 'svc', password: 73910482615 } }, '73910482615']
  ]
  for (const [name, config, secret] of unknownKeys) {
    it(`does not commit or upload a credential held as: ${name}`, async () => {
      kore = await serve([
        {
          name: 'mcp_servers.json',
          data: JSON.stringify([
            { id: 'mcp-1', url: 'https://crm.example.com', ...(config as object) }
          ])
        }
      ])
      github = await startGithubApi()
      const done = await run()
      // Either redacted (exit 0) or refused (exit 1): never in clear.
      expect(await leaks(done, { [name]: secret })).toEqual({})
    })
  }

  it('does not commit header lines in shapes HEADER_LINE misses (keyed, multi-line, X-Auth-Token)', async () => {
    const secrets = {
      keyed: 'hdk-live-1a3s5d7f9g',
      multiline: 'hdm-live-2s4d6f8g0h',
      xauth: 'hdx-live-3d5f7g9h1j',
      inVariable: 'hdv-live-4f6g8h0j2k'
    }
    kore = await serve([
      {
        name: 'tools/api.json',
        data: JSON.stringify({
          id: 't-api',
          headersText: `Authorization: Bearer ${secrets.keyed}`,
          rawHeaders: [
            `Content-Type: application/json\nAuthorization: Bearer ${secrets.multiline}`
          ],
          extraHeaders: [`X-Auth-Token: ${secrets.xauth}`],
          params: [{ name: 'hdr', value: `Authorization: Bearer ${secrets.inVariable}` }]
        })
      }
    ])
    github = await startGithubApi()
    const done = await run()
    expect(await leaks(done, secrets)).toEqual({})
  })

  it('does not commit a credential inside JSON text in a string, or a curl line in a code tool', async () => {
    const secrets = { jsonText: 'jst-live-5g7h9j1k3l', curl: 'crl-live-6h8j0k2l4z' }
    kore = await serve([
      {
        name: 'tools/code.json',
        data: JSON.stringify({
          id: 't-code',
          config: JSON.stringify({ headers: { Authorization: `Bearer ${secrets.jsonText}` } }),
          script: `await fetch(url, { headers: { 'Authorization': 'Bearer ${secrets.curl}' } })`
        })
      }
    ])
    github = await startGithubApi()
    const done = await run()
    expect(await leaks(done, secrets)).toEqual({})
  })

  it('does not commit a credential in a comment of a JSONC file, or in a JSONC file that starts with a comment', async () => {
    const secrets = { comment: 'cmt-live-7j9k1l3z5x', leadingComment: 'lcm-live-8k0l2z4x6c' }
    kore = await serve([
      {
        name: 'config/settings.jsonc',
        data: `{\n  // old: "apiKey": "${secrets.comment}"\n  "timeout": 30\n}\n`
      },
      {
        name: 'config/auth.jsonc',
        data: `// auth profile\n{ "apiKey": "${secrets.leadingComment}" }\n`
      }
    ])
    github = await startGithubApi()
    const done = await run()
    expect(await leaks(done, secrets)).toEqual({})
  })

  it('never shows a changed X-Auth-Token header in the change report, commit message or PR body', async () => {
    let token = 'xat-OLD-live-7h7h7h7h'
    kore = await startKoreServer({
      apps: {
        appZipFor: () =>
          buildZip([
            { name: 'app.json', data: `{"appId":"${APP}"}` },
            {
              name: 'mcp_servers.json',
              data: JSON.stringify([{ id: 'm1', headers: { 'X-Auth-Token': token } }])
            }
          ])
      }
    })
    github = await startGithubApi()
    expect((await run({ 'upload-artifact': 'false' })).exitCode).toBe(0)
    token = 'xat-NEW-live-8j8j8j8j'
    const next = await run({ 'app-version': 'v2', 'upload-artifact': 'false' })
    expect(next.exitCode).toBe(0)
    const messages = github
      .writes()
      .filter(r =>
        /\/git\/commits$/.test(
          String((r as { url?: string }).url ?? (r as { path?: string }).path ?? '')
        )
      )
      .map(r => JSON.stringify(r))
      .join('\n')
    const shown = `${next.outputs.report ?? ''}\n${next.summary}`
    expect({
      report: shown.includes('xat-NEW-live-8j8j8j8j') || shown.includes('xat-OLD-live-7h7h7h7h'),
      commitMessage: messages.includes('xat-NEW-live-8j8j8j8j')
    }).toEqual({ report: false, commitMessage: false })
  })

  // ---- over-refusal: harmless, realistic app config must back up ----

  const harmless: [string, unknown][] = [
    [
      'a prompt saying "Our secret: …" / "Be secure: …"',
      {
        prompt:
          'You are the support agent. Our secret: fast, friendly answers. Be secure: never ask for card numbers.'
      }
    ],
    [
      'a code tool with `const secret = …`',
      { code: 'const secret = context.env.API_KEY\nreturn call(secret)' }
    ],
    ['guardrails securityLevel: "high"', { guardrails: { securityLevel: 'high' } }],
    ['PII maskingType: "partial"', { pii: { maskingType: 'partial', maskChar: '*' } }],
    ['storage encryptionAlgorithm: "AES-256"', { storage: { encryptionAlgorithm: 'AES-256' } }],
    [
      'a password input field with minLength',
      { inputs: [{ name: 'pwd', type: 'password', minLength: 8 }] }
    ],
    [
      'OAuth client_secret (expected: redacted, not refused)',
      { oauth: { clientId: 'abc', client_secret: 'ocs-live-0a9s8d7f6g' } }
    ],
    [
      'clientSecret, a name docs/agentic-apps.md lists as redacted',
      { oauth: { clientId: 'abc', clientSecret: 'ocs-live-0a9s8d7f6g' } }
    ]
  ]
  for (const [name, config] of harmless) {
    it(`backs up an app holding ${name}`, async () => {
      kore = await serve([
        { name: 'agents/support.json', data: JSON.stringify({ id: 'ag-1', ...(config as object) }) }
      ])
      github = await startGithubApi()
      const done = await run({ 'upload-artifact': 'false' })
      expect({
        exitCode: done.exitCode,
        error: done.exitCode ? done.stdout.split('\n').filter(l => l.startsWith('::error')) : []
      }).toEqual({
        exitCode: 0,
        error: []
      })
      expect(await inCommit('ocs-live-0a9s8d7f6g')).toBe(false)
    })
  }

  it('keeps harmless settings named like credentials as exported (no <redacted> to fill at restore)', async () => {
    const settings = {
      llm: { model: 'gpt-4o', maxTokens: 4096, tokenizer: 'cl100k', token: 'auto' },
      auth: { authorization: 'none', apiKey: '' },
      passwordPolicy: { minLength: 8 }
    }
    kore = await serve([
      { name: 'agents/support.json', data: JSON.stringify({ id: 'ag-1', ...settings }) }
    ])
    github = await startGithubApi()
    const done = await run({ 'upload-artifact': 'false' })
    expect(done.exitCode).toBe(0)
    const stored = JSON.parse(
      github.files('main', `kore-apps/${APP}`)['agents/support.json'] ?? '{}'
    )
    // An empty apiKey has no secret to hide; redacting it makes the backup need a value the
    // restore then refuses as blank (see attack2-restore).
    expect(stored.auth.apiKey).toBe('')
    expect(stored.llm.maxTokens).toBe(4096)
  })
})
