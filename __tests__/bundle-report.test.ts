// Two backups through the bundle, in pull-request mode: a reviewer reads from the pull request,
// the commit message and the job summary what changed inside the tool, never a secure value.
import { afterEach, describe, expect, it } from '@jest/globals'
import { runAction } from '../scripts/run-action.js'
import { startGithubApi } from './fakes/github-api.js'
import { startKoreServer } from './fakes/kore-server.js'
import { buildZip } from './fakes/zip.js'

const TOOL = 'a-4f1c0000-aaaa-5bbb-8ccc-9ddddddddddb'

/** A tool export; `v2` inserts a node, edits the prompt and rotates the secure token. */
function toolExport(v2: boolean): Buffer {
  const prompt = v2
    ? 'You are the billing assistant. Answer formally, cite the invoice number, and escalate disputes.'
    : 'You are the billing assistant. Answer politely, cite the invoice number, and escalate disputes.'
  const nodes = [
    { id: 'start', type: 'start' },
    ...(v2 ? [{ id: 'escalate', type: 'agent' }] : []),
    { id: 'ai', type: 'genai', prompt, model: 'gpt-4o', temperature: v2 ? 0.9 : 0.7 }
  ]
  return buildZip([
    { name: 'flow_definition.json', data: JSON.stringify({ nodes }) },
    { name: 'app_definition.json', data: JSON.stringify({ name: 'Billing', version: '1.0' }) },
    {
      name: 'env_variables.json',
      data: JSON.stringify([
        { key: 'TOKEN', value: v2 ? 'rotated-secret-2' : 'first-secret-1', isSecured: true }
      ])
    }
  ])
}

describe('the change report', () => {
  let kore: Awaited<ReturnType<typeof startKoreServer>>
  let github: Awaited<ReturnType<typeof startGithubApi>>
  afterEach(async () => {
    await kore.close()
    await github.close()
  })

  it('tells a reviewer what changed, in the pull request, the commit and the summary', async () => {
    let v2 = false
    kore = await startKoreServer({ jobPolls: 0, zipFor: () => toolExport(v2) })
    github = await startGithubApi()
    const backup = (pullRequest: boolean) =>
      runAction(
        {
          host: kore.url,
          'tool-id': TOOL,
          'api-key': kore.apiKey,
          'upload-artifact': 'false',
          commit: 'true',
          'pull-request': String(pullRequest),
          // Kept, so that a rotation is in the files: the report must still not show it.
          'env-variables': 'keep',
          'github-token': github.token
        },
        {
          env: github.env
        }
      )

    // The nightly backup on main; then a changed tool, proposed as a pull request against it.
    const first = await backup(false)
    expect(first.exitCode).toBe(0)
    expect(github.history('main')[0]?.message).toContain(
      '- first backup: 2 nodes (1 start, 1 genai); models: gpt-4o; 1 variable (1 secure)'
    )

    v2 = true
    const second = await backup(true)
    expect(second.exitCode).toBe(0)
    const branch = `kore-tool-export/into-main/${TOOL}`
    const [commit] = github.history(branch)
    expect(commit?.message).toBe(
      [
        `Back up Kore.ai tool ${TOOL} (export ${second.outputs['export-job-id']})`,
        '',
        '- node "escalate" (agent) added',
        '- node "ai" (genai): prompt changed',
        '- node "ai" (genai): temperature changed: 0.7 -> 0.9',
        '- variable "TOKEN": value changed'
      ].join('\n')
    )
    const body = github.pulls[0]?.body ?? ''
    expect(github.pulls).toHaveLength(1)
    expect(body).toContain(`#### What changed in <code>${TOOL}</code>`)
    expect(body).toContain('<del>politely</del><ins>formally</ins>')
    expect(body).toContain('temperature changed: <code>0.7</code> → <code>0.9</code>')
    expect(second.summary).toContain('What changed in')
    expect(second.summary).toContain('escalate')
    expect(second.outputs.report).toBe(body.slice(body.indexOf('#### What changed')))
    for (const text of [body, second.summary, commit?.message ?? '', second.outputs.report]) {
      expect(text).not.toMatch(/first-secret-1|rotated-secret-2/)
    }
  })
})
