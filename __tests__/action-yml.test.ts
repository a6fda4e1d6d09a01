// action.yml is the contract users read: it must declare exactly the inputs the code reads and
// the outputs it sets, and run the committed bundle on node24.
import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import { parse } from 'yaml'
import { Input } from '../src/inputs.js'

const action = parse(fs.readFileSync('action.yml', 'utf8'))
const outputs = fs.readFileSync('src/outputs.ts', 'utf8')
const readme = fs.readFileSync('README.md', 'utf8')

describe('action.yml', () => {
  it('declares every input the code reads, and no other', () => {
    expect(Object.keys(action.inputs).sort()).toEqual(Object.values(Input).sort())
  })

  it('declares every output the code sets, and no other', () => {
    const set = [...outputs.matchAll(/core\.setOutput\('([a-z0-9-]+)'/g)].map(m => m[1])
    expect(Object.keys(action.outputs).sort()).toEqual(set.sort())
  })

  it('describes every input and output', () => {
    for (const entry of [...Object.values(action.inputs), ...Object.values(action.outputs)]) {
      expect((entry as { description?: string }).description?.length).toBeGreaterThan(10)
    }
  })

  it('has a README table row for every input and output', () => {
    const rows = [...readme.matchAll(/^\| `([a-z0-9-]+)` /gm)].map(m => m[1])
    for (const name of [...Object.keys(action.inputs), ...Object.keys(action.outputs)]) {
      expect(rows).toContain(name)
    }
  })

  it('runs dist/index.js on node24', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
    expect(fs.existsSync('dist/index.js')).toBe(true)
  })
})
