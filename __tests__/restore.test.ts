import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { readBackup } from '../src/restore/backup.js'
import { fillEnvValues, refusePlaceholders } from '../src/restore/env-values.js'
import { EnvValue, parseEnvValues } from '../src/restore/inputs.js'
import { buildZip } from './fakes/zip.js'
import { tempDir } from './helpers/setup.js'

/** env-values as parsed: name → value, each from line 1, 2, … in order. */
function given(values: Record<string, string>): Map<string, EnvValue> {
  return new Map(Object.entries(values).map(([name, value], i) => [name, { value, line: i + 1 }]))
}

const NOW = Date.now
const soon = (): number => NOW() + 10_000

describe('parseEnvValues', () => {
  it('reads NAME=value lines, keeping the value as written and its line', () => {
    const values = parseEnvValues('# a comment\nTOKEN=a=b c \r\n\n  PIN = 0042\nEMPTY=')
    expect([...values]).toEqual([
      ['TOKEN', { value: 'a=b c ', line: 2 }],
      ['PIN', { value: ' 0042', line: 4 }],
      ['EMPTY', { value: '', line: 5 }]
    ])
  })

  it("reads GitHub's heredoc form for a multi-line value", () => {
    const pem = '-----BEGIN KEY-----\nMIIEvQ==\n-----END KEY-----'
    const values = parseEnvValues(`KEY<<EOF\n${pem}\nEOF\nURL=u`)
    expect(values.get('KEY')).toEqual({ value: pem, line: 1 })
    expect(values.get('URL')).toEqual({ value: 'u', line: 6 })
  })

  it('refuses a heredoc that never ends, and a repeated name, by line only', () => {
    expect(() => parseEnvValues('KEY<<EOF\nsecret-line')).toThrow(
      'env-values: line 1: starts a multi-line value (NAME<<DELIMITER) that no DELIMITER line ends'
    )
    expect(() => parseEnvValues('A=1\nA=2')).toThrow(
      'env-values: line 2: sets the same name as line 1'
    )
  })
})

