// docs/reference.md is generated from action.yml and restore/action.yml (`npm run docs`): the
// committed file must be what the generator makes of them now, so that a changed input shows
// in the reference in the same commit.
import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { parse } from 'yaml'
import { REFERENCE, renderReference } from '../scripts/docs.js'

const committed = fs.existsSync(REFERENCE) ? fs.readFileSync(REFERENCE, 'utf8') : ''

describe(REFERENCE, () => {
  it('is what npm run docs makes of the action.yml files', async () => {
    const fresh = await renderReference()
    if (fresh !== committed) {
      throw new Error(`${REFERENCE} is stale: run npm run docs and commit the result`)
    }
  })

  it('changes when a description in action.yml does (the check above can fail)', async () => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'kore-reference-'))
    try {
      fs.mkdirSync(path.join(scratch, 'restore'))
      fs.copyFileSync('restore/action.yml', path.join(scratch, 'restore/action.yml'))
      const edited = fs
        .readFileSync('action.yml', 'utf8')
        .replace('Seconds between export status checks.', 'Seconds between checks, edited.')
      fs.writeFileSync(path.join(scratch, 'action.yml'), edited)
      const reference = await renderReference(scratch)
      expect(reference).not.toEqual(committed)
      expect(reference).toContain('Seconds between checks, edited.')
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true })
    }
  })

  it('names every input and output of both actions, their descriptions readable', () => {
    for (const file of ['action.yml', 'restore/action.yml']) {
      const action = parse(fs.readFileSync(file, 'utf8'))
      for (const name of [...Object.keys(action.inputs), ...Object.keys(action.outputs)]) {
        expect([file, committed.includes(`| \`${name}\``)]).toEqual([file, true])
      }
    }
    // The tables show the descriptions as written: no stray tags or italics, no split cells.
    const rows = committed.split('\n').filter(line => line.startsWith('| `'))
    expect(rows.join('\n')).toContain('&lt;tool-id&gt;')
    expect(rows.join('\n')).toContain('env_variables.json')
    for (const row of rows) {
      const cells = row.split('|').length - 2 // inputs have 4 columns, outputs 2
      expect([row, /<em>|<redacted>|<tool-id>/.test(row), [2, 4].includes(cells)]).toEqual([
        row,
        false,
        true
      ])
    }
  })
})
