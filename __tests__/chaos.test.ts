// A few seeds of the fault campaign (`npm run chaos` runs many): both bundles, run as the
// runner runs them, against the fake Kore.ai and GitHub API behind the seeded fault proxy at
// 30 % faults; the invariants are checked over what the fakes hold after every run.
import { describe, expect, it } from '@jest/globals'
import { appFolderProblems, runAppSeed } from '../scripts/chaos-apps.js'
import { runSeed } from '../scripts/chaos-campaign.js'
import {
  checkExport,
  checkRestore,
  checkSecrets,
  koreSnapshot
} from '../scripts/chaos-invariants.js'
import { KILL_AFTER_MS, startWorld } from '../scripts/chaos-world.js'
import type { ActionRun } from '../scripts/run-action.js'

type World = Awaited<ReturnType<typeof startWorld>>
type Job = World['kore']['jobs'] extends Map<string, infer J> ? J : never

/** A finished run as runAction reports it, for the checks' own tests. */
const ran = (exitCode: number | null, outputs: Record<string, string> = {}): ActionRun => ({
  exitCode,
  stdout: '',
  stderr: '',
  outputs,
  summary: '',
  runnerTemp: '',
  wallMs: 1000,
  startedAt: 0,
  killed: exitCode === null
})

describe('the fault campaign', () => {
  it(
    'keeps every invariant at 30 % faults, and a run without faults heals the branch',
    async () => {
      // Direct commits and pull requests, one to three tools, restores new and over a tool.
      const results = await Promise.all([
        runSeed(2, { exportRuns: 2, restores: false }),
        runSeed(5, { exportRuns: 2, restores: false }),
        runSeed(12, { exportRuns: 2 }),
        runSeed(17, { exportRuns: 2 })
      ])
      expect(results.flatMap(result => result.violations)).toEqual([])
      for (const result of results) {
        const injected = Object.values(result.faults).reduce((a, b) => a + b, 0)
        expect(injected).toBeGreaterThan(3)
        expect(result.runs.find(run => run.kind === 'heal')?.exitCode).toBe(0)
      }
      expect(results.map(result => result.pullRequest)).toEqual([false, true, false, true])
    },
    3 * KILL_AFTER_MS
  )

  describe('its checks, on planted violations', () => {
    const TOOL = 'a-chaos-99-1'
    let world: World
    const withWorld = async (check: () => void): Promise<void> => {
      world = await startWorld({ seed: 99, rate: 0, tools: [TOOL] })
      try {
        check()
      } finally {
        await world.close()
      }
    }
    /** Commits a backup of TOOL whose files come from the versions given. */
    const commitBackup = (flow: number, app: number, env: number, token = '<redacted>') =>
      world.github.commitFiles('main', {
        [`kore-tools/${TOOL}/flow_definition.json`]: `{"exportVersion":${flow}}`,
        [`kore-tools/${TOOL}/app_definition.json`]: `{"exportVersion":${app}}`,
        [`kore-tools/${TOOL}/env_variables.json`]: JSON.stringify([
          { key: 'BASE_URL', value: `https://example.com/v${env}` },
          { key: 'TOKEN', value: token, isSecured: true }
        ])
      })

    it('sees files of two exports, a false success and a false changed', () =>
      withWorld(() => {
        const before = { head: world.github.head('main'), main: world.github.head('main') }
        commitBackup(2, 1, 2)
        expect(checkExport(world, ran(1), before)).toEqual([
          `${TOOL}'s files on main mix exports (versions 2, 1, 2)`
        ])
        commitBackup(1, 1, 1)
        world.versions[TOOL] = 2
        expect(checkExport(world, ran(0, { changed: 'false' }), before)).toEqual([
          `exit 0, but main holds ${TOOL} at 1/1/1, not v2`,
          'changed=false, but the branch moved'
        ])
        const stale = [{ 'tool-id': TOOL, changed: false }]
        const now = { head: world.github.head('main'), main: world.github.head('main') }
        expect(checkExport(world, ran(1, { results: JSON.stringify(stale) }), now)).toEqual([
          `${TOOL}: changed=false, but the branch is not current`
        ])
        expect(checkExport(world, ran(1, { changed: 'true' }), now)).toEqual([
          'changed=true, but the branch did not move'
        ])
        expect(checkExport(world, ran(null), now)).toEqual(['hang: killed after 1 s'])
      }))

    it('sees a secure value or the API key anywhere GitHub holds text', () =>
      withWorld(() => {
        expect(checkSecrets(world)).toEqual([])
        world.secrets.add('the-secret')
        commitBackup(1, 1, 1, 'the-secret')
        expect(checkSecrets(world)).toEqual([
          expect.stringMatching(/^a secret reached GitHub in blob [0-9a-f]{40}$/)
        ])
        const sha = world.github.commitFiles('main', { 'x.txt': 'x' }, `Backup ${world.apiKey}`)
        expect(checkSecrets(world)).toContain(`a secret reached GitHub in commit ${sha}`)
      }))

    it('sees a second import, a deploy before its import ended, and a success without either', () =>
      withWorld(() => {
        const before = koreSnapshot(world)
        const job = (id: string, action: Job['action'], at: number, endedAt?: number): void =>
          void world.kore.jobs.set(id, {
            ...{ id, toolId: TOOL, exportJobId: '', createdAt: at, polls: 0, lastPollAt: 0 },
            ...{ downloadPath: '', open: false, action, endedAt, endStatus: 'SUCCESS' }
          })
        job('ds-1', 'IMPORT', 100, 300)
        job('ds-2', 'IMPORT', 200, 300)
        job('ds-3', 'DEPLOY', 250)
        expect(checkRestore(world, ran(1), before, { version: 1, secret: 's' })).toEqual([
          '2 import jobs for one restore',
          `deploy of ${TOOL} before its import finished`
        ])
        const empty = koreSnapshot(world)
        expect(checkRestore(world, ran(0), empty, { version: 1, secret: 's' })).toEqual([
          'exit 0 without a finished import',
          'exit 0 without a finished deploy',
          'outputs tool-id=undefined deployed=undefined',
          'the import received another flow than the backup',
          'the import did not receive the secret from env-values'
        ])
      }))
  })

  it(
    'keeps the invariants for apps: exports under faults, a healing run, a restore never repeated',
    async () => {
      const results = await Promise.all([runAppSeed(3, { exportRuns: 2 }), runAppSeed(8)])
      expect(results.flatMap(result => result.violations)).toEqual([])
      for (const result of results) {
        expect(Object.values(result.faults).reduce((a, b) => a + b, 0)).toBeGreaterThan(3)
        expect(result.runs.find(run => run.kind === 'app-heal')?.exitCode).toBe(0)
      }
    },
    3 * KILL_AFTER_MS
  )

  it('finds what is wrong in a committed app folder', () => {
    const filesOf = (v: number) => ({
      'app.json': `{"version":"v${v}"}`,
      'tools/t.json': `{"envVariables":[{"key":"T","value":"s${v}","isSecured":true}]}`
    })
    const secretOf = (v: number) => `s${v}`
    const good = {
      '.kore-tool-export.json': '{"appVersion":"v2"}',
      'app.json': '{\n  "version": "v2"\n}\n',
      'tools/t.json': '{"envVariables":[{"key":"T","value":"<redacted>","isSecured":true}]}'
    }
    expect(appFolderProblems(good, filesOf, secretOf)).toEqual({ held: 2, problems: [] })
    expect(appFolderProblems({}, filesOf, secretOf)).toEqual({ held: 0, problems: [] })
    const leaked = { ...good, 'tools/t.json': good['tools/t.json'].replace('<redacted>', 's2') }
    expect(appFolderProblems(leaked, filesOf, secretOf).problems).toEqual([
      "the folder's tools/t.json is not version v2's (its manifest's)"
    ])
    const mixed = { ...good, 'app.json': '{"version":"v1"}', 'stray.json': '{}' }
    expect(appFolderProblems(mixed, filesOf, secretOf).problems).toEqual([
      "the folder's app.json is not version v2's (its manifest's)",
      'the folder holds files no version has: stray.json'
    ])
  })
})
