// One seed of the fault campaign for agentic apps (resource: app): export runs under faults while
// the app moves from version to version, one run without faults that must heal the folder, then
// a restore of the committed folder over the app under faults. Every check reads what the fakes
// hold afterwards (GitHub's blobs and commits, the app imports Kore.ai received), never the log.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { startArtifactService } from '../__tests__/fakes/artifact-service.js'
import { hash32, mulberry32, startFaultProxy } from '../__tests__/fakes/fault-proxy.js'
import { startGithubApi } from '../__tests__/fakes/github-api.js'
import { startKoreServer } from '../__tests__/fakes/kore-server.js'
import { buildZip } from '../__tests__/fakes/zip.js'
import yauzl from 'yauzl'
import { KILL_AFTER_MS } from './chaos-world.js'
import { RESTORE_ENTRY, runAction } from './run-action.js'

const STEP_TIMEOUT_S = 45

/** @param {number} seed @param {{ rate?: number, exportRuns?: number }} [options] */
export async function runAppSeed(seed, options = {}) {
  const rate = options.rate ?? 0.3
  const random = mulberry32(hash32(`apps|${seed}`))
  const app = `aa-chaos-${seed}`
  const apiKey = `chaos-app-key-${seed}`
  let version = 1
  /** @type {Set<string>} every secure value the app ever exported */
  const secrets = new Set()
  const secretOf = (/** @type {number} */ v) => `chaos-app-secret-${seed}-v${v}`
  const filesOf = (/** @type {number} */ v) => {
    secrets.add(secretOf(v))
    return {
      'app.json': `{"appId":"${app}","version":"v${v}"}`,
      'agents/a.json': `{"id":"ag-1","name":"Agent","prompt":"Version ${v}"}`,
      'tools/t.json': JSON.stringify({
        id: 't-1',
        envVariables: [{ key: 'TOKEN', value: secretOf(v), isSecured: true }]
      })
    }
  }
  const zipOf = (/** @type {number} */ v) =>
    buildZip(Object.entries(filesOf(v)).map(([name, data]) => ({ name, data })))
  const kore = await startKoreServer({
    apiKey,
    apps: { knownApps: [app], appZipFor: (_id, asked) => zipOf(Number(asked.slice(1))) }
  })
  const github = await startGithubApi({ token: `ghs_chaos_apps_${seed}` })
  const artifacts = await startArtifactService()
  const koreProxy = await startFaultProxy({ target: kore.url, seed, rate })
  const githubProxy = await startFaultProxy({ target: github.url, seed: seed ^ 0x5bd1e995, rate })
  kore.linkThrough(koreProxy.url)
  const env = () => ({
    ...artifacts.env,
    GITHUB_API_URL: githubProxy.url,
    GITHUB_REPOSITORY: github.repository,
    GITHUB_REF: 'refs/heads/main'
  })
  const common = {
    host: koreProxy.url,
    resource: 'app',
    'api-key': apiKey,
    timeout: String(STEP_TIMEOUT_S)
  }
  /** @type {{ kind: string, exitCode: number | null, killed: boolean, error: string }[]} */
  const runs = []
  /** @type {string[]} */
  const violations = []
  const record = (
    /** @type {string} */ kind,
    /** @type {import('./run-action.js').ActionRun} */ run,
    /** @type {string[]} */ problems
  ) => {
    runs.push({
      kind,
      exitCode: run.exitCode,
      killed: run.killed,
      error: /^::error::(.*)$/m.exec(run.stdout)?.[1] ?? ''
    })
    violations.push(...problems.map(p => `apps seed ${seed}, run ${runs.length} (${kind}): ${p}`))
    fs.rmSync(run.runnerTemp, { recursive: true, force: true })
  }
  const folder = () => github.files('main', `kore-apps/${app}`)
  /** The version the committed folder holds, checked whole; 0 when nothing is committed. */
  const committed = (/** @type {string[]} */ problems) => {
    const checked = appFolderProblems(folder(), filesOf, secretOf)
    problems.push(...checked.problems)
    return checked.held
  }
  const noSecrets = () => {
    const all = [...secrets, apiKey, github.token]
    const texts = [
      ...[...github.blobs.values()].map(b => b.toString('utf8')),
      ...[...github.commits.values()].map(c => c.message)
    ]
    return texts.some(t => all.some(s => t.includes(s))) ? ['a secret reached GitHub'] : []
  }
  const exportOnce = async (/** @type {string} */ kind) => {
    const run = await runAction(
      {
        ...common,
        'app-id': app,
        'app-version': `v${version}`,
        commit: 'true',
        'commit-timeout': String(STEP_TIMEOUT_S),
        'github-token': github.token,
        overwrite: 'true'
      },
      { env: env(), killAfterMs: KILL_AFTER_MS }
    )
    const problems = noSecrets()
    const held = committed(problems)
    if (run.exitCode === 0 && held !== version)
      problems.push(`succeeded, but the folder holds v${held}, not v${version}`)
    if (kind === 'heal' && run.exitCode !== 0) problems.push('the run without faults failed')
    record(kind, run, problems)
  }
  try {
    for (let n = 0; n < (options.exportRuns ?? 3); n++) {
      if (n > 0 && random() < 0.6) version += 1
      await exportOnce('app-export')
    }
    koreProxy.setRate(0)
    githubProxy.setRate(0)
    await exportOnce('app-heal')
    koreProxy.setRate(rate)
    githubProxy.setRate(rate)
    await restoreOnce()
  } finally {
    await Promise.all([koreProxy.close(), githubProxy.close()])
    await Promise.all([kore.close(), github.close(), artifacts.close()])
  }
  /** @type {Record<string, number>} */
  const faults = {}
  for (const proxy of [koreProxy, githubProxy]) {
    for (const [kind, n] of Object.entries(proxy.counts())) faults[kind] = (faults[kind] ?? 0) + n
  }
  return { seed, runs, violations, faults, requests: koreProxy.log.length + githubProxy.log.length }

  async function restoreOnce() {
    const workspace = fs.mkdtempSync(
      path.join(process.env.KORE_TEMP_ROOT || os.tmpdir(), 'chaos-app-')
    )
    const held = committed([])
    for (const [name, text] of Object.entries(folder())) {
      const file = path.join(workspace, 'b', ...name.split('/'))
      fs.mkdirSync(path.dirname(file), { recursive: true })
      fs.writeFileSync(file, text)
    }
    const importsBefore = kore.appImports.length
    const run = await runAction(
      {
        ...common,
        'app-id': app,
        'app-version': `v${version}`,
        source: 'b',
        'env-values': `TOKEN=${secretOf(held)}`,
        'poll-interval': '1'
      },
      {
        entry: RESTORE_ENTRY,
        env: { ...env(), GITHUB_WORKSPACE: workspace },
        killAfterMs: KILL_AFTER_MS
      }
    )
    fs.rmSync(workspace, { recursive: true, force: true })
    const made = kore.appImports.slice(importsBefore)
    /** @type {string[]} */
    const problems = []
    if (made.length > 1) problems.push(`${made.length} imports: an import was repeated`)
    if (run.exitCode === 0 && made.length !== 1) problems.push('succeeded without an import')
    for (const imported of made) {
      const entries = await unzip(imported.data)
      const got = Object.fromEntries(
        entries.map(([name, data]) => [name, JSON.stringify(JSON.parse(data.toString('utf8')))])
      )
      const want = Object.fromEntries(
        Object.entries(filesOf(held)).map(([n, t]) => [n, JSON.stringify(JSON.parse(t))])
      )
      if (JSON.stringify(got) !== JSON.stringify(Object.fromEntries(Object.entries(want).sort()))) {
        problems.push(`an import did not hold version v${held} with its secret filled`)
      }
    }
    record('app-restore', run, problems)
  }
}

