import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { ArchiveError, verifyZip } from '../src/archive.js'
import { buildZip, sampleExport } from './fakes/zip.js'
import { tempDir } from './helpers/setup.js'

function writeZip(bytes: Buffer): string {
  const file = path.join(tempDir(), 'export.zip')
  fs.writeFileSync(file, bytes)
  return file
}

describe('verifyZip', () => {
  it('lists the entries of a sound export with their sizes', async () => {
    const entries = await verifyZip(writeZip(sampleExport('a-1')))
    expect(entries.map(e => e.name)).toEqual([
      'flow_definition.json',
      'app_definition.json',
      'env_variables.json'
    ])
    expect(entries.every(e => e.size > 0)).toBe(true)
  })

  it('checks CRC-32 on stored and deflated entries alike', async () => {
    const good = buildZip([{ name: 'a.json', data: '{}', store: true }])
    await expect(verifyZip(writeZip(good))).resolves.toHaveLength(1)
    const bad = buildZip([{ name: 'a.json', data: '{}', store: true, crc: 1 }])
    await expect(verifyZip(writeZip(bad))).rejects.toThrow('entry a.json fails its CRC-32 check')
  })

  it('rejects a zip cut short', async () => {
    const zip = sampleExport('a-1')
    await expect(verifyZip(writeZip(zip.subarray(0, zip.length - 30)))).rejects.toThrow(
      ArchiveError
    )
  })

  it('rejects damaged compressed data', async () => {
    const zip = sampleExport('a-1')
    const data = 30 + 'flow_definition.json'.length // first entry's compressed bytes
    zip[data + 5] = zip[data + 5]! ^ 0xff
    zip[data + 6] = zip[data + 6]! ^ 0xff
    await expect(verifyZip(writeZip(zip))).rejects.toThrow(ArchiveError)
  })
})
