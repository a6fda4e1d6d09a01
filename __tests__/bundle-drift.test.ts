// check: true, run as the runner runs the bundle: the export is compared with the branch as a
// commit would compare it, and nothing is written to GitHub or the artifact service.
import { afterEach, describe, expect, it } from '@jest/globals'
import { runAction } from '../scripts/run-action.js'
import { startArtifactService } from './fakes/artifact-service.js'
import { startGithubApi } from './fakes/github-api.js'
import { startKoreServer } from './fakes/kore-server.js'
import { buildZip } from './fakes/zip.js'

type Kore = Awaited<ReturnType<typeof startKoreServer>>
type Github = Awaited<ReturnType<typeof startGithubApi>>

const TOOL = 'a-drift'

function exportWith(timeout: number): Buffer {
  return buildZip([
    {
      name: 'flow_definition.json',
      data: `{"nodes":[{"id":"ai","name":"Answer","type":"aiNode","timeout":${timeout}}]}`
    },
    { name: 'app_definition.json', data: '{"name":"Drift"}' },
    { name: 'env_variables.json', data: '[{"key":"TOKEN","value":"s3cret","isSecured":true}]' }
  ])
}

describe('the drift check', () => {
  let kore: Kore
  let github: Github
  let timeout = 30
  afterEach(async () => {
    await kore.close()
    await github.close()
  })

  const run = async (inputs: Record<string, string>) => {
    const service = await startArtifactService()
    const done = await runAction(
      {
        host: kore.url,
        'tool-id': TOOL,
        'api-key': kore.apiKey,
        'poll-interval': '1',
        'github-token': github.token,
        ...inputs
      },
      { env: { ...github.env, ...service.env } }
    ).finally(() => service.close())
    return { ...done, artifacts: service.artifacts.length }
  }

  it('says false when the branch holds the export, true with what differs, and writes nothing', async () => {
    timeout = 30
    kore = await startKoreServer({ jobPolls: 0, zipFor: () => exportWith(timeout) })
    github = await startGithubApi()
    expect((await run({ commit: 'true', 'upload-artifact': 'false' })).exitCode).toBe(0)
    const head = github.head('main')
    const writes = github.writes().length

    const same = await run({ check: 'true' })
    expect(same.exitCode).toBe(0)
    expect(same.outputs).toMatchObject({
      drifted: 'false',
      changed: '',
      report: '',
      'commit-sha': ''
    })
    expect(same.summary).toContain('No drift in what was compared')

    timeout = 45
    const moved = await run({ check: 'true' })
    expect(moved.exitCode).toBe(0)
    expect(moved.outputs.drifted).toBe('true')
    expect(moved.outputs.report).toContain('timeout')
    expect(moved.outputs.report).toContain('30')
    expect(moved.outputs.report).toContain('45')
    expect(moved.summary).toContain('Drift: what Kore.ai exports differs from <code>main</code>')
    expect(moved.artifacts).toBe(0)

    const failing = await run({ check: 'true', 'fail-on-drift': 'true' })
    expect(failing.exitCode).toBe(1)
    expect(failing.stdout).toContain('::error::Drift: what Kore.ai exports differs from main')
    expect(failing.outputs.drifted).toBe('true')

    expect(github.head('main')).toBe(head)
    expect(github.writes()).toHaveLength(writes)
  })

  it('leaves drifted empty when a tool could not be compared, and refuses check with commit', async () => {
    kore = await startKoreServer({ jobPolls: 0, knownTools: [TOOL] })
    github = await startGithubApi()
    const missing = await run({ check: 'true', 'tool-id': '', tools: `${TOOL}\na-missing` })
    expect(missing.exitCode).toBe(1)
    expect(missing.outputs.drifted).toBe('true') // a-drift is not on the branch at all
    const none = await run({ check: 'true', 'tool-id': 'a-missing' })
    expect(none.outputs.drifted).toBe('')
    const both = await run({ check: 'true', commit: 'true' })
    expect(both.exitCode).toBe(1)
    expect(both.stdout).toContain('::error::check: compares without committing')
    expect(github.writes()).toHaveLength(0)
  })
})
