import { describe, expect, it } from '@jest/globals'
import { hideSecret, isPlainId, printable } from '../src/text.js'

describe('printable', () => {
  it('replaces a known secret before cutting, so no prefix of it survives', () => {
    hideSecret('key-0123456789abcdef')
    hideSecret('line-one-of-a-key\nline-two-of-a-key')
    const cut = printable(`${'x'.repeat(20)} key-0123456789abcdef`, 30)
    expect(cut).toBe(`${'x'.repeat(20)} ***`)
    expect(printable('said: line-two-of-a-key')).toBe('said: ***')
  })

  it('keeps ordinary text, accents and emoji as they are', () => {
    expect(printable('Export of tool a-1 failed: été 🎉 <b>')).toBe(
      'Export of tool a-1 failed: été 🎉 <b>'
    )
  })

  it('escapes newlines, so server text can never start a workflow command line', () => {
    expect(printable('x\n::stop-commands::t\r\n::set-output name=a::b')).toBe(
      'x\\n::stop-commands::t\\r\\n::set-output name=a::b'
    )
  })

  it('escapes other control, format and separator characters by code point', () => {
    expect(printable('a\u0007b\u202ec\u2028d\u0000\t')).toBe('a\\u0007b\\u202ec\\u2028d\\u0000\\t')
  })

  it('caps the length without splitting a character', () => {
    expect(printable('abcdef', 4)).toBe('abc…')
    expect(printable('🎉🎉🎉', 2)).toBe('🎉…')
    expect(printable('abcd', 4)).toBe('abcd')
  })
})

describe('isPlainId', () => {
  it.each(['a-4f1c0000-aaaa', 'ds-1', 'tool-ej-2.v1', 'A_b'])('accepts %s', id => {
    expect(isPlainId(id)).toBe(true)
  })
  it.each(['', 'a/b', 'a..b', '.a', 'a\n', 'a b', 'x'.repeat(201)])('refuses %j', id => {
    expect(isPlainId(id)).toBe(false)
  })
})