describe('fillEnvValues', () => {
  const env = Buffer.from(
    '[\n  {"key": "TOKEN", "value": "<redacted>", "isSecured": true},\n  {"key": "URL", "value": "https://x", "n": 1.50}\n]\n'
  )

  it('edits only the given values, every other byte as it was', () => {
    const filled = fillEnvValues(env, given({ TOKEN: 's3cr3t "q"' }))
    expect(filled?.filled).toEqual(['TOKEN'])
    expect(filled?.data.toString()).toBe(
      '[\n  {"key": "TOKEN", "value": "s3cr3t \\"q\\"", "isSecured": true},\n  {"key": "URL", "value": "https://x", "n": 1.50}\n]\n'
    )
  })

  it('uploads the bytes unchanged when nothing is to be set', () => {
    const plain = Buffer.from('\ufeff[{"key":"URL","value":"u"}]')
    expect(fillEnvValues(plain, new Map())?.data).toBe(plain)
  })

  it('names every redacted variable left without a value', () => {
    const map = Buffer.from(
      '{"A":{"value":"<redacted>"},"B":{"value":"<redacted>"},"C":{"value":"c"}}'
    )
    expect(() => fillEnvValues(map, given({ C: 'x' }))).toThrow('env-values: must set A, B:')
  })

  it.each(['', '   ', '\t'])('refuses a blank value %j for a secret, naming its line', blank => {
    expect(() => fillEnvValues(env, given({ URL: 'u', TOKEN: blank }))).toThrow(
      'env-values: line 2: sets the secret TOKEN to a blank value: its workflow secret is probably missing'
    )
  })

  it('fills a secure variable inside a group, as the export redacted it', () => {
    const group = Buffer.from(
      '[{"name":"payments","value":"grp","items":[{"key":"PAY_TOKEN","value":"<redacted>","isSecured":true}]}]'
    )
    expect(() => fillEnvValues(group, new Map())).toThrow('env-values: must set PAY_TOKEN:')
    const filled = fillEnvValues(group, given({ PAY_TOKEN: 'p' }))
    expect(filled?.data.toString()).toContain('"key":"PAY_TOKEN","value":"p"')
    expect(filled?.data.toString()).toContain('"value":"grp"')
  })

  it('names the line of an unknown name, never the name, and lists the names the backup has', () => {
    const run = () =>
      fillEnvValues(env, given({ TOKEN: 't', MIIEvQIBADANBgkqhkiG9w0BAQEFAASC: '=' }))
    expect(run).toThrow(
      'env-values: line 2: names a variable the backup does not have (the name is not shown: the line may be part of a secret). The backup has: TOKEN, URL'
    )
    expect(run).not.toThrow(/MIIE/)
  })

  it.each([
    [
      'a secret whose value is null',
      '[{"key":"TOKEN","value":null,"isSecured":true}]',
      { TOKEN: 'x' },
      'env-values: line 1: sets TOKEN, but the backup holds no value for it to replace'
    ],
    [
      'a name two variables share',
      '[{"key":"TOKEN","value":"<redacted>","isSecured":true},{"key":"TOKEN","value":"public"}]',
      { TOKEN: 'x' },
      'env-values: line 1: sets TOKEN, but the backup has 2 variables of that name'
    ],
    [
      'a group and a variable inside its value',
      '[{"name":"G","value":{"inner":{"key":"S","value":"<redacted>","isSecured":true}}}]',
      { G: 'x', S: 'y' },
      'env-values: sets both G and S, but the value of one holds the other'
    ],
    [
      'a name that only a value field carries',
      '[{"name":"G","value":{"value":"x"}}]',
      { value: 'y' },
      'env-values: line 1: names a variable the backup does not have (the name is not shown: the line may be part of a secret). The backup has: G'
    ],
    [
      'values for variables whose flags cannot be read',
      '[{"key":"T","value":"x","isSecured":"maybe"}]',
      { T: 'y' },
      'env-values: cannot be applied: which of the backup'
    ]
  ])('refuses %s', (_what, file, values, message) => {
    expect(() => fillEnvValues(Buffer.from(file), given(values))).toThrow(message)
  })

  it('uploads a backup whose flags cannot be read as it is when nothing is set', () => {
    const keep = Buffer.from('[{"key":"T","value":"x","isSecured":"maybe"}]')
    expect(fillEnvValues(keep, new Map())).toEqual({ data: keep, filled: [], decrypted: [] })
  })

  it('refuses values for a backup without variables', () => {
    expect(() => fillEnvValues(undefined, given({ A: '1' }))).toThrow(
      'env-values: is given, but the backup has no env_variables.json'
    )
    expect(fillEnvValues(undefined, new Map())).toBeUndefined()
  })
})

describe('refusePlaceholders', () => {
  it('names where a placeholder is left, whatever the shape', () => {
    const map = Buffer.from('{"PAY_TOKEN":"<redacted>"}')
    expect(() => refusePlaceholders({ 'env_variables.json': map })).toThrow(
      'source: its env_variables.json still holds "<redacted>" at PAY_TOKEN'
    )
    const text = Buffer.from(JSON.stringify({ vars: JSON.stringify([{ v: '<redacted>' }]) }))
    expect(() => refusePlaceholders({ 'flow_definition.json': text })).toThrow(
      'at vars (JSON text, at [0].v)'
    )
    expect(() =>
      refusePlaceholders({ 'app_definition.json': Buffer.from('{"a":"<redacted> is fine"}') })
    ).not.toThrow()
    for (const [file, where] of [
      ['{"a":[" <REDACTED> "]}', 'a[0]'],
      ['{"<redacted>":1}', '<redacted>'],
      [JSON.stringify({ cfg: '{"token":"\\u003credacted\\u003e"}' }), 'cfg (JSON text, at token)']
    ]) {
      expect(() => refusePlaceholders({ 'f.json': Buffer.from(file as string) })).toThrow(
        `still holds "<redacted>" at ${where}`
      )
    }
  })
})

