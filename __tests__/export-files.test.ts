import { describe, expect, it } from '@jest/globals'
import { prepareExportFiles } from '../src/export/deliver/export-files.js'
import { redactSecureValues } from '../src/backup/redaction.js'
import { reindentJson } from '../src/backup/json-text.js'

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

  it('says what it replaced, and where it was', () => {
    const text =
      '[{"key":"TOKEN","value":"s3cr3t","isSecured":true},{"key":"N","value":{"a":["x",12]},"secret":1}]'
    const { values } = redactSecureValues(text)
    expect(values.map(v => [v.name, v.secrets, text.slice(v.offset, v.offset + v.length)])).toEqual(
      [
        ['TOKEN', ['s3cr3t'], '"s3cr3t"'],
        ['N', ['x', '12'], '{"a":["x",12]}']
      ]
    )
  })

  it('finds variables nested under a wrapper object', () => {
    const text = '{"envVariables":[{"key":"K","value":"v","isSecret":true}],"count":1.0}'
    expect(redactSecureValues(text).text).toBe(
      '{"envVariables":[{"key":"K","value":"<redacted>","isSecret":true}],"count":1.0}'
    )
  })
})

describe('redactSecureValues: failing closed', () => {
  it.each([
    ['isSecured', '"true"'],
    ['isSecured', '1'],
    ['isSecured', '"Yes"'],
    ['IsSecured', 'true'],
    ['is_secured', 'true'],
    ['IS-SECRET', '"on"']
  ])('reads the flag %s: %s as secure', (key, value) => {
    const result = redactSecureValues(`[{"key":"TOKEN","value":"s3cr3t","${key}":${value}}]`)
    expect(result.names).toEqual(['TOKEN'])
    expect(result.text).not.toContain('s3cr3t')
  })

  it('keeps values whose flag reads false', () => {
    const text = '[{"key":"A","value":"a","isSecured":"false"},{"key":"B","value":"b","secure":0}]'
    expect(redactSecureValues(text)).toEqual({ text, names: [], values: [], secrets: [] })
  })

  it('tolerates comments and trailing commas', () => {
    const text = '[{"key":"T","value":"s3cr3t","isSecured":true,},] // exported'
    expect(redactSecureValues(text).text).not.toContain('s3cr3t')
  })

  it('names variables keyed by their name in a map', () => {
    const text = '{"TOKEN":{"value":"s3cr3t","secret":true},"URL":{"value":"u"}}'
    expect(redactSecureValues(text).names).toEqual(['TOKEN'])
  })

  it.each([
    ['a flag that is neither true nor false', '[{"key":"T","value":"x","isSecured":"maybe"}]'],
    ['a secure variable with an unknown field', '[{"key":"T","secretText":"x","isSecured":true}]'],
    ['a secure flag on a part of a variable', '[{"key":"T","value":"x","meta":{"secure":true}}]'],
    ['a top level that is not a list or map', '"TOKEN=x"'],
    ['text that is not JSON', '[{"key":"T","value":"x","isSecured":true'],
    [
      'variables as JSON text',
      JSON.stringify({ v: JSON.stringify([{ key: 'T', isSecured: true }]) })
    ],
    [
      'variables as JSON text encoded twice',
      JSON.stringify({ v: JSON.stringify(JSON.stringify([{ key: 'T', isSecured: true }])) })
    ],
    ['variables as JSON text cut short', JSON.stringify({ v: '[{"key":"T","isSecured":true' })],
    ['variables in single quotes', JSON.stringify({ v: "[{'key':'T','is_secured': True}]" })],
    ['variables after a prefix', JSON.stringify({ v: 'json:[{"key":"T","secret":1}]' })],
    ['an empty file', '']
  ])('refuses %s', (_what, text) => {
    expect(() => redactSecureValues(text)).toThrow()
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

  const secret = '[{"key":"TOKEN","value":"s3cr3t","isSecured":true}]'
  const flow = entry('flow_definition.json', '{}')

  it.each([
    ['a UTF-8 BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(secret)])],
    [
      'UTF-16LE with a BOM',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(secret, 'utf16le')])
    ],
    [
      'UTF-16BE with a BOM',
      Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(secret, 'utf16le').swap16()])
    ]
  ])('decodes %s, redacts it and stores UTF-8', (_what, data) => {
    const { files, redacted } = prepareExportFiles(
      [flow, entry('env_variables.json', data)],
      'redact'
    )
    expect(redacted).toEqual(['TOKEN'])
    expect(files.get('env_variables.json')?.toString('utf8')).toBe(
      '[\n  {\n    "key": "TOKEN",\n    "value": "<redacted>",\n    "isSecured": true\n  }\n]\n'
    )
  })

  it('matches the variables file in any case, anywhere in the zip', () => {
    const { files } = prepareExportFiles(
      [flow, entry('ENV_Variables.JSON', secret), entry('old/env_variables.json', secret)],
      'redact'
    )
    expect(files.get('ENV_Variables.JSON')?.toString()).not.toContain('s3cr3t')
    expect(files.get('old/env_variables.json')?.toString()).not.toContain('s3cr3t')
    const omitted = prepareExportFiles([flow, entry('Env_Variables.json', secret)], 'omit')
    expect([...omitted.files.keys()]).toEqual(['flow_definition.json'])
  })

  it.each([
    ['an invalid byte', Buffer.from([0x5b, 0x22, 0xff, 0x22, 0x5d])],
    ['text that is not JSON', Buffer.from('TOKEN=s3cr3t')],
    ['a flag of unknown meaning', Buffer.from('[{"key":"T","value":"s3cr3t","isSecured":"2"}]')]
  ])('fails the tool, naming the way out, on %s: never the raw bytes', (_what, data) => {
    expect(() => prepareExportFiles([flow, entry('env_variables.json', data)], 'redact')).toThrow(
      /env_variables\.json cannot be redacted for sure: .*set env-variables: omit/
    )
    // The user's way out works on the same export.
    expect(prepareExportFiles([flow, entry('env_variables.json', data)], 'omit').files.size).toBe(1)
  })

  it('commits UTF-16 and byte-order-marked JSON re-indented as UTF-8, which the restore reads', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"a":1}', 'utf16le')])
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"b":2}')])
    const { files } = prepareExportFiles(
      [entry('flow_definition.json', utf16), entry('app_definition.json', bom)],
      'omit'
    )
    expect(files.get('flow_definition.json')?.toString()).toBe('{\n  "a": 1\n}\n')
    expect(files.get('app_definition.json')?.toString()).toBe('{\n  "b": 2\n}\n')
  })

  it('keeps a file as exported when re-indenting would blow it up', () => {
    const deep = `${'['.repeat(500)}${'0,'.repeat(20_000)}0${']'.repeat(500)}`
    const { files } = prepareExportFiles([entry('flow_definition.json', deep)], 'omit')
    expect(files.get('flow_definition.json')?.toString()).toBe(deep)
  })

  it('keeps the secret with keep, and leaves the file out with omit', () => {
    expect(
      prepareExportFiles(entries, 'keep').files.get('env_variables.json')?.toString()
    ).toContain('"value": "s3cr3t"')
    const omitted = prepareExportFiles(entries, 'omit')
    expect(omitted.files.has('env_variables.json')).toBe(false)
    expect(omitted.redacted).toEqual([])
  })

  it('hands the scan the secure values: replaced with redact, and where they sit with keep', () => {
    const env = '[{"key":"TOKEN","value":"s3cr3t-value","isSecured":true},{"key":"U","value":"u"}]'
    const redacted = prepareExportFiles([flow, entry('env_variables.json', env)], 'redact')
    expect(redacted.secrets).toEqual([{ label: 'secure variable TOKEN', value: 's3cr3t-value' }])
    expect(redacted.kept.size).toBe(0)
    const kept = prepareExportFiles([flow, entry('env_variables.json', env)], 'keep')
    const text = kept.files.get('env_variables.json')?.toString() ?? ''
    const [span] = kept.kept.get('env_variables.json') ?? []
    expect(text.slice(span?.start, span?.end)).toBe('"s3cr3t-value"')
    expect(kept.secrets).toEqual(redacted.secrets)
  })
})

describe('redactSecureValues: shapes an outside review found', () => {
  it.each([
    ['a flag the list lacks', '[{"key":"T","value":"LEAK-F","isSecuredVariable":true}]'],
    ['a kind that says secure', '[{"key":"T","value":"LEAK-K","type":"secure"}]'],
    ['a kind that says password', '[{"key":"T","value":"LEAK-P","dataType":"Password"}]']
  ])('redacts %s', (_what, text) => {
    const result = redactSecureValues(text)
    expect(result.names).toEqual(['T'])
    expect(result.text).not.toContain('LEAK')
  })

  it.each([
    ['a map under a flag-like name', '{"variables":{},"secureVariables":{"TOKEN":"LEAK-D"}}'],
    [
      'a flag in options, the value outside',
      '[{"key":"T","value":"LEAK-E","options":{"secure":true,"value":null}}]'
    ],
    [
      'an escaped flag in JSON text',
      '[{"key":"G","value":"{\\"is\\\\u0053ecured\\":true,\\"value\\":\\"LEAK\\"}"}]'
    ]
  ])('refuses %s', (_what, text) => {
    expect(() => redactSecureValues(text)).toThrow()
  })
})
