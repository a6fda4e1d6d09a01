// The bundle (dist/index.js) against servers that misbehave on purpose: what it refuses to do.
import { afterEach, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { runAction } from '../scripts/run-action.js'
import { startGithubApi } from './fakes/github-api.js'
import { startKoreServer } from './fakes/kore-server.js'
import { buildZip, sampleExport } from './fakes/zip.js'

type Kore = Awaited<ReturnType<typeof startKoreServer>>
type Github = Awaited<ReturnType<typeof startGithubApi>>

const TOOL = 'a-4f1c0000-aaaa-5bbb-8ccc-9ddddddddddb'

/** A full disk needs a small tmpfs in a private mount namespace (root, as on these machines). */
const canMountTmpfs =
  spawnSync('unshare', ['-m', 'sh', '-c', 'mount -t tmpfs -o size=64k tmpfs /mnt']).status === 0

describe('the bundled action fails closed', () => {
  let kore: Kore
  let github: Github | undefined
  afterEach(async () => {
    await kore.close()
    await github?.close()
    github = undefined
  })

  const run = (extra: Record<string, string> = {}, env: Record<string, string> = {}) =>
    runAction(
      {
        host: kore.url,
        'tool-id': TOOL,
        'api-key': kore.apiKey,
        'poll-interval': '1',
        'upload-artifact': 'false',
        ...extra
      },
      { env }
    )

  const commitRun = (extra: Record<string, string> = {}) => {
    if (!github) throw new Error('start the fake GitHub first')
    return run({ commit: 'true', 'github-token': github.token, ...extra }, github.env)
  }

  /** An export like the sample one, with env_variables.json replaced by these bytes. */
  const exportWithEnv = (env: Buffer) =>
    buildZip([
      { name: 'flow_definition.json', data: '{"nodes":[]}' },
      { name: 'app_definition.json', data: '{"name":"t"}' },
      { name: 'env_variables.json', data: env }
    ])

  it('commits nothing of a tool whose variables cannot be read for sure', async () => {
    const invalid = Buffer.from('[{"key":"TOKEN","value":"s3cr3t\xff","isSecured":true}]', 'latin1')
    kore = await startKoreServer({ jobPolls: 0, zipFor: () => exportWithEnv(invalid) })
    github = await startGithubApi()
    const result = await commitRun()
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toMatch(
      /::error::the export cannot be imported, so it is not kept: its env_variables\.json is not valid UTF-8 text.*env-variables: omit backs the tool up without that file/
    )
    expect(github.requests).toHaveLength(0)
    // The way out the message names works: the tool is backed up without that file.
    const omitted = await commitRun({ 'env-variables': 'omit' })
    expect(omitted.exitCode).toBe(0)
    expect(Object.keys(github.files('main', `kore-tools/${TOOL}`)).sort()).toEqual([
      '.kore-tool-export.json',
      'app_definition.json',
      'flow_definition.json'
    ])
  })

  it('refuses variables kept as JSON text with a secure flag', async () => {
    const nested = JSON.stringify({
      variables: JSON.stringify([{ key: 'T', value: 's3cr3t', isSecured: true }])
    })
    kore = await startKoreServer({ jobPolls: 0, zipFor: () => exportWithEnv(Buffer.from(nested)) })
    github = await startGithubApi()
    const result = await commitRun()
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toContain(
      '"variables" holds variables as JSON text with a secure flag, which cannot be redacted in place'
    )
    expect(github.requests.filter(r => r.method !== 'GET')).toHaveLength(0)
    expect(result.stdout + result.summary).not.toContain('s3cr3t')
  })

  it('reads UTF-16 variables with loosely spelled flags, and commits them redacted', async () => {
    const text =
      '[{"Key":"TOKEN","Value":"s3cr3t","is_secured":"yes"},{"key":"PIN","value":1234,"IsSecured":1}]'
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])
    kore = await startKoreServer({ jobPolls: 0, zipFor: () => exportWithEnv(utf16) })
    github = await startGithubApi()
    const result = await commitRun()
    expect(result.exitCode).toBe(0)
    const stored = github.files('main', `kore-tools/${TOOL}`)['env_variables.json'] ?? ''
    expect(stored).not.toContain('s3cr3t')
    expect(stored).not.toContain('1234')
    expect(stored.match(/"<redacted>"/g)).toHaveLength(2)
    expect(result.stdout).toContain('secure variable(s) (TOKEN, PIN)')
  })

  const flow = (data: string) => ({ name: 'flow_definition.json', data })
  const app = (data: string) => ({ name: 'app_definition.json', data })
  const env = (data: string) => ({ name: 'env_variables.json', data })

  it('never lets a broken export replace a good backup', async () => {
    let served = sampleExport(TOOL)
    kore = await startKoreServer({ jobPolls: 0, zipFor: () => served })
    github = await startGithubApi()
    expect((await commitRun()).exitCode).toBe(0)
    const head = github.head('main')
    const writesBefore = github.requests.filter(r => r.method !== 'GET').length

    const broken: [string, { name: string; data: string }[], string][] = [
      ['empty', [], 'it holds no flow_definition.json and app_definition.json'],
      ['no app', [flow('{}'), env('[]')], 'it holds no app_definition.json'],
      ['empty flow', [flow(''), app('{}'), env('[]')], 'its flow_definition.json is empty'],
      [
        'HTML flow',
        [flow('<html>Sign in</html>'), app('{}'), env('[]')],
        'its flow_definition.json is not valid JSON'
      ],
      ['empty app', [flow('{}'), app(' '), env('[]')], 'its app_definition.json is empty'],
      [
        'no variables',
        [flow('{}'), app('{}')],
        'not committed: the export has no env_variables.json, which the backup in kore-tools/'
      ]
    ]
    for (const [what, entries, message] of broken) {
      served = buildZip(entries)
      const result = await commitRun()
      expect({ what, exitCode: result.exitCode }).toEqual({ what, exitCode: 1 })
      expect(result.stdout).toContain(message)
    }

    expect(github.head('main')).toBe(head)
    expect(github.requests.filter(r => r.method !== 'GET')).toHaveLength(writesBefore)
    expect(Object.keys(github.files('main', `kore-tools/${TOOL}`))).toHaveLength(4)
  })

  it('never runs a workflow command sent in a status, nor renders a reason as Markdown', async () => {
    kore = await startKoreServer({
      jobPolls: 1,
      outcome: 'FAILED',
      statusFailures: [
        {
          status: 200,
          body: JSON.stringify({
            status: 'IN_PROGRESS\n::stop-commands::pwned\n::set-output name=status::hacked'
          })
        }
      ],
      failLogs: ['Broken.\n\n## Injected heading [click](https://evil.example)\n::warning::x']
    })
    // A status nobody documents ends the job at once, named, and printable.
    const hostile = await run()
    expect(hostile.exitCode).toBe(1)
    const lines = hostile.stdout.split('\n')
    expect(lines.filter(line => /^::(stop-commands|set-output|warning)/.test(line))).toEqual([])
    expect(hostile.stdout).toContain('ended IN_PROGRESS\\n::stop-commands::pwned')
    expect(hostile.outputs.status).toBe(
      'IN_PROGRESS\\n::stop-commands::pwned\\n::set-output name=status::hacked'
    )

    const result = await run()
    expect(result.exitCode).toBe(1)
    expect(result.outputs.status).toBe('FAILED')
    // The reason stays inside its table cell: no raw newline, so no Markdown.
    expect(result.summary).toContain('Broken.\\n\\n## Injected heading')
    expect(result.summary.split('\n').filter(line => line.includes('Injected'))).toEqual([
      expect.stringMatching(/^<table>.*<\/table>$/)
    ])
  })

  it('ends at timeout however slowly the server trickles its answers', async () => {
    kore = await startKoreServer({ exportFailures: Array(20).fill({ trickle: true }) })
    const result = await run({ timeout: '3' })
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toMatch(
      /::error::Export of tool \S+: no complete answer within .*the tool's time ran out, timeout: 3 s/
    )
    expect(result.wallMs).toBeLessThan(6000)
  })

  it('refuses an export job id that is not a plain id', async () => {
    kore = await startKoreServer({
      exportFailures: [
        {
          status: 200,
          body: JSON.stringify({
            dockStatusId: 'ds-1',
            exportJobId: 'tool-ej-1\n::set-output name=changed::true',
            status: 'IN_PROGRESS'
          })
        }
      ]
    })
    const result = await run()
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toContain('::error::Kore.ai sent an export job id that is not a plain id')
    expect(result.stdout.split('\n').some(line => line.startsWith('::set-output'))).toBe(false)
    expect(kore.requestsTo('status')).toHaveLength(0)
  })

  ;(canMountTmpfs ? it : it.skip)(
    "stops at once on a full disk, with the disk's own error",
    async () => {
      const big = buildZip([
        { name: 'flow_definition.json', data: Buffer.alloc(3 * 1024 * 1024, 7), store: true }
      ])
      kore = await startKoreServer({ jobPolls: 0, zipFor: () => big })
      const mountTmpfs =
        'mkdir -p "$RUNNER_TEMP/kore-tool-export" && mount -t tmpfs -o size=1m tmpfs "$RUNNER_TEMP/kore-tool-export" && exec "$@"'
      const result = await runAction(
        { host: kore.url, 'tool-id': TOOL, 'api-key': kore.apiKey, 'upload-artifact': 'false' },
        { prefix: ['unshare', '-m', 'bash', '-c', mountTmpfs, 'bash'] }
      )
      expect(result.exitCode).toBe(1)
      expect(result.stdout).toContain(
        '::error::could not write the export to disk: ENOSPC: no space left on device'
      )
      expect(result.stdout).not.toContain('retrying')
      expect(kore.requestsTo('download')).toHaveLength(1)
    }
  )
})