describe('readBackup', () => {
  it('reads a committed folder, names in any case', async () => {
    const dir = tempDir()
    fs.writeFileSync(path.join(dir, 'Flow_Definition.json'), '{"f":1}')
    fs.writeFileSync(path.join(dir, 'app_definition.json'), '\ufeff{"a":1}')
    fs.writeFileSync(path.join(dir, 'notes.md'), 'n')
    const backup = await readBackup(dir, soon())
    expect(backup).toEqual({
      flow: Buffer.from('{"f":1}'),
      app: Buffer.from('\ufeff{"a":1}'),
      env: undefined
    })
  })

  it('reads an exported zip, only at its root', async () => {
    const file = path.join(tempDir(), 'export.zip')
    fs.writeFileSync(
      file,
      buildZip([
        { name: 'flow_definition.json', data: '{}' },
        { name: 'app_definition.json', data: '{"a":[]}' },
        { name: 'old/env_variables.json', data: 'nested' }
      ])
    )
    expect(await readBackup(file, soon())).toEqual({
      flow: Buffer.from('{}'),
      app: Buffer.from('{"a":[]}'),
      env: undefined
    })
  })

  it('refuses what does not exist and what is not a zip', async () => {
    await expect(readBackup('/nonexistent/backup', soon())).rejects.toThrow(
      'source: /nonexistent/backup does not exist'
    )
    const file = path.join(tempDir(), 'notes.txt')
    fs.writeFileSync(file, 'hello')
    await expect(readBackup(file, soon())).rejects.toThrow('is neither a folder nor a readable zip')
  })

  it.each([
    ['an empty file', 'flow_definition.json', '', 'its flow_definition.json is empty'],
    ['blank text', 'app_definition.json', ' \n', 'its app_definition.json is empty'],
    [
      'merge-conflict text',
      'flow_definition.json',
      '<<<<<<< HEAD\n{}\n=======\n{"a":1}\n>>>>>>> b\n',
      'its flow_definition.json is not valid JSON'
    ],
    [
      'invalid bytes',
      'env_variables.json',
      Buffer.from([0x5b, 0x22, 0xff, 0x22, 0x5d]),
      'its env_variables.json is not valid UTF-8 text'
    ]
  ])('refuses %s, naming the file', async (_what, name, data, message) => {
    const dir = tempDir()
    const files: Record<string, string | Buffer> = {
      'flow_definition.json': '{}',
      'app_definition.json': '{}',
      [name]: data
    }
    for (const [file, content] of Object.entries(files))
      fs.writeFileSync(path.join(dir, file), content)
    await expect(readBackup(dir, soon())).rejects.toThrow(`is not an importable backup: ${message}`)
  })

  it('refuses a zip holding one file in two letter cases', async () => {
    const file = path.join(tempDir(), 'export.zip')
    fs.writeFileSync(
      file,
      buildZip([
        { name: 'flow_definition.json', data: '{}' },
        { name: 'app_definition.json', data: '{}' },
        { name: 'FLOW_DEFINITION.JSON', data: '{"evil":1}' }
      ])
    )
    await expect(readBackup(file, soon())).rejects.toThrow(
      'it holds flow_definition.json and FLOW_DEFINITION.JSON: one file in two letter cases'
    )
  })

  it("refuses a FIFO at once, and a file over File Upload's 25 MB", async () => {
    const dir = tempDir()
    const fifo = path.join(dir, 'backup.zip')
    execFileSync('mkfifo', [fifo])
    await expect(readBackup(fifo, soon())).rejects.toThrow('is neither a regular file nor a folder')
    fs.writeFileSync(path.join(dir, 'flow_definition.json'), `"${'x'.repeat(25 * 1024 * 1024)}"`)
    fs.writeFileSync(path.join(dir, 'app_definition.json'), '{}')
    await expect(readBackup(dir, soon())).rejects.toThrow(
      /flow_definition.json has 26214402 bytes, more than File Upload takes in one request \(26214400 bytes, 25 MB\)/
    )
  })

  it('refuses a source that is a link, to a folder or to a zip', async () => {
    const dir = tempDir()
    const backup = path.join(dir, 'real')
    fs.mkdirSync(backup)
    fs.writeFileSync(path.join(backup, 'flow_definition.json'), '{}')
    fs.writeFileSync(path.join(backup, 'app_definition.json'), '{}')
    await expect(readBackup(backup, soon())).resolves.toBeDefined()
    fs.symlinkSync(backup, path.join(dir, 'link'))
    await expect(readBackup(path.join(dir, 'link'), soon())).rejects.toThrow(
      'is a link: give the folder or zip itself'
    )
  })
})
