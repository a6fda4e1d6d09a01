import { describe, expect, it } from '@jest/globals'
import { foreignFilesProblem, MANIFEST_FILE, withManifest } from '../src/export/deliver/manifest.js'

const files = (...names: string[]) => new Map(names.map(name => [name, Buffer.from('{}')]))
const reader = (manifest: string) => async () => Buffer.from(manifest)

describe('the backup folder manifest', () => {
  it('lists the files the action writes, sorted, itself left out', () => {
    const written = withManifest(files('flow_definition.json', 'app_definition.json'))
    expect(JSON.parse(String(written.get(MANIFEST_FILE))).files).toEqual([
      'app_definition.json',
      'flow_definition.json'
    ])
  })

  it('refuses an export holding a file or folder of its own name', () => {
    expect(() => withManifest(files('.KORE-TOOL-EXPORT.json/x.json'))).toThrow(
      "the export holds .KORE-TOOL-EXPORT.json/x.json, which would take the place of the action's own"
    )
  })

  it('accepts a folder holding only what the previous manifest lists', async () => {
    const manifest = JSON.stringify({ files: ['flow_definition.json', 'old.json'] })
    const existing = [MANIFEST_FILE, 'flow_definition.json', 'old.json']
    const wanted = files('flow_definition.json')
    expect(await foreignFilesProblem('d', existing, wanted, reader(manifest))).toBeUndefined()
  })

  it('adopts a backup made before manifests: its importable files and what is written again', async () => {
    const existing = ['FLOW_DEFINITION.JSON', 'app_definition.json', 'notes.json']
    const wanted = files('flow_definition.json', 'app_definition.json', 'notes.json')
    expect(await foreignFilesProblem('d', existing, wanted, reader(''))).toBeUndefined()
  })

  it('refuses files no manifest accounts for, and a manifest it cannot read', async () => {
    const wanted = files('flow_definition.json')
    const human = await foreignFilesProblem('docs', ['guide.md', 'a/b.md'], wanted, reader(''))
    expect(human).toContain('docs holds files this action did not write (a/b.md, guide.md)')
    const broken = await foreignFilesProblem('d', [MANIFEST_FILE], wanted, reader('{"files":'))
    expect(broken).toContain(`d/${MANIFEST_FILE} cannot be read`)
  })
})
