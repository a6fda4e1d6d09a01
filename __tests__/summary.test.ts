import { afterEach, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { newExportRecord } from '../src/export/record.js'
import type { Inputs } from '../src/export/inputs.js'
import { writeSummary } from '../src/export/summary.js'
import { tempDir } from './helpers/setup.js'

// core.summary keeps the first GITHUB_STEP_SUMMARY it sees, so every test uses one file.
const file = path.join(tempDir(), 'summary.md')

describe('writeSummary', () => {
  afterEach(() => {
    delete process.env.GITHUB_STEP_SUMMARY
  })

  async function summaryOf(batch: boolean, ...errors: string[]): Promise<string> {
    fs.writeFileSync(file, '')
    process.env.GITHUB_STEP_SUMMARY = file
    const records = errors.map((error, i) => ({
      ...newExportRecord(`a-${i + 1}`, ''),
      errors: error ? [error] : []
    }))
    const inputs = {
      batch,
      host: 'https://staging.kore.example',
      resource: 'tool',
      commitPath: 'kore-tools/{tool-id}'
    } as Inputs
    await writeSummary(inputs, records, undefined)
    return fs.readFileSync(file, 'utf8')
  }

  it('escapes what the server said, so it cannot inject markup', async () => {
    const summary = await summaryOf(false, 'Kore.ai said: <img src=x onerror=alert(1)> & "more"')
    expect(summary).toContain(
      'Kore.ai said: &lt;img src=x onerror=alert(1)&gt; &amp; &quot;more&quot;'
    )
    expect(summary).not.toContain('<img')
  })

  it('says which host and how many tools of a batch made it, marking each row', async () => {
    const summary = await summaryOf(true, 'first <bad>', '', '')
    expect(summary).toContain(
      'From <code>https://staging.kore.example</code>: 2 of 3 tools backed up.'
    )
    expect(summary).toContain('<td>✗</td><td><code>a-1</code></td>')
    expect(summary).toContain('<td>✓</td><td><code>a-2</code></td>')
  })

  it('has one row per tool in a batch', async () => {
    const summary = await summaryOf(true, 'first <bad>', 'second')
    expect(summary.match(/<tr>/g)).toHaveLength(3)
    // A header cell for every column, none empty.
    expect(summary).toContain('<th>Result</th><th>Tool</th>')
    expect(summary).not.toContain('<th></th>')
    expect(summary).toContain('<td><code>a-1</code></td>')
    expect(summary).toContain('first &lt;bad&gt;')
    expect(summary).toContain('<td><code>a-2</code></td>')
    // Every cell is closed, empty ones included.
    expect(summary.match(/<td>/g)?.length).toBe(summary.match(/<\/td>/g)?.length)
    expect(summary).toContain('<td>—</td>')
  })

  it('puts failed tools first, cutting a long reason in the table and giving it whole below', async () => {
    const long = `Kore.ai said: ${'x'.repeat(300)} END`
    const summary = await summaryOf(true, '', long, 'short')
    const rows = [...summary.matchAll(/<td>[✓✗]<\/td><td><code>(a-\d)<\/code>/g)].map(m => m[1])
    expect(rows).toEqual(['a-2', 'a-3', 'a-1'])
    expect(summary).toContain('Why each failed:')
    expect(summary.split(' END').length - 1).toBe(1) // whole once, below the table
  })

  it('leads with what changed; the file, its size and digest sit under technical details', async () => {
    fs.writeFileSync(file, '')
    process.env.GITHUB_STEP_SUMMARY = file
    const record = {
      ...newExportRecord('a-1', ''),
      zip: { file: '/tmp/x.zip', size: 10, sha256: 'f'.repeat(64), entries: [] },
      delivery: {
        redacted: [],
        errors: [],
        changed: true,
        changes: { added: [], modified: ['flow_definition.json'], removed: [] },
        report: { toolId: 'a-1', markdown: ['node `ai`: timeout 30 → 45'], plain: [] }
      }
    }
    const inputs = {
      batch: false,
      host: 'h',
      resource: 'tool',
      commitPath: 'kore-tools/{tool-id}'
    } as Inputs
    await writeSummary(inputs, [record], undefined)
    const summary = fs.readFileSync(file, 'utf8')
    expect(summary.indexOf('timeout 30 → 45')).toBeLessThan(summary.indexOf('<table>'))
    expect(summary.indexOf('<details>')).toBeLessThan(summary.indexOf('f'.repeat(64)))
    expect(summary).toContain('modified: <code>kore-tools/a-1/flow_definition.json</code>')
  })
})
