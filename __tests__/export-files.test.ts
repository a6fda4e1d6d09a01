import { describe, expect, it } from '@jest/globals'
import {
  prepareExportFiles,
  redactSecureValues,
  reindentJson
} from '../src/deliver/export-files.js'

const entry = (name: string, text: string | Buffer) => {
  const data = Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8')
  return { name, size: data.length, data }
}

describe('reindentJson', () => {
  it('indents by two spaces with a final newline and keeps every token as written', () => {
    const text =
      '{"big":12345678901234567890,"price":1.50,"e":1E+2,"s":"\\u00e9\\"q\\"","a":[],"o":{}}'
    expect(reindentJson(text)).toBe(
      '{\n  "big": 12345678901234567890,\n  "price": 1.50,\n  "e": 1E+2,\n  "s": "\\u00e9\\"q\\"",\n  "a": [],\n  "o": {}\n}\n'
    )
  })

  it('is stable: formatting twice changes nothing', () => {
    const once = reindentJson('[{"a":1},{"b":[1,2,{"c":null}]}]')
    expect(reindentJson(once)).toBe(once)
  })
})

describe('redactSecureValues', () => {
  it('replaces only the values of variables marked secure', () => {
    const text =
      '[{"key":"URL","value":"https://x","isSecured":false},{"key":"TOKEN","value":"s3cr3t","isSecured":true},{"name":"PIN","value":1234,"secure":"true"}]'
    const result = redactSecureValues(text)
    expect(result.names).toEqual(['TOKEN', 'PIN'])
    expect(result.text).toBe(
      '[{"key":"URL","value":"https://x","isSecured":false},{"key":"TOKEN","value":"<redacted>","isSecured":true},{"name":"PIN","value":"<redacted>","secure":"true"}]'
    )
  })

  it('finds variables nested under a wrapper object', () => {
    const text = '{"envVariables":[{"key":"K","value":"v","isSecret":true}],"count":1.0}'
    expect(redactSecureValues(text).text).toBe(
      '{"envVariables":[{"key":"K","value":"<redacted>","isSecret":true}],"count":1.0}'
    )
  })
})

describe('prepareExportFiles', () => {
  const env = '[{"key":"TOKEN","value":"s3cr3t","isSecured":true}]'
  const entries = [
    entry('flow_definition.json', '{"n":12345678901234567890}'),
    entry('env_variables.json', env),
    entry('notes.txt', 'plain text, kept as is'),
    entry('image.bin', Buffer.from([0xff, 0x00, 0xfe])),
    entry('broken.json', '{"not json"')
  ]

  it('redacts by default and keeps non-JSON bytes untouched', () => {
    const { files, redacted } = prepareExportFiles(entries, 'redact')
    expect(redacted).toEqual(['TOKEN'])
    expect(files.get('flow_definition.json')?.toString()).toBe(
      '{\n  "n": 12345678901234567890\n}\n'
    )
    expect(files.get('env_variables.json')?.toString()).toContain('"value": "<redacted>"')
    expect(files.get('env_variables.json')?.toString()).not.toContain('s3cr3t')
    expect(files.get('notes.txt')?.toString()).toBe('plain text, kept as is')
    expect(files.get('image.bin')).toEqual(Buffer.from([0xff, 0x00, 0xfe]))
    expect(files.get('broken.json')?.toString()).toBe('{"not json"')
  })

  it('keeps the secret with keep, and leaves the file out with omit', () => {
    expect(
      prepareExportFiles(entries, 'keep').files.get('env_variables.json')?.toString()
    ).toContain('"value": "s3cr3t"')
    const omitted = prepareExportFiles(entries, 'omit')
    expect(omitted.files.has('env_variables.json')).toBe(false)
    expect(omitted.redacted).toEqual([])
  })
})
