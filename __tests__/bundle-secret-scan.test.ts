// The bundles' secret scan, run as the runner runs them: secretlint's rules load from the
// bundle's own chunk, the export refuses the tool that holds a secret, and the restore's plan
// does not show one.
import { afterEach, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { RESTORE_ENTRY, runAction } from '../scripts/run-action.js'
import { startGithubApi } from './fakes/github-api.js'
import { startKoreServer } from './fakes/kore-server.js'
import { buildZip, sampleExport } from './fakes/zip.js'
import { GITHUB_TOKEN } from './helpers/secrets.js'
import { tempDir } from './helpers/setup.js'

type Kore = Awaited<ReturnType<typeof startKoreServer>>

/** sampleExport with the AI node's prompt saying `prompt`. */
function withPrompt(toolId: string, prompt: string): Buffer {
  const flow = {
    toolId,
    nodes: [
      { id: 'start', type: 'start' },
      { id: 'ai', prompt }
    ]
  }
  return buildZip([
    { name: 'flow_definition.json', data: JSON.stringify(flow) },
    { name: 'app_definition.json', data: `{"name":"Tool ${toolId}"}` },
    { name: 'env_variables.json', data: '[]' }
  ])
}

describe('the bundled secret scan', () => {
  let kore: Kore
  afterEach(() => kore.close())

  it('refuses the export whose prompt holds a token, commits the other, names no value', async () => {
    kore = await startKoreServer({
      jobPolls: 0,
      zipFor: toolId =>
        toolId === 'a-leaky' ? withPrompt(toolId, `Use ${GITHUB_TOKEN}`) : sampleExport(toolId)
    })
    const github = await startGithubApi()
    try {
      const run = await runAction(
        {
          host: kore.url,
          tools: 'a-leaky\na-clean',
          'api-key': kore.apiKey,
          'poll-interval': '1',
          'upload-artifact': 'false',
          commit: 'true',
          'github-token': github.token
        },
        { env: github.env }
      )
      expect(run.exitCode).toBe(1)
      expect(run.stdout).toContain(
        'a-leaky: not committed: the secret scan flags flow_definition.json at nodes[1].prompt (line 10): @secretlint/secretlint-rule-github#GITHUB_TOKEN'
      )
      expect(Object.keys(github.files('main', 'kore-tools/a-clean'))).toHaveLength(4)
      expect(github.files('main', 'kore-tools/a-leaky')).toEqual({})
      const secret = GITHUB_TOKEN.slice(4)
      const sent = JSON.stringify(github.writes().map(write => write.body))
      for (const text of [run.stdout, run.stderr, run.summary, sent]) {
        expect(text).not.toContain(secret)
      }
    } finally {
      await github.close()
    }
  })

  it('shows no plan that quotes a token from the target, saying why', async () => {
    const TOOL = 'a-target'
    kore = await startKoreServer({
      knownTools: [TOOL],
      jobPolls: 0,
      zipFor: () => withPrompt(TOOL, `Use ${GITHUB_TOKEN}`)
    })
    const workspace = tempDir('kore-workspace-')
    fs.mkdirSync(path.join(workspace, 'b'))
    const flow = {
      toolId: TOOL,
      nodes: [
        { id: 'start', type: 'start' },
        { id: 'ai', prompt: 'Use the vault' }
      ]
    }
    fs.writeFileSync(path.join(workspace, 'b', 'flow_definition.json'), JSON.stringify(flow))
    fs.writeFileSync(path.join(workspace, 'b', 'app_definition.json'), `{"name":"Tool ${TOOL}"}`)
    fs.writeFileSync(path.join(workspace, 'b', 'env_variables.json'), '[]')
    const run = await runAction(
      {
        host: kore.url,
        'api-key': kore.apiKey,
        'poll-interval': '1',
        source: 'b',
        'tool-id': TOOL,
        plan: 'true'
      },
      { entry: RESTORE_ENTRY, env: { GITHUB_WORKSPACE: workspace } }
    )
    expect(run.exitCode).toBe(0)
    const why = 'The changes are not shown: the secret scan flags their text (the plan at line 3: @'
    expect(run.outputs.plan).toContain(why)
    expect(run.summary).toContain('The changes are not shown')
    expect(run.stdout).toContain('::warning::The changes are not shown')
    const file = fs.readFileSync(run.outputs['plan-file'] ?? '', 'utf8')
    for (const text of [run.outputs.plan ?? '', run.summary, run.stdout, file]) {
      expect(text).not.toContain(GITHUB_TOKEN.slice(4))
    }
  })
})
