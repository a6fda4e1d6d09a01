// Runs restore/action.yml's bundle (dist/restore/index.js) as the runner does, against the fake
// Kore.ai server; the round trip starts from a real backup the export bundle committed.
import { afterEach, describe, expect, it } from '@jest/globals'
import { visit } from 'jsonc-parser'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { extractZip } from '../src/backup/archive.js'
import { RESTORE_ENTRY, runAction } from '../scripts/run-action.js'
import { startGithubApi } from './fakes/github-api.js'
import { startKoreServer } from './fakes/kore-server.js'
import { sampleExport } from './fakes/zip.js'
import { tempDir } from './helpers/setup.js'

type Kore = Awaited<ReturnType<typeof startKoreServer>>

const TOOL = 'a-4f1c0000-aaaa-5bbb-8ccc-9ddddddddddb'
const SECRET = 'secret-token'

/** JSON's tokens as written (numbers and strings keep their text), whitespace left out. */
function tokens(json: Buffer | string | undefined): string[] {
  const text = String(json ?? '')
  const found: string[] = []
  const raw = (_value: unknown, offset: number, length: number): void => {
    found.push(text.slice(offset, offset + length))
  }
  visit(text, {
    onObjectProperty: raw,
    onLiteralValue: raw,
    onObjectBegin: () => void found.push('{'),
    onObjectEnd: () => void found.push('}'),
    onArrayBegin: () => void found.push('['),
    onArrayEnd: () => void found.push(']')
  })
  return found
}

/** The export as Kore.ai served it: file name → bytes. */
async function exportedFiles(toolId: string): Promise<Record<string, Buffer>> {
  const zip = path.join(tempDir(), 'export.zip')
  fs.writeFileSync(zip, sampleExport(toolId))
  return Object.fromEntries((await extractZip(zip)).map(entry => [entry.name, entry.data]))
}

