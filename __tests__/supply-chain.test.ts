// What a supply-chain review checks in the repository's own workflows, and that repository
// paths never depend on the runner's OS.
import { describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { parse } from 'yaml'

const workflows = fs
  .readdirSync('.github/workflows')
  .filter(name => /\.ya?ml$/.test(name))
  .map(name => [name, fs.readFileSync(path.join('.github/workflows', name), 'utf8')])

describe.each(workflows)('.github/workflows/%s', (_name, text) => {
  it('grants only contents: read at the top; jobs ask for more themselves', () => {
    expect(parse(text ?? '').permissions).toEqual({ contents: 'read' })
  })

  it('pins every third-party action by full commit SHA, with its version as a comment', () => {
    const uses = [...(text ?? '').matchAll(/uses:\s*(\S+)(.*)$/gm)]
    for (const [, ref, rest] of uses) {
      if (ref?.startsWith('./')) continue
      expect(ref).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/)
      expect(rest).toMatch(/^\s+# v\d+(\.\d+)*$/)
    }
  })
})

it('has an OpenSSF Scorecard workflow', () => {
  expect(workflows.map(([name]) => name)).toContain('scorecard.yml')
})

it('builds repository paths with "/" only: no module that writes the commit uses node:path', () => {
  // deliver/artifact.ts names a local file in a log line; everything else here builds git paths.
  const modules = fs
    .readdirSync('src/export/deliver')
    .filter(name => name.endsWith('.ts') && name !== 'artifact.ts')
  expect(modules.length).toBeGreaterThan(5)
  for (const name of modules) {
    const source = fs.readFileSync(path.join('src/export/deliver', name), 'utf8')
    expect([name, /from 'node:path'|require\('path'\)|path\.sep/.test(source)]).toEqual([
      name,
      false
    ])
  }
})
