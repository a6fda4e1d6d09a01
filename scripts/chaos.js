// `npm run chaos`: the fault campaign. For each seed, both bundles (the committed dist/; run
// `npm run bundle` first after changing src/) run as the runner runs them, against the fake
// Kore.ai and GitHub API behind a seeded fault proxy, and the invariants are checked over what
// the fakes hold after each run. Prints the figures; exits 1 on any invariant violation.
//
//   CHAOS_SEEDS=40         how many seeds (default 40), starting at CHAOS_FIRST_SEED (default 1)
//   CHAOS_RATE=0.3         share of requests that get a fault
//   CHAOS_PARALLEL=20      seeds at once (they mostly wait on timers: more than cores is fine)
//   CHAOS_EXPORT_RUNS=4    export runs under faults per seed
//   CHAOS_GITHUB_FAULTS=0  faults on Kore.ai only
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { runAppSeed } from './chaos-apps.js'
import { runSeed } from './chaos-campaign.js'

const count = Number(process.env.CHAOS_SEEDS ?? 40)
const first = Number(process.env.CHAOS_FIRST_SEED ?? 1)
const rate = Number(process.env.CHAOS_RATE ?? 0.3)
const parallel = Number(process.env.CHAOS_PARALLEL ?? 20)
const exportRuns = Number(process.env.CHAOS_EXPORT_RUNS ?? 4)
const faultGithub = process.env.CHAOS_GITHUB_FAULTS !== '0'

// The runs' RUNNER_TEMP folders and workspaces go under one root, removed at the end.
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kore-chaos-'))
process.env.KORE_TEMP_ROOT = root
const startedAt = Date.now()
console.log(
  `Fault campaign: ${count} seeds from ${first}, ${(rate * 100).toFixed(0)} % faults` +
    ` (${faultGithub ? 'Kore.ai and GitHub' : 'Kore.ai only'}), ${parallel} seeds at once\n`
)

/** @type {import('./chaos-campaign.js').SeedResult[]} */
const results = []
const seeds = Array.from({ length: count }, (_, i) => first + i)
try {
  await Promise.all(
    Array.from({ length: Math.min(parallel, count) }, async () => {
      for (let seed = seeds.shift(); seed !== undefined; seed = seeds.shift()) {
        const result = await runSeed(seed, { rate, exportRuns, faultGithub })
        results.push(result)
        const failed = result.runs.filter(r => r.exitCode !== 0).map(r => r.kind)
        console.log(
          `seed ${seed}: ${result.tools} tool(s)${result.pullRequest ? ', pull request' : ''}, ` +
            `${result.runs.length} runs, ` +
            `${failed.length ? `failed: ${failed.join(', ')}` : 'all succeeded'}, ` +
            `${result.violations.length} violation(s)`
        )
      }
    })
  )
  // The same seeds for agentic apps (resource: app): exports, a healing run, a restore.
  const appSeeds = Array.from({ length: count }, (_, i) => first + i)
  await Promise.all(
    Array.from({ length: Math.min(parallel, count) }, async () => {
      for (let seed = appSeeds.shift(); seed !== undefined; seed = appSeeds.shift()) {
        const result = await runAppSeed(seed, { rate })
        results.push(/** @type {any} */ (result))
        const failed = result.runs.filter(r => r.exitCode !== 0).map(r => r.kind)
        console.log(
          `apps seed ${seed}: ${result.runs.length} runs, ` +
            `${failed.length ? `failed: ${failed.join(', ')}` : 'all succeeded'}, ` +
            `${result.violations.length} violation(s)`
        )
      }
    })
  )
} finally {
  fs.rmSync(root, { recursive: true, force: true })
}
report(results)
process.exitCode = results.some(r => r.violations.length > 0) ? 1 : 0

/** @param {import('./chaos-campaign.js').SeedResult[]} all */
function report(all) {
  const runs = all.flatMap(r => r.runs)
  console.log(
    `\n${all.length} seeds, ${runs.length} runs in ${((Date.now() - startedAt) / 1000).toFixed(0)} s`
  )
  const requests = all.reduce((sum, r) => sum + r.requests, 0)
  /** @type {Record<string, number>} */
  const faults = {}
  for (const r of all) {
    for (const [kind, n] of Object.entries(r.faults)) faults[kind] = (faults[kind] ?? 0) + n
  }
  const injected = Object.values(faults).reduce((a, b) => a + b, 0)
  console.log(`\nFaults injected: ${injected} of ${requests} proxied requests`)
  for (const [kind, n] of Object.entries(faults).sort((a, b) => b[1] - a[1])) {
    console.log(`  ${kind.padEnd(16)} ${n}`)
  }
  console.log('\nRuns that still succeeded:')
  for (const kind of [
    'export',
    'heal',
    'restore-new',
    'restore-over',
    'app-export',
    'app-heal',
    'app-restore'
  ]) {
    const ofKind = runs.filter(r => r.kind === kind)
    if (ofKind.length === 0) continue
    const ok = ofKind.filter(r => r.exitCode === 0).length
    const note = kind.endsWith('heal') ? ' (no faults)' : ''
    console.log(
      `  ${kind.padEnd(13)} ${ok} / ${ofKind.length} (${((ok / ofKind.length) * 100).toFixed(1)} %)${note}`
    )
  }
  const hangs = runs.filter(r => r.killed).length
  console.log(`  killed as hung: ${hangs}`)
  /** @type {Map<string, number>} */
  const causes = new Map()
  for (const r of runs.filter(r => r.exitCode !== 0)) {
    const cause = `${r.kind}: ${generic(r.error)}`
    causes.set(cause, (causes.get(cause) ?? 0) + 1)
  }
  if (causes.size > 0) console.log('\nWhy runs failed (their first error, ids made generic):')
  for (const [cause, n] of [...causes].sort((a, b) => b[1] - a[1])) {
    console.log(`  ${String(n).padStart(3)} × ${cause}`)
  }
  const violations = all.flatMap(r => r.violations)
  console.log(`\nInvariant violations: ${violations.length}`)
  for (const violation of violations) console.log(`  ${violation}`)
}

/** An error line with its ids and numbers made generic, so that alike failures group. @param {string} text */
function generic(text) {
  return (text || '(no error line)')
    .replace(/a-chaos-\d+-\d+/g, '<tool>')
    .replace(/aa-chaos-\d+/g, '<app>')
    .replace(/a-[0-9a-f-]{36}/g, '<tool>')
    .replace(/ds-[0-9a-f-]{36}/g, '<job>')
    .replace(/127\.0\.0\.1:\d+/g, '<proxy>')
    .replace(/\d+(\.\d+)?/g, 'N')
    .slice(0, 240)
}
