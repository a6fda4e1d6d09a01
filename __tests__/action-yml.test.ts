// action.yml is the contract users read: it must declare exactly the inputs the code reads and
// the outputs it sets, and run the committed bundle on node24. The reference users read is
// generated from it (docs/reference.md; reference.test.ts checks that it is fresh).
import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import { parse } from 'yaml'
import { Input } from '../src/export/inputs.js'
import { RestoreInput } from '../src/restore/inputs.js'

const action = parse(fs.readFileSync('action.yml', 'utf8'))
const outputs = fs.readFileSync('src/export/outputs.ts', 'utf8')
const envExample = fs.readFileSync('.env.example', 'utf8')

describe('action.yml', () => {
  it('declares every input the code reads, and no other', () => {
    expect(Object.keys(action.inputs).sort()).toEqual(Object.values(Input).sort())
  })

  it('declares every output the code sets, and no other', () => {
    const set = [...outputs.matchAll(/core\.setOutput\(\s*'([a-z0-9-]+)'/g)].map(m => m[1])
    expect(Object.keys(action.outputs).sort()).toEqual(set.sort())
  })

  it('describes every input and output', () => {
    for (const entry of [...Object.values(action.inputs), ...Object.values(action.outputs)]) {
      expect((entry as { description?: string }).description?.length).toBeGreaterThan(10)
    }
  })

  it('lists every input in .env.example, as the runner would pass it', () => {
    const names = [...envExample.matchAll(/^(?:# )?INPUT_([A-Z0-9-]+)=/gm)].map(m => m[1])
    expect(names.sort()).toEqual(
      Object.keys(action.inputs)
        .map(n => n.toUpperCase())
        .sort()
    )
  })

  it('runs dist/index.js on node24', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
    expect(fs.existsSync('dist/index.js')).toBe(true)
  })
})

describe('restore/action.yml', () => {
  const restore = parse(fs.readFileSync('restore/action.yml', 'utf8'))
  const report = fs.readFileSync('src/restore/report.ts', 'utf8')

  it('declares every input the restore code reads, and no other', () => {
    expect(Object.keys(restore.inputs).sort()).toEqual(Object.values(RestoreInput).sort())
  })

  it('declares every output the restore code sets, and no other', () => {
    const set = [...report.matchAll(/core\.setOutput\(\s*'([a-z0-9-]+)'/g)].map(m => m[1])
    expect(Object.keys(restore.outputs).sort()).toEqual(set.sort())
  })

  it('describes every input and output', () => {
    for (const entry of [...Object.values(restore.inputs), ...Object.values(restore.outputs)]) {
      expect((entry as { description?: string }).description?.length).toBeGreaterThan(10)
    }
  })

  it('runs its own bundle, dist/restore/index.js, on node24', () => {
    expect(restore.runs).toEqual({ using: 'node24', main: '../dist/restore/index.js' })
    expect(fs.existsSync('restore/../dist/restore/index.js')).toBe(true)
  })
})
