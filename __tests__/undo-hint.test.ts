import { describe, expect, it } from '@jest/globals'
import type { RestoreInputs } from '../src/restore/inputs.js'
import { undoSteps } from '../src/restore/undo-hint.js'

const inputs = {
  host: 'https://agent-platform.kore.ai',
  resource: 'tool',
  toolId: 'a-target'
} as RestoreInputs

const artifact = (redacted: string[]) => ({ id: 7, name: 'x.zip', url: '', digest: '', redacted })

describe('the undo snippet of a redacted artifact', () => {
  it('asks for each plain name from a secret of its own name', () => {
    const hint = undoSteps(inputs, { file: '/t/x.zip', artifact: artifact(['TOKEN', 'db.pass']) })
    expect(hint).toContain('TOKEN=${{ secrets.TOKEN }}')
    expect(hint).toContain('db.pass=${{ secrets.DB_PASS }}')
  })

  it('never writes a name that could carry an expression, nor one it cannot tell apart', () => {
    const names = [
      'A=${{ secrets.KORE_API_KEY }} #',
      'API KEY',
      'TWICE',
      'TWICE',
      'db-pass',
      'db_pass',
      'github_pat'
    ]
    const hint = undoSteps(inputs, { file: '/t/x.zip', artifact: artifact(names) })
    expect(hint).not.toContain('A=${{')
    expect(hint).not.toContain('API KEY=')
    expect(hint).not.toMatch(/TWICE=|db-pass=|db_pass=/)
    expect(hint).toContain('github_pat=${{ secrets.KORE_GITHUB_PAT }}')
    expect(hint).toContain('and 6 more whose names cannot be written here')
  })
})
