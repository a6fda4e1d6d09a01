// What a workflow artifact holds of the secure values, run as the runner runs both bundles: by
// default a redacted copy; `keep` (the values in clear) only where the repository is private,
// told by the event payload or GitHub's API, and refused before any export otherwise.
import { afterEach, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { RESTORE_ENTRY, runAction } from '../scripts/run-action.js'
import { startArtifactService } from './fakes/artifact-service.js'
import { startGithubApi } from './fakes/github-api.js'
import { startKoreServer } from './fakes/kore-server.js'
import { buildZip, sampleExport } from './fakes/zip.js'
import { unzipped } from './helpers/artifact-contents.js'
import { tempDir } from './helpers/setup.js'

type Kore = Awaited<ReturnType<typeof startKoreServer>>
type Service = Awaited<ReturnType<typeof startArtifactService>>
type Github = Awaited<ReturnType<typeof startGithubApi>>

const TOOL = 'a-secrets'

/** An event file as the runner writes one; `repository` as GitHub puts it in the payload. */
function eventFile(repository?: object): string {
  const file = path.join(tempDir(), 'event.json')
  fs.writeFileSync(file, JSON.stringify(repository ? { repository } : { schedule: '0 3 * * *' }))
  return file
}

describe('artifact-secrets on the bundled export', () => {
  let kore: Kore
  let service: Service
  let github: Github | undefined
  afterEach(async () => {
    await kore.close()
    await service.close()
    await github?.close()
    github = undefined
  })

  const exportWith = async (inputs: Record<string, string>, env: Record<string, string>) => {
    service = await startArtifactService()
    return runAction(
      { host: kore.url, 'api-key': kore.apiKey, 'tool-id': TOOL, 'poll-interval': '1', ...inputs },
      { env: { ...service.env, GITHUB_REPOSITORY: 'acme/backups', ...env } }
    )
  }

  it('refuses keep in a public repository before any export', async () => {
    kore = await startKoreServer({ jobPolls: 0 })
    const event = eventFile({ full_name: 'acme/backups', private: false, visibility: 'public' })
    const run = await exportWith({ 'artifact-secrets': 'keep' }, { GITHUB_EVENT_PATH: event })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain(
      '::error::artifact-secrets: keep is refused: this repository is public'
    )
    expect(kore.requests).toHaveLength(0)
    expect(service.artifacts).toHaveLength(0)
  })

  it('refuses keep when neither the event nor GitHub can say (a token GitHub does not take)', async () => {
    kore = await startKoreServer({ jobPolls: 0 })
    github = await startGithubApi({ visibility: 'private' })
    const run = await exportWith(
      { 'artifact-secrets': 'keep', 'github-token': 'not-a-token' },
      { GITHUB_EVENT_PATH: eventFile(), GITHUB_API_URL: github.url }
    )
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('whether this repository is public cannot be told')
    expect(run.stdout).toContain('HTTP 401')
    expect(kore.requests).toHaveLength(0)
  })

  it('keeps the export byte for byte in a private repository, asking GitHub when the event does not say', async () => {
    kore = await startKoreServer({ jobPolls: 0 })
    github = await startGithubApi({ visibility: 'private' })
    const run = await exportWith(
      { 'artifact-secrets': 'keep', 'github-token': github.token },
      { GITHUB_EVENT_PATH: eventFile(), GITHUB_API_URL: github.url }
    )
    expect(run.exitCode).toBe(0)
    expect(github.requests.map(r => `${r.method} ${r.path}`)).toEqual(['GET /repos/acme/backups'])
    const [artifact] = service.artifacts
    expect(artifact?.name).toBe(`kore-tool-${TOOL}.zip`)
    expect(artifact?.blob?.equals(sampleExport(TOOL))).toBe(true)
    expect(run.summary).toContain('secure values in clear')
    expect(run.stdout).toContain('holds env_variables.json unredacted')
  })

  it('asks GitHub though the event says private: a re-run replays an event from before', async () => {
    kore = await startKoreServer({ jobPolls: 0 })
    github = await startGithubApi({ visibility: 'public' })
    const event = eventFile({ full_name: 'acme/backups', private: true, visibility: 'private' })
    const run = await exportWith(
      { 'artifact-secrets': 'keep', 'github-token': github.token },
      { GITHUB_EVENT_PATH: event, GITHUB_API_URL: github.url }
    )
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('keep is refused: this repository is public')
    expect(kore.requests).toHaveLength(0)
    expect(service.artifacts).toHaveLength(0)
  })

  it('keeps in an internal repository', async () => {
    kore = await startKoreServer({ jobPolls: 0 })
    github = await startGithubApi({ visibility: 'internal' })
    const event = eventFile({ full_name: 'acme/backups', private: true, visibility: 'internal' })
    const run = await exportWith(
      { 'artifact-secrets': 'keep', 'github-token': github.token },
      { GITHUB_EVENT_PATH: event, GITHUB_API_URL: github.url }
    )
    expect(run.exitCode).toBe(0)
    expect(service.artifacts[0]?.blob?.equals(sampleExport(TOOL))).toBe(true)
  })

  it('puts only the importable files in the redacted copy: a stray copy could hold anything', async () => {
    const secret = '[{"key":"TOKEN","value":"LEAK-ME","isSecured":true}]'
    kore = await startKoreServer({
      jobPolls: 0,
      zipFor: () =>
        buildZip([
          { name: 'flow_definition.json', data: '{"nodes":[]}' },
          { name: 'app_definition.json', data: '{"name":"x"}' },
          { name: 'env_variables.json', data: secret },
          { name: 'old/env_variables.json.bak', data: secret }
        ])
    })
    const run = await exportWith({}, {})
    expect(run.exitCode).toBe(0)
    const [artifact] = service.artifacts
    expect(artifact?.blob?.includes('LEAK-ME')).toBe(false)
    expect((await unzipped(artifact?.blob)).map(([name]) => name)).toEqual([
      'flow_definition.json',
      'app_definition.json',
      'env_variables.json'
    ])
  })

  it('uploads no artifact when the variables cannot be redacted for sure, and keeps the file', async () => {
    const env = '[{"key":"TOKEN","value":"s3cret-value","isSecured":"perhaps"}]'
    kore = await startKoreServer({
      jobPolls: 0,
      zipFor: () =>
        buildZip([
          { name: 'flow_definition.json', data: '{"nodes":[]}' },
          { name: 'app_definition.json', data: '{"name":"x"}' },
          { name: 'env_variables.json', data: env }
        ])
    })
    const run = await exportWith({}, {})
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toMatch(
      /::error::.*env_variables\.json cannot be redacted for sure \(.*\), so no artifact was uploaded/
    )
    expect(run.stdout).not.toContain('s3cret-value')
    expect(service.artifacts).toHaveLength(0)
    expect(fs.existsSync(run.outputs.file ?? '')).toBe(true)
    expect(fs.readdirSync(run.runnerTemp).filter(n => n.startsWith('kore-artifact-'))).toEqual([])
  })
})

describe('artifact-secrets on the bundled restore', () => {
  let kore: Kore
  afterEach(() => kore.close())

  it('refuses keep for the before-import artifact in a public repository, before any request', async () => {
    kore = await startKoreServer({ knownTools: [TOOL], jobPolls: 0 })
    const service = await startArtifactService()
    const folder = tempDir('kore-backup-')
    fs.writeFileSync(path.join(folder, 'flow_definition.json'), '{"nodes":[]}')
    fs.writeFileSync(path.join(folder, 'app_definition.json'), '{"name":"x"}')
    fs.writeFileSync(path.join(folder, 'env_variables.json'), '[]')
    const event = eventFile({ full_name: 'acme/backups', private: false, visibility: 'public' })
    const run = await runAction(
      {
        host: kore.url,
        'api-key': kore.apiKey,
        source: folder,
        'tool-id': TOOL,
        'artifact-secrets': 'keep'
      },
      {
        entry: RESTORE_ENTRY,
        env: { ...service.env, GITHUB_REPOSITORY: 'acme/backups', GITHUB_EVENT_PATH: event }
      }
    ).finally(() => service.close())
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain(
      '::error::artifact-secrets: keep is refused: this repository is public'
    )
    expect(kore.requests).toHaveLength(0)
  })
})
