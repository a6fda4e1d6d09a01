import { describe, expect, it } from '@jest/globals'
import { applyEdits, format } from 'jsonc-parser'
import { MAX_JSON_DEPTH, refuseDeepJson, reindentJson } from '../src/backup/json-text.js'

/** What the earlier, edit-by-edit re-indent wrote: committed backups must not churn. */
function formattedByJsonc(text: string): string {
  const edits = format(text, undefined, { tabSize: 2, insertSpaces: true, eol: '\n' })
  const formatted = applyEdits(text, edits)
  return formatted.endsWith('\n') ? formatted : `${formatted}\n`
}

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const SCALARS = ['0', '-1.50', '12345678901234567890', '1e-7', 'true', 'false', 'null']
const STRINGS = ['""', '"a b"', '"q\\"uote"', '"back\\\\"', '"{[,:]}"', '"\\u00e9\\n"', '"été 🎉"']

function randomJson(next: () => number, depth = 0): string {
  const roll = next()
  const space = (): string => [' ', '', '\n\t', '  '][Math.floor(next() * 4)] as string
  if (depth > 5 || roll < 0.4) {
    const pool = next() < 0.5 ? SCALARS : STRINGS
    return pool[Math.floor(next() * pool.length)] as string
  }
  const count = Math.floor(next() * 4)
  const items = Array.from({ length: count }, (_, i) =>
    roll < 0.7
      ? `${space()}"k${i}"${space()}:${space()}${randomJson(next, depth + 1)}${space()}`
      : `${space()}${randomJson(next, depth + 1)}${space()}`
  )
  return roll < 0.7 ? `{${items.join(',')}${space()}}` : `[${items.join(',')}${space()}]`
}

describe('reindentJson', () => {
  it('writes what jsonc-parser formatting wrote, for 500 random documents', () => {
    const next = random(20261201)
    for (let n = 0; n < 500; n++) {
      const text = randomJson(next)
      expect({ text, out: reindentJson(text) }).toEqual({ text, out: formattedByJsonc(text) })
    }
  })

  it('keeps every number and string exactly as exported', () => {
    expect(reindentJson('{"n":1.50,"big":12345678901234567890,"s":"a\\"}b","e":[],"o":{}}')).toBe(
      '{\n  "n": 1.50,\n  "big": 12345678901234567890,\n  "s": "a\\"}b",\n  "e": [],\n  "o": {}\n}\n'
    )
  })

  it(`refuses nesting deeper than ${MAX_JSON_DEPTH} levels, without recursing`, () => {
    const deep = '['.repeat(20_000) + ']'.repeat(20_000)
    expect(() => reindentJson(deep)).toThrow(`it nests deeper than ${MAX_JSON_DEPTH} levels`)
    const limit = '['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH)
    expect(() => refuseDeepJson(limit)).not.toThrow()
    expect(() => refuseDeepJson(`"${'['.repeat(1000)}"`)).not.toThrow()
  })
})
