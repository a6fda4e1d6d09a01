// The bundle committing content a real tool (or a careless commit-path) can bring: other people's
// files, odd entry names, very large and very deep flows.
import { afterEach, describe, expect, it } from '@jest/globals'
import { runAction } from '../scripts/run-action.js'
import { startGithubApi } from './fakes/github-api.js'
import { startKoreServer } from './fakes/kore-server.js'
import { buildZip, sampleExport } from './fakes/zip.js'

type Kore = Awaited<ReturnType<typeof startKoreServer>>
type Github = Awaited<ReturnType<typeof startGithubApi>>

const TOOL = 'a-4f1c0000-aaaa-5bbb-8ccc-9ddddddddddb'
const MANIFEST = '.kore-tool-export.json'

describe('the bundled action commits hostile content safely', () => {
  let kore: Kore
  let github: Github
  afterEach(async () => {
    await kore.close()
    await github.close()
  })

  const commitRun = (extra: Record<string, string> = {}) =>
    runAction(
      {
        host: kore.url,
        'tool-id': TOOL,
        'api-key': kore.apiKey,
        'poll-interval': '1',
        'upload-artifact': 'false',
        commit: 'true',
        'github-token': github.token,
        ...extra
      },
      { env: github.env }
    )

  const writes = () => github.requests.filter(r => r.method !== 'GET').length

  it('never deletes files it did not write: a folder of people’s files is refused', async () => {
    kore = await startKoreServer({ jobPolls: 0 })
    github = await startGithubApi()
    github.commitFiles('main', { 'docs/guide.md': '# Guide\n', 'docs/adr/0001.md': '# ADR\n' })
    const before = writes()
    const run = await commitRun({ 'commit-path': 'docs' })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain(
      'not committed: docs holds files this action did not write (adr/0001.md, guide.md)'
    )
    expect(writes()).toBe(before)
    expect(Object.keys(github.files('main', 'docs')).sort()).toEqual(['adr/0001.md', 'guide.md'])
  })

  it('adopts a backup made before manifests, then deletes only what its manifest lists', async () => {
    let served = sampleExport(TOOL)
    kore = await startKoreServer({ jobPolls: 0, zipFor: () => served })
    github = await startGithubApi()
    const folder = `kore-tools/${TOOL}`
    github.commitFiles('main', {
      [`${folder}/flow_definition.json`]: '{"nodes":[]}\n',
      [`${folder}/app_definition.json`]: '{}\n'
    })
    expect((await commitRun()).exitCode).toBe(0)
    const manifest = JSON.parse(github.files('main', folder)[MANIFEST] ?? '{}')
    expect(manifest.files).toEqual([
      'app_definition.json',
      'env_variables.json',
      'flow_definition.json'
    ])

    // A file the export wrote once and no longer has goes; a file someone added stops the run.
    served = buildZip([
      ...['flow_definition.json', 'app_definition.json', 'env_variables.json'].map(name => ({
        name,
        data: name === 'env_variables.json' ? '[]' : '{}'
      })),
      { name: 'notes.json', data: '{}' }
    ])
    expect((await commitRun()).exitCode).toBe(0)
    served = buildZip([
      { name: 'flow_definition.json', data: '{"v":2}' },
      { name: 'app_definition.json', data: '{}' },
      { name: 'env_variables.json', data: '[]' }
    ])
    expect((await commitRun()).exitCode).toBe(0)
    expect(Object.keys(github.files('main', folder)).sort()).toEqual([
      MANIFEST,
      'app_definition.json',
      'env_variables.json',
      'flow_definition.json'
    ])
    github.commitFiles('main', { [`${folder}/README.md`]: 'mine\n' })
    served = sampleExport(TOOL)
    const refused = await commitRun()
    expect(refused.exitCode).toBe(1)
    expect(refused.stdout).toContain('holds files this action did not write (README.md)')
    expect(github.files('main', folder)['README.md']).toBe('mine\n')
    // Refused is not "unchanged": the branch never held this export.
    expect(refused.outputs.changed).toBe('')
    expect(JSON.parse(refused.outputs.results ?? '')[0]).toMatchObject({ changed: null })
    expect(refused.summary).not.toContain('No change')
  })

  it('leaves out only the tool whose entry names GitHub would refuse, and names it', async () => {
    const odd = buildZip([
      { name: 'flow_definition.json', data: '{}' },
      { name: 'app_definition.json', data: '{}' },
      { name: '.git/config', data: '[core]' }
    ])
    kore = await startKoreServer({
      jobPolls: 0,
      zipFor: toolId => (toolId === 'a-odd' ? odd : sampleExport(toolId))
    })
    github = await startGithubApi()
    const run = await commitRun({ 'tool-id': '', tools: 'a-good\na-odd' })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toMatch(/::error::.*a-odd/)
    expect(run.stdout).toContain('.git/config has an empty, ".", ".." or ".git" part')
    expect(Object.keys(github.files('main', 'kore-tools/a-good'))).toHaveLength(4)
    expect(github.files('main', 'kore-tools/a-odd')).toEqual({})
  })

  it('commits a large minified flow, re-indented, every token as exported', async () => {
    const nodes = Array.from({ length: 5000 }, (_, i) => ({
      id: `n${i}`,
      type: 'genai',
      prompt: `Step ${i}: ${'say something helpful '.repeat(6)}`,
      limit: 'BIG'
    }))
    // Written as text: a number JSON.parse cannot hold must reach the commit as exported.
    const flow = JSON.stringify({ nodes })
      .replace('"BIG"', '12345678901234567891')
      .replaceAll('"BIG"', '12345678901234567890')
    expect(flow.length).toBeGreaterThan(800 * 1024)
    kore = await startKoreServer({
      jobPolls: 0,
      zipFor: () =>
        buildZip([
          { name: 'flow_definition.json', data: flow },
          { name: 'app_definition.json', data: '{}' },
          { name: 'env_variables.json', data: '[]' }
        ])
    })
    github = await startGithubApi()
    const run = await commitRun()
    expect(run.exitCode).toBe(0)
    const stored = github.files('main', `kore-tools/${TOOL}`)['flow_definition.json'] ?? ''
    expect(JSON.parse(stored)).toEqual(JSON.parse(flow))
    expect(stored.match(/12345678901234567890/g)).toHaveLength(4999)
    expect(stored).toContain('\n      "limit": 12345678901234567891\n')
    expect(stored.split('\n')).toHaveLength(5000 * 6 + 5)
  })

  it.each(['keep', 'redact'])(
    'never shows a secure value in the report with env-variables: %s, whatever the shape',
    async mode => {
      let env =
        '{"TOKEN":{"value":"old-secret-1","isSecured":false},"LIST":[{"variableName":"K","value":"old-secret-2"}]}'
      kore = await startKoreServer({
        jobPolls: 0,
        zipFor: () =>
          buildZip([
            { name: 'flow_definition.json', data: '{"nodes":[]}' },
            { name: 'app_definition.json', data: '{}' },
            { name: 'env_variables.json', data: env }
          ])
      })
      github = await startGithubApi()
      expect((await commitRun({ 'env-variables': mode })).exitCode).toBe(0)
      env =
        '{"TOKEN":{"value":"new-secret-1","isSecured":true},"LIST":[{"variableName":"K","value":"new-secret-2","secure":1}]}'
      const run = await commitRun({ 'env-variables': mode, 'pull-request': 'true' })
      expect(run.exitCode).toBe(0)
      expect(run.outputs.report).toContain('value changed')
      const pull = github.pulls[0]
      const shown = [
        run.outputs.report,
        run.summary,
        github.history(pull?.head ?? '')[0]?.message,
        pull?.body
      ]
      for (const text of shown) expect(text).not.toMatch(/secret-/)
    }
  )

  it('ends the commit stage at commit-timeout when GitHub stops answering', async () => {
    kore = await startKoreServer({ jobPolls: 0 })
    github = await startGithubApi({ hangOn: 'POST /git/trees' })
    const run = await commitRun({ 'commit-timeout': '2' })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('the commit stage took longer than commit-timeout allows (2 s)')
    expect(run.outputs).toMatchObject({ status: 'SUCCESS', changed: '' })
    expect(run.summary).toContain('commit-timeout')
    expect(github.history('main')).toHaveLength(1)
  })

  it('refuses a flow nested past 512 levels with a clear error, and still reports', async () => {
    const deep = '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000)
    kore = await startKoreServer({
      jobPolls: 0,
      zipFor: () =>
        buildZip([
          { name: 'flow_definition.json', data: deep },
          { name: 'app_definition.json', data: '{}' }
        ])
    })
    github = await startGithubApi()
    const run = await commitRun()
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain('its flow_definition.json nests deeper than 512 levels')
    expect(run.outputs.status).toBe('SUCCESS')
    expect(run.summary).toContain('nests deeper than 512 levels')
    expect(writes()).toBe(0)
  })
})