/** A zip's entries, name and bytes, in their order. @param {Buffer} data @returns {Promise<[string, Buffer][]>} */
function unzip(data) {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(data, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error)
      /** @type {[string, Buffer][]} */
      const entries = []
      zip.on('entry', entry => {
        zip.openReadStream(entry, (failed, stream) => {
          if (failed || !stream) return reject(failed)
          /** @type {Buffer[]} */
          const chunks = []
          stream.on('data', chunk => chunks.push(chunk))
          stream.on('end', () => {
            entries.push([entry.fileName, Buffer.concat(chunks)])
            zip.readEntry()
          })
        })
      })
      zip.on('end', () => resolve(entries))
      zip.on('error', reject)
      zip.readEntry()
    })
  })
}

/**
 * What is wrong with a committed app folder: each file must be the version its manifest names,
 * its secret redacted, and no other file there. Exported so the check is tested on planted faults.
 * @param {Record<string, string>} files  the folder as GitHub holds it
 * @param {(version: number) => Record<string, string>} filesOf  each version's export
 * @param {(version: number) => string} secretOf
 */
export function appFolderProblems(files, filesOf, secretOf) {
  /** @type {string[]} */
  const problems = []
  if (Object.keys(files).length === 0) return { held: 0, problems }
  const manifest = JSON.parse(files['.kore-tool-export.json'] ?? '{}')
  const held = Number(String(manifest.appVersion ?? '').slice(1))
  const expected = filesOf(held)
  for (const [name, text] of Object.entries(expected)) {
    const redacted = JSON.stringify(JSON.parse(text), (_key, value) =>
      value === secretOf(held) ? '<redacted>' : value
    )
    let stored
    try {
      stored = JSON.stringify(JSON.parse(files[name] ?? 'null'))
    } catch {
      stored = '(not JSON)'
    }
    if (stored !== redacted)
      problems.push(`the folder's ${name} is not version v${held}'s (its manifest's)`)
  }
  const extra = Object.keys(files).filter(n => n !== '.kore-tool-export.json' && !(n in expected))
  if (extra.length > 0) problems.push(`the folder holds files no version has: ${extra.join(', ')}`)
  return { held, problems }
}
