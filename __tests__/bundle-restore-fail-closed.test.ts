// The restore bundle as the runner runs it, against backups and answers that must stop it: no
// blank or placeholder secret uploaded, no other tool deployed, no secret printed.
import { afterEach, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { RESTORE_ENTRY, runAction } from '../scripts/run-action.js'
import { startKoreServer } from './fakes/kore-server.js'
import { buildZip } from './fakes/zip.js'
import { tempDir } from './helpers/setup.js'

type Kore = Awaited<ReturnType<typeof startKoreServer>>

const TOOL = 'a-mine'
const OTHER = 'a-someone-elses'
const REDACTED_TOKEN =
  '[{"key":"TOKEN","value":"<redacted>","isSecured":true},{"key":"URL","value":"u"}]'

describe('the bundled restore action fails closed', () => {
  let kore: Kore
  afterEach(() => kore.close())

  function workspaceWith(files: Record<string, string | Buffer>): string {
    const workspace = tempDir('kore-workspace-')
    fs.mkdirSync(path.join(workspace, 'b'))
    for (const [name, data] of Object.entries(files)) {
      fs.writeFileSync(path.join(workspace, 'b', name), data)
    }
    return workspace
  }

  const backup = (env?: string): Record<string, string> => ({
    'flow_definition.json': '{"nodes":[]}',
    'app_definition.json': '{"name":"t"}',
    ...(env === undefined ? {} : { 'env_variables.json': env })
  })

  const restore = (workspace: string, inputs: Record<string, string>) =>
    runAction(
      { host: kore.url, 'api-key': kore.apiKey, 'poll-interval': '1', source: 'b', ...inputs },
      { entry: RESTORE_ENTRY, env: { GITHUB_WORKSPACE: workspace } }
    )

  it.each([
    ['an empty value', 'TOKEN='],
    ['a blank value', 'TOKEN=   ']
  ])('refuses %s for a redacted secret before any request', async (_what, line) => {
    kore = await startKoreServer()
    const run = await restore(workspaceWith(backup(REDACTED_TOKEN)), {
      'tool-name': 'x',
      'env-values': `URL=v\n${line}`,
      deploy: 'true'
    })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain(
      '::error::env-values: line 2: sets the secret TOKEN to a blank value: its workflow secret is probably missing in this environment'
    )
    expect(kore.requests).toHaveLength(0)
  })

  const group =
    '[{"name":"payments","value":"grp","items":[{"key":"PAY_TOKEN","value":"<redacted>","isSecured":true}]}]'

  it('requires and fills a secure variable inside a group, as the export redacted it', async () => {
    kore = await startKoreServer({ jobPolls: 0 })
    const missing = await restore(workspaceWith(backup(group)), { 'tool-name': 'x' })
    expect(missing.exitCode).toBe(1)
    expect(missing.stdout).toContain('::error::env-values: must set PAY_TOKEN:')
    expect(kore.requests).toHaveLength(0)

    const filled = await restore(workspaceWith(backup(group)), {
      'tool-name': 'x',
      'env-values': 'PAY_TOKEN=pay-secret-1'
    })
    expect(filled.exitCode).toBe(0)
    const env = String(kore.imports[0]?.env)
    expect(env).toContain('"key":"PAY_TOKEN","value":"pay-secret-1"')
    expect(env).not.toContain('<redacted>')
  })

  it('never uploads a file that still holds the placeholder, whatever its shape', async () => {
    kore = await startKoreServer()
    const run = await restore(workspaceWith(backup('{"PAY_TOKEN":"<redacted>"}')), {
      'tool-name': 'x'
    })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain(
      '::error::source: its env_variables.json still holds "<redacted>" at PAY_TOKEN'
    )
    expect(kore.requests).toHaveLength(0)
  })

  it.each([
    ['import-answer', "Kore.ai's import answer names tool a-someone-elses"],
    ['import-status', "Kore.ai's import job status names tool a-someone-elses"],
    ['deploy-answer', "Kore.ai's deploy answer names tool a-someone-elses"],
    ['deploy-status', "Kore.ai's deploy job status names tool a-someone-elses"]
  ])('over tool-id, never deploys or reports the tool the %s names', async (where, message) => {
    kore = await startKoreServer({
      knownTools: [TOOL, OTHER],
      jobPolls: 0,
      deployPolls: 1,
      namesOtherTool: { [where]: OTHER }
    })
    const run = await restore(workspaceWith(backup('[]')), { 'tool-id': TOOL, deploy: 'true' })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain(`${message}, but this step works on tool ${TOOL}`)
    const deploys = kore.requestsTo('deploy').map(request => request.path)
    expect(deploys).toEqual(where.startsWith('import') ? [] : [`/api/public/tools/${TOOL}/deploy`])
    expect(run.outputs['tool-id']).toBe(TOOL)
    expect(run.outputs.deployed).toBe('false')
  })

  it.each([
    ['import-status-running', 'import', []],
    ['deploy-status-running', 'deploy', [`/api/public/tools/${TOOL}/deploy`]]
  ])(
    'stops at a %s status naming another tool, though the job ends right',
    async (where, kind, deploys) => {
      kore = await startKoreServer({
        knownTools: [TOOL, OTHER],
        jobPolls: 1,
        deployPolls: 1,
        namesOtherTool: { [where]: OTHER }
      })
      const run = await restore(workspaceWith(backup('[]')), { 'tool-id': TOOL, deploy: 'true' })
      expect(run.exitCode).toBe(1)
      expect(run.stdout).toContain(
        `Kore.ai's ${kind} job status names tool ${OTHER}, but this step works on tool ${TOOL}`
      )
      expect(kore.requestsTo('deploy').map(request => request.path)).toEqual(deploys)
      expect(run.outputs.deployed).toBe('false')
    }
  )

  it('for a new tool, deploys the tool the import answer names only when the status agrees', async () => {
    kore = await startKoreServer({ jobPolls: 0, namesOtherTool: { 'import-status': OTHER } })
    const run = await restore(workspaceWith(backup()), { 'tool-name': 'x', deploy: 'true' })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain(`status names tool ${OTHER}, but this step works on tool a-`)
    expect(kore.requestsTo('deploy')).toHaveLength(0)
    expect(run.outputs['tool-id']).toBe(kore.imports[0]?.toolId)
  })

  it.each([
    [
      'an empty flow_definition.json',
      { 'flow_definition.json': '' },
      'its flow_definition.json is empty'
    ],
    [
      'merge-conflict text',
      { 'app_definition.json': '<<<<<<< HEAD\n{"name":"a"}\n=======\n{"name":"b"}\n>>>>>>> x\n' },
      'its app_definition.json is not valid JSON'
    ],
    [
      'invalid bytes',
      { 'env_variables.json': Buffer.from([0x5b, 0xff, 0x5d]) },
      'its env_variables.json is not valid UTF-8 text'
    ]
  ])('checks the backup before any request: %s', async (_what, files, message) => {
    kore = await startKoreServer()
    const run = await restore(workspaceWith({ ...backup(), ...files }), { 'tool-name': 'x' })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain(`is not an importable backup: ${message}`)
    expect(kore.requests).toHaveLength(0)
  })

  it('refuses a zip that holds one file in two letter cases', async () => {
    kore = await startKoreServer()
    const zip = buildZip([
      { name: 'flow_definition.json', data: '{}' },
      { name: 'app_definition.json', data: '{}' },
      { name: 'FLOW_DEFINITION.JSON', data: '{"other":1}' }
    ])
    const run = await restore(workspaceWith({ 'export.zip': zip }), {
      source: 'b/export.zip',
      'tool-name': 'x'
    })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('one file in two letter cases')
    expect(kore.requests).toHaveLength(0)
  })

  it('takes a multi-line secret in heredoc form, and never echoes a pasted line', async () => {
    kore = await startKoreServer({ jobPolls: 0 })
    const pem =
      '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC==\n-----END PRIVATE KEY-----'
    const pasted = await restore(workspaceWith(backup(REDACTED_TOKEN)), {
      'tool-name': 'x',
      'env-values': 'TOKEN=first-part-of-a-wrapped-key\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC=='
    })
    expect(pasted.exitCode).toBe(1)
    expect(pasted.stdout).toContain(
      '::error::env-values: line 2: names a variable the backup does not have (the name is not shown: the line may be part of a secret). The backup has: TOKEN, URL'
    )
    const printed = pasted.stdout.replace(/^::add-mask::.*$/gm, '')
    expect(printed).not.toContain('MIIEvQ')
    expect(pasted.stdout).toContain('::add-mask::MIIEvQIBADANBgkqhkiG9w0BAQEFAASC==')
    expect(kore.requests).toHaveLength(0)

    const heredoc = await restore(workspaceWith(backup(REDACTED_TOKEN)), {
      'tool-name': 'x',
      'env-values': `TOKEN<<EOF\n${pem}\nEOF`
    })
    expect(heredoc.exitCode).toBe(0)
    expect(JSON.parse(String(kore.imports[0]?.env))[0].value).toBe(pem)
    expect(heredoc.stdout.replace(/^::add-mask::.*$/gm, '')).not.toContain('MIIEvQ')
  })

  it('reads only regular files and folders: a FIFO is refused at once', async () => {
    kore = await startKoreServer()
    const workspace = workspaceWith(backup())
    execFileSync('mkfifo', [path.join(workspace, 'pipe.zip')])
    const run = await restore(workspace, { source: 'pipe.zip', 'tool-name': 'x', timeout: '5' })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('is neither a regular file nor a folder')
    expect(kore.requests).toHaveLength(0)
  })

  it.each([
    ['a 502 once the job existed', { status: 502, afterCreate: true }],
    ['a 200 that is not JSON', { status: 200, body: '<html>ok</html>', afterCreate: true }],
    ['a 500 once the job existed', { status: 500, afterCreate: true }]
  ])('says the import may have started after %s', async (_what, failure) => {
    kore = await startKoreServer({ importFailures: [failure] })
    const run = await restore(workspaceWith(backup()), { 'tool-name': 'x', deploy: 'true' })
    expect(run.exitCode).toBe(1)
    expect(run.outputs.status).toBe('MAY_HAVE_STARTED')
    expect(run.summary).toContain('may have started')
    expect(run.summary).not.toContain('<td>Import</td><td>not started')
    expect(kore.requestsTo('import')).toHaveLength(1)
    expect(kore.requestsTo('deploy')).toHaveLength(0)
  })

  it('says the deploy may have started after a 502, and does not send it again', async () => {
    kore = await startKoreServer({ jobPolls: 0, deployFailures: [{ status: 502 }] })
    const run = await restore(workspaceWith(backup()), { 'tool-name': 'x', deploy: 'true' })
    expect(run.exitCode).toBe(1)
    expect(run.outputs).toMatchObject({ status: 'SUCCESS', deployed: 'false' })
    expect(run.summary).toContain('<td>Deploy</td><td>may have started')
    expect(kore.requestsTo('deploy')).toHaveLength(1)
  })

  it('stops when the status of a job belongs to another job', async () => {
    kore = await startKoreServer({
      knownTools: [TOOL],
      jobPolls: 1,
      statusFailures: [
        { status: 200, body: JSON.stringify({ status: 'SUCCESS', action: 'EXPORT', toolId: TOOL }) }
      ]
    })
    const run = await restore(workspaceWith(backup('[]')), {
      'tool-id': TOOL,
      deploy: 'true',
      'backup-before': 'false'
    })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('with that of another kind of job (action EXPORT)')
    expect(kore.requestsTo('deploy')).toHaveLength(0)
  })

  it('reads a tool named under response, as the other answers spell it', async () => {
    kore = await startKoreServer({
      knownTools: [TOOL],
      jobPolls: 1,
      statusFailures: [
        { status: 200, body: JSON.stringify({ status: 'SUCCESS', response: { toolId: OTHER } }) }
      ]
    })
    const run = await restore(workspaceWith(backup('[]')), {
      'tool-id': TOOL,
      deploy: 'true',
      'backup-before': 'false'
    })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain(`import job status names tool ${OTHER}`)
    expect(kore.requestsTo('deploy')).toHaveLength(0)
  })

  it('refuses a backup file that is a link, not a regular file', async () => {
    kore = await startKoreServer()
    const workspace = workspaceWith({ 'app_definition.json': '{}' })
    fs.writeFileSync(path.join(workspace, 'elsewhere.json'), '{}')
    fs.symlinkSync(
      path.join(workspace, 'elsewhere.json'),
      path.join(workspace, 'b', 'flow_definition.json')
    )
    const run = await restore(workspace, { 'tool-name': 'x' })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('flow_definition.json is not a regular file')
    expect(kore.requests).toHaveLength(0)
  })

  it('hides the api key in a long server reason before cutting it', async () => {
    const apiKey = 'k'.repeat(10) + 'SECRETKEYTAIL0123456789'
    kore = await startKoreServer({
      apiKey,
      jobPolls: 0,
      importOutcome: 'FAILED',
      failLogs: [`${'x'.repeat(990)} ${apiKey}`]
    })
    const run = await restore(workspaceWith(backup()), { 'tool-name': 'x' })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('FAILED: xxxx')
    for (const text of [run.stdout.replace(/^::add-mask::.*$/gm, ''), run.summary]) {
      expect(text).not.toContain('kkkkkkkk')
    }
  })
})
