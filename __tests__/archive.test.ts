import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { ArchiveError, extractZip, MAX_EXTRACTED_BYTES, verifyZip } from '../src/backup/archive.js'
import { buildZip, sampleExport } from './fakes/zip.js'
import { tempDir } from './helpers/setup.js'

function writeZip(bytes: Buffer): string {
  const file = path.join(tempDir(), 'export.zip')
  fs.writeFileSync(file, bytes)
  return file
}

const LIMIT = 1024 ** 3

describe('verifyZip', () => {
  it('lists the entries of a sound export with their sizes', async () => {
    const entries = await verifyZip(writeZip(sampleExport('a-1')), LIMIT)
    expect(entries.map(e => e.name)).toEqual([
      'flow_definition.json',
      'app_definition.json',
      'env_variables.json'
    ])
    expect(entries.every(e => e.size > 0)).toBe(true)
  })

  it('checks CRC-32 on stored and deflated entries alike', async () => {
    const good = buildZip([{ name: 'a.json', data: '{}', store: true }])
    await expect(verifyZip(writeZip(good), LIMIT)).resolves.toHaveLength(1)
    const bad = buildZip([{ name: 'a.json', data: '{}', store: true, crc: 1 }])
    await expect(verifyZip(writeZip(bad), LIMIT)).rejects.toThrow(
      'entry a.json fails its CRC-32 check'
    )
  })

  it('rejects a zip cut short', async () => {
    const zip = sampleExport('a-1')
    await expect(verifyZip(writeZip(zip.subarray(0, zip.length - 30)), LIMIT)).rejects.toThrow(
      ArchiveError
    )
  })

  it('rejects damaged compressed data', async () => {
    const zip = sampleExport('a-1')
    const data = 30 + 'flow_definition.json'.length // first entry's compressed bytes
    zip[data + 5] = zip[data + 5]! ^ 0xff
    zip[data + 6] = zip[data + 6]! ^ 0xff
    await expect(verifyZip(writeZip(zip), LIMIT)).rejects.toThrow(ArchiveError)
  })
})

describe('verifyZip against zip bombs', () => {
  const MiB = 1024 * 1024

  it('refuses entries that share one deflate stream, before inflating it again', async () => {
    const names = Array.from({ length: 40 }, (_, i) => ({
      name: `copy-${i}.json`,
      data: '',
      shareWith: 0
    }))
    const bomb = buildZip([
      { name: 'flow_definition.json', data: Buffer.alloc(16 * MiB) },
      ...names.slice(1)
    ])
    expect(bomb.length).toBeLessThan(MiB)
    await expect(verifyZip(writeZip(bomb), LIMIT)).rejects.toThrow(
      'unsafe archive: entries flow_definition.json and copy-1.json share their data'
    )
  })

  it('caps the bytes it inflates in all', async () => {
    const zip = buildZip([
      { name: 'flow_definition.json', data: Buffer.alloc(3 * MiB) },
      { name: 'app_definition.json', data: Buffer.alloc(3 * MiB) }
    ])
    await expect(verifyZip(writeZip(zip), 6 * MiB)).resolves.toHaveLength(2)
    await expect(verifyZip(writeZip(zip), 5 * MiB)).rejects.toThrow(
      `unsafe archive: it unpacks to more than ${5 * MiB} bytes`
    )
  })
})

describe('extractZip', () => {
  it('returns every file with its bytes', async () => {
    const entries = await extractZip(writeZip(sampleExport('a-1')))
    expect(entries.map(e => e.name)).toHaveLength(3)
    expect(entries[1]?.data.toString()).toBe('{"name":"Tool a-1","version":"1.50","guardrails":[]}')
  })

  it.each([
    ['an absolute name', [{ name: '/etc/cron.d/x', data: 'x' }], /unsafe archive: absolute path/],
    [
      'a name with ..',
      [{ name: 'a/../../x.json', data: 'x' }],
      /unsafe archive: invalid relative path/
    ],
    ['a backslash', [{ name: '..\\x.json', data: 'x' }], /unsafe archive: invalid characters/],
    [
      'a duplicate',
      [
        { name: 'flow_definition.json', data: '{}' },
        { name: 'flow_definition.json', data: '[]' }
      ],
      /unsafe archive: entry flow_definition.json appears twice/
    ],
    ['a symlink', [{ name: 'link.json', data: '/etc/passwd', unixMode: 0o120777 }], /is a link/],
    [
      'a .git path',
      [{ name: '.git/config', data: 'x' }],
      /\.git\/config has an empty, "\.", "\.\." or "\.git" part/
    ],
    ['a .GIT path in another case', [{ name: 'sub/.GIT/hooks/x', data: 'x' }], /"\.git" part/],
    [
      'a ./ name',
      [{ name: './flow_definition.json', data: '{}' }],
      /\.\/flow_definition\.json has an empty/
    ],
    ['an empty segment', [{ name: 'sub//x.json', data: '{}' }], /sub\/\/x\.json has an empty/],
    [
      'a file and a folder of one name',
      [
        { name: 'x.json', data: '{}' },
        { name: 'x.json/y.json', data: '{}' }
      ],
      /x\.json is both a file and a folder/
    ]
  ])('refuses %s', async (_what, entries, message) => {
    await expect(extractZip(writeZip(buildZip(entries)))).rejects.toThrow(message)
  })

  it('refuses a zip bomb without inflating it whole', async () => {
    const zeros = Buffer.alloc(MAX_EXTRACTED_BYTES + 1)
    const bomb = buildZip([{ name: 'flow_definition.json', data: zeros }])
    expect(bomb.length).toBeLessThan(1024 * 1024)
    await expect(extractZip(writeZip(bomb))).rejects.toThrow(/unpacks to more than/)
  })
})
