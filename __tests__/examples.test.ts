// The workflows a user copies (examples/ and every YAML block of the README and of docs/): each
// step that uses this action gives only inputs its action.yml declares, and every input it
// requires.
import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { parse } from 'yaml'

type Step = { uses?: unknown; with?: Record<string, unknown> }
type Action = { inputs: Record<string, { required?: boolean; default?: unknown }> }

const actions: Record<string, Action> = {
  export: parse(fs.readFileSync('action.yml', 'utf8')),
  restore: parse(fs.readFileSync('restore/action.yml', 'utf8'))
}

const examples = fs
  .readdirSync('examples')
  .filter(name => name.endsWith('.yml'))
  .map(name => [`examples/${name}`, fs.readFileSync(path.join('examples', name), 'utf8')])
const pages = [
  'README.md',
  ...fs
    .readdirSync('docs')
    .filter(name => name.endsWith('.md'))
    .map(name => `docs/${name}`)
]
const readmeBlocks = pages.flatMap(page =>
  [...fs.readFileSync(page, 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)].map((match, index) => [
    `${page} yaml block ${index + 1}`,
    match[1] ?? ''
  ])
)

/** Every step in a workflow, a list of steps, or one step. */
function stepsOf(document: unknown): Step[] {
  if (Array.isArray(document)) return document as Step[]
  const doc = (document ?? {}) as { jobs?: Record<string, { steps?: Step[] }>; uses?: unknown }
  if (doc.jobs) return Object.values(doc.jobs).flatMap(job => job.steps ?? [])
  return doc.uses ? [doc as Step] : []
}

function actionOf(uses: unknown): Action | undefined {
  const match = String(uses).match(/^[^/\s]+\/kore-tool-export(\/restore)?@/)
  if (!match) return undefined
  return match[1] ? actions.restore : actions.export
}

describe.each([...examples, ...readmeBlocks])('%s', (_name, text) => {
  const document = parse(text ?? '')
  const steps = stepsOf(document).filter(step => actionOf(step.uses))

  it('gives only declared inputs, and every required one', () => {
    for (const step of steps) {
      const action = actionOf(step.uses) as Action
      const given = Object.keys(step.with ?? {})
      expect(given.filter(name => !(name in action.inputs))).toEqual([])
      const required = Object.entries(action.inputs)
        .filter(([, input]) => input.required && input.default === undefined)
        .map(([name]) => name)
      // What it works on: a tool (tool-id, tools, tool-name) or, with resource: app, an app.
      const named =
        step.with?.resource === 'app' ? ['app-id', 'apps'] : ['tool-id', 'tools', 'tool-name']
      // host, api-key (and the restore's source) always; tool-id or tools is checked at run time.
      expect(required.filter(name => !given.includes(name) && !name.startsWith('tool'))).toEqual([])
      expect(named.filter(name => given.includes(name)).length).toBeGreaterThan(0)
    }
  })

  it('checks out with actions/checkout@v5, as the repository itself does', () => {
    const checkouts = stepsOf(document).filter(step =>
      String(step.uses).startsWith('actions/checkout@')
    )
    for (const step of checkouts) expect(step.uses).toBe('actions/checkout@v5')
  })
})

it('has the examples the README points to', () => {
  expect(examples.length).toBeGreaterThanOrEqual(8)
  const readme = fs.readFileSync('README.md', 'utf8')
  for (const [name] of examples) expect(readme).toContain(`](${name})`)
})
