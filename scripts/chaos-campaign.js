// One seed of the fault campaign: export runs under faults while the tools change in Kore.ai,
// one run without faults that must heal everything, then restores under faults, each run
// followed by the invariant checks. Used by `npm run chaos` and __tests__/chaos.test.ts.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { hash32, mulberry32 } from '../__tests__/fakes/fault-proxy.js'
import {
  checkExport,
  checkRestore,
  checkSecrets,
  committedVersions,
  koreSnapshot
} from './chaos-invariants.js'
import { startWorld } from './chaos-world.js'

/**
 * @typedef {object} RunRecord
 * @property {'export'|'heal'|'restore-new'|'restore-over'} kind
 * @property {number | null} exitCode
 * @property {boolean} killed
 * @property {number} wallMs
 * @property {string} error  the run's first ::error:: line (for the report; no check reads it)
 * @property {string} [log]  a failed run's log, for CHAOS_VERBOSE
 *
 * @typedef {object} SeedResult
 * @property {number} seed
 * @property {number} tools
 * @property {boolean} pullRequest  whether the export ran in pull-request mode
 * @property {RunRecord[]} runs
 * @property {string[]} violations
 * @property {Record<string, number>} faults  injected, by kind
 * @property {number} requests  sent through the proxies
 *
 * @typedef {object} SeedOptions
 * @property {number} [rate]  default 0.3
 * @property {number} [exportRuns]  export runs under faults (default 4)
 * @property {boolean} [restores]  run the two restores (default true)
 * @property {boolean} [faultGithub]  faults on the GitHub API too (default true)
 */

/**
 * @param {number} seed
 * @param {SeedOptions} [options]
 * @returns {Promise<SeedResult>}
 */
export async function runSeed(seed, options = {}) {
  const rate = options.rate ?? 0.3
  const random = mulberry32(hash32(`scenario|${seed}`))
  const toolCount = 1 + Math.floor(random() * 3)
  const tools = Array.from({ length: toolCount }, (_, i) => `a-chaos-${seed}-${i + 1}`)
  const maxParallel = 1 + Math.floor(random() * toolCount)
  const pullRequest = random() < 1 / 3
  const world = await startWorld({
    seed,
    rate,
    tools,
    pullRequest,
    faultGithub: options.faultGithub
  })
  /** @type {SeedResult} */
  const result = {
    seed,
    tools: toolCount,
    pullRequest,
    runs: [],
    violations: [],
    faults: {},
    requests: 0
  }
  /** @param {RunRecord['kind']} kind @param {import('./run-action.js').ActionRun} run @param {string[]} problems */
  const record = (kind, run, problems) => {
    result.runs.push({
      kind,
      exitCode: run.exitCode,
      killed: run.killed,
      wallMs: run.wallMs,
      error: /^::error::(.*)$/m.exec(run.stdout)?.[1] ?? '',
      ...(run.exitCode === 0 ? {} : { log: run.stdout + run.stderr })
    })
    const at = `seed ${seed}, run ${result.runs.length} (${kind})`
    result.violations.push(...problems.map(problem => `${at}: ${problem}`))
  }
  const exportOnce = async (/** @type {'export'|'heal'} */ kind) => {
    const before = { head: world.github.head(world.branch), main: world.github.head('main') }
    const run = await world.runExport(maxParallel)
    const problems = [...checkExport(world, run, before), ...checkSecrets(world)]
    if (kind === 'heal' && run.exitCode !== 0) {
      problems.push(`the run without faults failed: ${run.stdout.match(/^::error::.*$/m)?.[0]}`)
    }
    record(kind, run, problems)
  }
  try {
    for (let n = 0; n < (options.exportRuns ?? 4); n++) {
      // Between runs some tools change in Kore.ai, and some runs find nothing changed.
      if (n > 0)
        for (const tool of tools)
          if (random() < 0.5) world.versions[tool] = (world.versions[tool] ?? 1) + 1
      await exportOnce('export')
    }
    world.setRate(0)
    await exportOnce('heal')
    world.setRate(rate)
    if (options.restores !== false) {
      await restoreOnce(world, 'restore-new', { 'tool-name': `Chaos ${seed}` }, record)
      await restoreOnce(world, 'restore-over', { 'tool-id': tools[0] ?? '' }, record)
    }
  } finally {
    result.faults = world.faults()
    result.requests = world.requests()
    await world.close()
  }
  return result
}

/**
 * Restores the first tool's committed backup, as a new tool or over the tool itself.
 * @param {Awaited<ReturnType<typeof startWorld>>} world
 * @param {'restore-new'|'restore-over'} kind
 * @param {{ 'tool-id': string } | { 'tool-name': string }} target
 * @param {(kind: RunRecord['kind'], run: import('./run-action.js').ActionRun, problems: string[]) => void} record
 */
async function restoreOnce(world, kind, target, record) {
  const tool = world.tools[0] ?? ''
  const source = `kore-tools/${tool}`
  const [version = 0] = committedVersions(world, tool).versions
  const workspace = fs.mkdtempSync(path.join(process.env.KORE_TEMP_ROOT || os.tmpdir(), 'chaos-'))
  try {
    fs.mkdirSync(path.join(workspace, source), { recursive: true })
    for (const [name, text] of Object.entries(world.github.files(world.branch, source))) {
      fs.writeFileSync(path.join(workspace, source, name), text)
    }
    const secret = world.secretOf(tool, version)
    const before = koreSnapshot(world)
    const run = await world.runRestore(workspace, source, target, secret)
    const toolId = 'tool-id' in target ? target['tool-id'] : undefined
    record(kind, run, checkRestore(world, run, before, { toolId, version, secret }))
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true })
  }
}
