import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { readBackup } from '../src/restore/backup.js'
import { fillEnvValues } from '../src/restore/env-values.js'
import { parseEnvValues } from '../src/restore/inputs.js'
import { buildZip } from './fakes/zip.js'
import { tempDir } from './helpers/setup.js'

describe('parseEnvValues', () => {
  it('reads NAME=value lines, keeping the value as written', () => {
    const values = parseEnvValues('# a comment\nTOKEN=a=b c \r\n\n  PIN = 0042\nEMPTY=')
    expect([...values]).toEqual([
      ['TOKEN', 'a=b c '],
      ['PIN', ' 0042'],
      ['EMPTY', '']
    ])
  })

  it('refuses a repeated name', () => {
    expect(() => parseEnvValues('A=1\nA=2')).toThrow('env-values: line 2: sets A a second time')
  })
})

describe('fillEnvValues', () => {
  const env = Buffer.from(
    '[\n  {"key": "TOKEN", "value": "<redacted>", "isSecured": true, "n": 1.50},\n  {"key": "URL", "value": "https://x"}\n]\n'
  )

  it('edits only the given values, every other byte as it was', () => {
    const filled = fillEnvValues(env, new Map([['TOKEN', 's3cr3t "q"']]))
    expect(filled?.filled).toEqual(['TOKEN'])
    expect(filled?.data.toString()).toBe(
      '[\n  {"key": "TOKEN", "value": "s3cr3t \\"q\\"", "isSecured": true, "n": 1.50},\n  {"key": "URL", "value": "https://x"}\n]\n'
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
    expect(() => fillEnvValues(map, new Map([['C', 'x']]))).toThrow('env-values: must set A, B:')
  })

  it('refuses values for a backup without variables', () => {
    expect(() => fillEnvValues(undefined, new Map([['A', '1']]))).toThrow(
      'env-values: is given, but the backup has no env_variables.json'
    )
    expect(fillEnvValues(undefined, new Map())).toBeUndefined()
  })
})

describe('readBackup', () => {
  it('reads a committed folder, names in any case', async () => {
    const dir = tempDir()
    fs.writeFileSync(path.join(dir, 'Flow_Definition.json'), 'f')
    fs.writeFileSync(path.join(dir, 'app_definition.json'), 'a')
    fs.writeFileSync(path.join(dir, 'notes.md'), 'n')
    const backup = await readBackup(dir)
    expect(backup).toEqual({ flow: Buffer.from('f'), app: Buffer.from('a'), env: undefined })
  })

  it('reads an exported zip, only at its root', async () => {
    const file = path.join(tempDir(), 'export.zip')
    fs.writeFileSync(
      file,
      buildZip([
        { name: 'flow_definition.json', data: 'f' },
        { name: 'app_definition.json', data: 'a' },
        { name: 'old/env_variables.json', data: 'nested' }
      ])
    )
    expect(await readBackup(file)).toEqual({
      flow: Buffer.from('f'),
      app: Buffer.from('a'),
      env: undefined
    })
  })

  it('refuses what does not exist and what is not a zip', async () => {
    await expect(readBackup('/nonexistent/backup')).rejects.toThrow(
      'source: /nonexistent/backup does not exist'
    )
    const file = path.join(tempDir(), 'notes.txt')
    fs.writeFileSync(file, 'hello')
    await expect(readBackup(file)).rejects.toThrow('is neither a folder nor a readable zip')
  })
})