describe('the bundled restore action', () => {
  let kore: Kore
  afterEach(() => kore.close())

  /** A workspace holding `files` under `folder`, as actions/checkout would leave it. */
  function workspaceWith(folder: string, files: Record<string, string | Buffer>): string {
    const workspace = tempDir('kore-workspace-')
    fs.mkdirSync(path.join(workspace, folder), { recursive: true })
    for (const [name, data] of Object.entries(files)) {
      fs.writeFileSync(path.join(workspace, folder, name), data)
    }
    return workspace
  }

  const restore = (workspace: string, inputs: Record<string, string>) =>
    runAction(
      { host: kore.url, 'api-key': kore.apiKey, 'poll-interval': '1', ...inputs },
      { entry: RESTORE_ENTRY, env: { GITHUB_WORKSPACE: workspace } }
    )

  it('restores a committed backup as a new tool, fills its secret, deploys, and round-trips', async () => {
    kore = await startKoreServer({ jobPolls: 0, deployPolls: 1 })
    const github = await startGithubApi()
    const exported = await runAction(
      {
        host: kore.url,
        'tool-id': TOOL,
        'api-key': kore.apiKey,
        'upload-artifact': 'false',
        commit: 'true',
        'github-token': github.token
      },
      {
        env: github.env
      }
    ).finally(() => github.close())
    expect(exported.exitCode).toBe(0)
    const committed = github.files('main', `kore-tools/${TOOL}`)
    expect(committed['env_variables.json']).toContain('"<redacted>"')
    const workspace = workspaceWith(`kore-tools/${TOOL}`, committed)

    const run = await restore(workspace, {
      source: `kore-tools/${TOOL}`,
      'tool-name': 'Restored tool',
      'env-values': `# from secrets\nTOKEN=${SECRET}\n`,
      deploy: 'true',
      // Both serve only the export kept before an import over a tool: said, not silently dropped.
      'flow-id': 'f-1',
      'retention-days': '5'
    })
    expect(run.stderr).toBe('')
    expect(run.stdout).toContain('::warning::flow-id is ignored: it applies only to the export')
    expect(run.stdout).toContain('::warning::retention-days is ignored')
    expect(run.exitCode).toBe(0)
    const [imported] = kore.imports
    expect(kore.imports).toHaveLength(1)
    expect(run.outputs).toEqual({
      'tool-id': imported?.toolId,
      'dock-status-id': expect.stringMatching(/^ds-/),
      status: 'SUCCESS',
      deployed: 'true',
      'deploy-status': 'SUCCESS',
      plan: expect.stringContaining('- new tool: 2 nodes'),
      'plan-file': expect.stringMatching(/kore-plan-.*tool-new-plan\.md$/),
      'before-file': '',
      'before-artifact-id': ''
    })
    expect(imported?.toolName).toBe('Restored tool')
    expect(kore.deployed).toEqual([imported?.toolId])

    // What was imported is what was exported, token for token: the filled secret included.
    const original = await exportedFiles(TOOL)
    expect(tokens(imported?.flow)).toEqual(tokens(original['flow_definition.json']))
    expect(tokens(imported?.app)).toEqual(tokens(original['app_definition.json']))
    expect(tokens(imported?.env)).toEqual(tokens(original['env_variables.json']))
    expect(tokens(imported?.flow)).toContain('12345678901234567890')

    // The secret is masked before anything else and printed nowhere else.
    expect(run.stdout).toContain(`::add-mask::${SECRET}`)
    expect(run.stdout.replace(/^::add-mask::.*$/gm, '')).not.toContain(SECRET)
    expect(run.summary).toContain('Kore.ai tool restore')
    expect(run.summary).toContain('<code>TOKEN</code>')
    expect(run.summary).not.toContain(SECRET)
  })

  it('imports an exported zip over an existing tool, uploading its files unchanged', async () => {
    kore = await startKoreServer({ knownTools: [TOOL], importAnswersFinal: true })
    const workspace = workspaceWith('backups', { 'export.zip': sampleExport(TOOL) })
    const run = await restore(workspace, {
      source: 'backups/export.zip',
      'tool-id': TOOL,
      'backup-before': 'false'
    })
    expect(run.exitCode).toBe(0)
    expect(run.outputs).toMatchObject({ 'tool-id': TOOL, status: 'SUCCESS', deployed: 'false' })
    const original = await exportedFiles(TOOL)
    expect(kore.imports[0]?.env?.equals(original['env_variables.json']!)).toBe(true)
    expect(kore.imports[0]?.flow.equals(original['flow_definition.json']!)).toBe(true)
    // The answer was already final: no status polling, no deploy.
    expect(kore.requestsTo('status')).toHaveLength(0)
    expect(kore.requestsTo('deploy')).toHaveLength(0)
    expect(kore.requestsTo('upload')).toHaveLength(3)
  })

  const redacted =
    '[{"key":"TOKEN","value":"<redacted>","isSecured":true},{"key":"URL","value":"u"}]'
  it.each([
    [
      'a redacted value with no env-values line',
      { 'env_variables.json': redacted },
      { 'tool-name': 'x' },
      'env-values: must set TOKEN: the backup holds "<redacted>" in place of their values'
    ],
    [
      'a name the backup does not have',
      { 'env_variables.json': redacted },
      { 'tool-name': 'x', 'env-values': 'TOKEN=a\nTOKEN_TYPO=b' },
      'env-values: line 2: names a variable the backup does not have (the name is not shown: the line may be part of a secret). The backup has: TOKEN, URL'
    ],
    [
      'no env_variables.json over an existing tool',
      {},
      { 'tool-id': TOOL },
      'source: has no env_variables.json, and Kore.ai requires one to import over an existing tool'
    ],
    [
      'both tool-id and tool-name',
      {},
      { 'tool-id': TOOL, 'tool-name': 'x' },
      'tool-id: give exactly one of tool-id'
    ],
    [
      'a line that is not NAME=value, without showing it',
      { 'env_variables.json': redacted },
      { 'tool-name': 'x', 'env-values': 'TOKEN=a\nhunter2' },
      'env-values: line 2: is not NAME=value or NAME<<DELIMITER (its text is not shown: it may be a secret)'
    ]
  ])('refuses %s before any request', async (_what, extra, inputs, message) => {
    kore = await startKoreServer()
    const files = { 'flow_definition.json': '{}', 'app_definition.json': '{}', ...extra }
    const run = await restore(workspaceWith('backup', files), { source: 'backup', ...inputs })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain(`::error::${message}`)
    // The runner takes ::add-mask:: lines out of the log: nothing else may show a line's text.
    const printed = run.stdout.replace(/^::add-mask::.*$/gm, '')
    expect(printed).not.toContain('hunter2')
    expect(printed).not.toContain('TOKEN_TYPO')
    expect(kore.requests).toHaveLength(0)
  })

  it('refuses a folder that is not a backup, naming what it holds', async () => {
    kore = await startKoreServer()
    const workspace = workspaceWith('other', { 'README.md': '#', 'app_definition.json': '{}' })
    const run = await restore(workspace, { source: 'other', 'tool-name': 'x' })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('::error::source: ')
    expect(run.stdout).toContain('holds no flow_definition.json: Kore.ai needs both')
    expect(kore.requests).toHaveLength(0)
  })

  describe('against a server that fails', () => {
    const backup = () =>
      workspaceWith('b', {
        'flow_definition.json': '{"nodes":[]}',
        'app_definition.json': '{"name":"t"}'
      })

    it('does not send an import again after a 502 that came once the job existed', async () => {
      kore = await startKoreServer({ importFailures: [{ status: 502, afterCreate: true }] })
      const run = await restore(backup(), { source: 'b', 'tool-name': 'x' })
      expect(run.exitCode).toBe(1)
      expect(run.stdout).toContain(
        '::error::Import into a new tool "x" failed in a way that does not tell whether Kore.ai acted on it (HTTP 502), so it was not sent again: check in Kore.ai'
      )
      expect(kore.requestsTo('import')).toHaveLength(1)
      expect(kore.imports).toHaveLength(1)
    })

    it('retries an upload 503 and an import 503 with Retry-After: Kore.ai did not act', async () => {
      kore = await startKoreServer({
        jobPolls: 0,
        uploadFailures: [{ status: 503 }],
        importFailures: [{ status: 503, retryAfter: 1 }]
      })
      const run = await restore(backup(), { source: 'b', 'tool-name': 'x' })
      expect(run.exitCode).toBe(0)
      expect(kore.requestsTo('upload')).toHaveLength(3)
      expect(kore.requestsTo('import')).toHaveLength(2)
      expect(kore.imports).toHaveLength(1)
    })

    it('fails with the reason when the import job FAILED, and does not deploy', async () => {
      kore = await startKoreServer({
        jobPolls: 0,
        importOutcome: 'FAILED',
        failLogs: ['Flow definition is invalid']
      })
      const run = await restore(backup(), { source: 'b', 'tool-name': 'x', deploy: 'true' })
      expect(run.exitCode).toBe(1)
      expect(run.stdout).toMatch(
        /::error::Kore.ai reports the import job ds-\S+ FAILED: Flow definition is invalid/
      )
      expect(run.outputs).toMatchObject({ status: 'FAILED', deployed: 'false' })
      expect(kore.requestsTo('deploy')).toHaveLength(0)
      // Nothing changed, so nothing is said to have.
      expect(run.outputs).toMatchObject({ plan: '', 'plan-file': '', 'deploy-status': '' })
      expect(run.summary).not.toContain('Imported into')
      expect(run.summary).not.toContain('What changed')
      expect(run.summary).toContain('Import into')
    })

    it('says nothing was imported when the first upload is refused', async () => {
      kore = await startKoreServer({ jobPolls: 0, uploadFailures: [{ status: 401 }] })
      const run = await restore(backup(), { source: 'b', 'tool-name': 'x' })
      expect(run.exitCode).toBe(1)
      expect(run.stdout).toContain('Upload of flow_definition.json was refused (HTTP 401)')
      expect(run.outputs).toMatchObject({ status: '', plan: '', 'plan-file': '' })
      expect(run.summary).not.toContain('Imported into')
      expect(run.summary).not.toContain('What changed')
      expect(run.summary).not.toContain('To undo')
    })

    it('gives a deploy that may have started a status of its own', async () => {
      kore = await startKoreServer({ jobPolls: 0, deployFailures: [{ status: 500 }] })
      const run = await restore(backup(), { source: 'b', 'tool-name': 'x', deploy: 'true' })
      expect(run.exitCode).toBe(1)
      expect(run.outputs).toMatchObject({
        status: 'SUCCESS',
        deployed: 'false',
        'deploy-status': 'MAY_HAVE_STARTED'
      })
      // The import did happen: its changes are reported.
      expect(run.outputs.plan).toContain('What changed in')
    })

    it('names the missing scope when the key may import but not deploy', async () => {
      kore = await startKoreServer({ jobPolls: 0, scopes: ['Import Tool'] })
      const run = await restore(backup(), { source: 'b', 'tool-name': 'x', deploy: 'true' })
      expect(run.exitCode).toBe(1)
      expect(run.stdout).toContain(
        'HTTP 403): check api-key, and that its API app has the Deploy Tool scope'
      )
      expect(run.outputs).toMatchObject({ status: 'SUCCESS', deployed: 'false' })
    })
  })
})
