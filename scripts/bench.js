// `npm run bench`: speed and memory of the bundled action (`node dist/index.js`, run as the
// runner runs it) against the fake Kore.ai server on 127.0.0.1. Prints a table and writes the
// figures to bench-results.json. Medians of several runs; ratios rather than absolute times,
// since shared machines drift. BENCH_RUNS sets the runs per figure (default 5).
import { spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { startGithubApi } from '../__tests__/fakes/github-api.js'
import { startKoreServer } from '../__tests__/fakes/kore-server.js'
import { buildZip, sampleExport } from '../__tests__/fakes/zip.js'
import { runAction } from './run-action.js'

const RUNS = Number(process.env.BENCH_RUNS || 5)
const GiB = 1024 * 1024 * 1024
const results = { runs: RUNS, node: process.version, cpus: os.cpus().length, figures: {} }

/** @param {number[]} values */
const median = values => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}
/** @param {number} ms */
const s = ms => `${(ms / 1000).toFixed(2)} s`
/** @param {string} name @param {unknown} value */
const record = (name, value) => Object.assign(results.figures, { [name]: value })

/** @param {Record<string, string>} inputs @param {Parameters<typeof runAction>[1]} [options] */
async function run(inputs, options) {
  const result = await runAction(
    { 'api-key': 'bench-key', 'upload-artifact': 'false', ...inputs },
    options
  )
  if (result.exitCode !== 0)
    throw new Error(`the action failed:\n${result.stdout}\n${result.stderr}`)
  fs.rmSync(result.runnerTemp, { recursive: true, force: true })
  return result
}

async function coldStart() {
  const kore = await startKoreServer({ apiKey: 'bench-key', jobPolls: 0 })
  const times = []
  for (let i = 0; i < RUNS; i++) {
    const before = kore.requests.length
    const result = await run({ host: kore.url, 'tool-id': 'a-cold' })
    times.push((kore.requests[before]?.at ?? NaN) - result.startedAt)
  }
  await kore.close()
  record('coldStartMs', median(times))
  return [['cold start (process start → first request)', s(median(times)), '', '']]
}

/** Wall time minus the server-side job time, over job lengths spread across one interval. */
async function overhead() {
  const rows = []
  for (const interval of [2, 1]) {
    const overheads = []
    for (let i = 0; i < RUNS; i++) {
      const jobMs = 2000 + Math.round(((i + 0.5) / RUNS) * interval * 1000)
      const kore = await startKoreServer({ apiKey: 'bench-key', jobPolls: 0, jobMs })
      const result = await run({
        host: kore.url,
        'tool-id': 'a-small',
        'poll-interval': String(interval)
      })
      overheads.push(result.wallMs - jobMs)
      await kore.close()
    }
    const target = (interval / 2 + 0.5) * 1000
    record(`overheadMs_pollInterval${interval}`, median(overheads))
    rows.push([
      `overhead, poll-interval ${interval}`,
      s(median(overheads)),
      `< ${s(target)}`,
      verdict(median(overheads) < target)
    ])
  }
  return rows
}

/** A 1 GiB export: the action's transfer against curl's, and the action's peak memory. */
async function largeDownload() {
  const payload = Buffer.alloc(GiB)
  for (let offset = 0; offset < GiB; offset += 4096) payload.writeUInt32LE(offset, offset)
  const zip = buildZip([{ name: 'flow_definition.json', data: payload, store: true }])
  const kore = await startKoreServer({ apiKey: 'bench-key', jobPolls: 0, zipFor: () => zip })
  /** @type {number[]} */ const action = []
  /** @type {number[]} */ const actionTotal = []
  /** @type {number[]} */ const actionRss = []
  /** @type {number[]} */ const curl = []
  /** @type {number[]} */ const curlRss = []
  for (let i = 0; i < RUNS; i++) {
    // Flush dirty pages first: otherwise whoever runs second pays for the other's writes.
    await exec('sync', [])
    const result = await run(
      { host: kore.url, 'tool-id': 'a-large', 'max-download-size': '2GiB' },
      { prefix: ['/usr/bin/time', '-v'] }
    )
    const [download] = kore.requestsTo('download').slice(-1)
    action.push(download?.servedMs ?? NaN)
    actionTotal.push(result.startedAt + result.wallMs - (download?.at ?? NaN))
    actionRss.push(maxRssMb(result.stderr))

    const [job] = [...kore.jobs.values()].slice(-1)
    const url = `${kore.url}${job?.downloadPath}`
    const target = path.join(os.tmpdir(), `bench-curl-${process.pid}.zip`)
    const started = kore.requestsTo('download').length
    await exec('sync', [])
    const curlRun = await exec('/usr/bin/time', [
      '-v',
      'curl',
      '-sS',
      '-o',
      target,
      '-H',
      'x-api-key: bench-key',
      url
    ])
    curl.push(kore.requestsTo('download')[started]?.servedMs ?? NaN)
    curlRss.push(maxRssMb(curlRun.stderr))
    fs.rmSync(target, { force: true })
  }
  await kore.close()
  const mbps = (/** @type {number} */ ms) => zip.length / (1024 * 1024) / (ms / 1000)
  const ratio = mbps(median(action)) / mbps(median(curl))
  record('download', {
    bytes: zip.length,
    actionTransferMBps: mbps(median(action)),
    curlTransferMBps: mbps(median(curl)),
    actionOverCurl: ratio,
    actionDownloadAndVerifyMs: median(actionTotal),
    actionPeakRssMB: median(actionRss),
    curlPeakRssMB: median(curlRss)
  })
  return [
    ['1 GiB transfer: action', `${mbps(median(action)).toFixed(0)} MB/s`, '', ''],
    ['1 GiB transfer: curl', `${mbps(median(curl)).toFixed(0)} MB/s`, '', ''],
    ['1 GiB transfer: action / curl', ratio.toFixed(2), '≥ 0.80', verdict(ratio >= 0.8)],
    ['1 GiB: download + verify + exit (action)', s(median(actionTotal)), '', ''],
    [
      '1 GiB: peak RSS, action',
      `${median(actionRss).toFixed(0)} MB`,
      '< 150 MB',
      verdict(median(actionRss) < 150)
    ],
    ['1 GiB: peak RSS, curl', `${median(curlRss).toFixed(0)} MB`, '', '']
  ]
}

/** 20 tools with 3 s jobs at several max-parallel, against 20 × one tool. */
async function batch() {
  const kore = await startKoreServer({ apiKey: 'bench-key', jobPolls: 0, jobMs: 3000 })
  const tools = Array.from({ length: 20 }, (_, i) => `a-batch-${i + 1}`)
  const single = []
  for (let i = 0; i < RUNS; i++) {
    single.push((await run({ host: kore.url, 'tool-id': 'a-single', 'poll-interval': '1' })).wallMs)
  }
  const rows = [['one tool, 3 s job, poll-interval 1', s(median(single)), '', '']]
  const figures = { singleMs: median(single) }
  for (const parallel of [1, 4, 8]) {
    const walls = []
    // Serial batches take 20 jobs' time: once is enough to see it.
    for (let i = 0; i < (parallel === 1 ? 1 : RUNS); i++) {
      const result = await run({
        host: kore.url,
        tools: tools.join('\n'),
        'max-parallel': String(parallel),
        'poll-interval': '1'
      })
      walls.push(result.wallMs)
    }
    const ratio = median(walls) / median(single)
    Object.assign(figures, {
      [`maxParallel${parallel}Ms`]: median(walls),
      [`maxParallel${parallel}OverSingle`]: ratio
    })
    rows.push([
      `20 tools, max-parallel ${parallel} (× one tool; 20 × = ${s(20 * median(single))})`,
      `${s(median(walls))} (${ratio.toFixed(2)}×)`,
      parallel === 8 ? '< 2.50×' : '',
      parallel === 8 ? verdict(ratio < 2.5) : ''
    ])
  }
  await kore.close()
  record('batch', figures)
  return rows
}

/**
 * 300 tools with commit: true against the fake GitHub (Octokit's retry and throttling plugins at
 * their real settings): a first backup, an unchanged re-run, and a run where one tool changed.
 * The commit phase runs from the first GitHub request to the end of the process.
 */
async function commitAtScale() {
  let changedTool = ''
  const kore = await startKoreServer({
    apiKey: 'bench-key',
    jobPolls: 0,
    zipFor: toolId => sampleExport(toolId === changedTool ? `${toolId}-v2` : toolId)
  })
  const github = await startGithubApi()
  // The same first backup without the scan, into a repository of its own: what the scan costs.
  const unscanned = await startGithubApi()
  // And with env-variables: encrypt (one age file per tool), into another: what sealing costs.
  const sealed = await startGithubApi()
  const { generateIdentity } = await import('age-encryption')
  const secretsKey = await generateIdentity()
  const tools = Array.from({ length: 300 }, (_, i) => `a-scale-${i + 1}`)
  const rows = []
  const figures = {}
  for (const { name, change, scan, encrypt = false } of [
    { name: 'first backup, secret-scan: off', change: '', scan: 'off' },
    { name: 'first backup', change: '', scan: 'refuse' },
    { name: 'unchanged re-run', change: '', scan: 'refuse' },
    { name: 'one tool changed', change: 'a-scale-42', scan: 'refuse' },
    { name: 'first backup, env-variables: encrypt', change: '', scan: 'refuse', encrypt: true },
    { name: 'unchanged re-run, env-variables: encrypt', change: '', scan: 'refuse', encrypt: true }
  ]) {
    changedTool = change
    const hub = scan === 'off' ? unscanned : encrypt ? sealed : github
    const before = hub.counts()
    const firstRequest = hub.requests.length
    const result = await run(
      {
        host: kore.url,
        tools: tools.join('\n'),
        'max-parallel': '16',
        'poll-interval': '1',
        commit: 'true',
        'github-token': hub.token,
        'secret-scan': scan,
        ...(encrypt ? { 'env-variables': 'encrypt', 'secrets-key': secretsKey } : {})
      },
      {
        env: hub.env
      }
    )
    const reads = hub.counts().reads - before.reads
    const writes = hub.counts().writes - before.writes
    const commitMs = result.startedAt + result.wallMs - (hub.requests[firstRequest]?.at ?? NaN)
    const { stageMs, scanMs } = commitStage(result, kore.requests)
    Object.assign(figures, { [name]: { reads, writes, commitMs, stageMs, scanMs } })
    /** @type {Record<string, [string, boolean]>} */
    const targets = {
      'first backup, secret-scan: off': ['', true],
      'first backup': ['≤ 10 / ≤ 10, ≤ 5 s', reads <= 10 && writes <= 10 && stageMs <= 5000],
      'unchanged re-run': ['0 writes, ≤ 5 s', writes === 0 && stageMs <= 5000],
      'one tool changed': ['≤ 4 writes, ≤ 5 s', writes <= 4 && stageMs <= 5000],
      'first backup, env-variables: encrypt': ['≤ 5 s', stageMs <= 5000],
      // Every sealed file decrypts to the same values: kept as committed, nothing written.
      'unchanged re-run, env-variables: encrypt': [
        '0 writes, ≤ 5 s',
        writes === 0 && stageMs <= 5000
      ]
    }
    const [target = '', met = true] = targets[name] ?? []
    rows.push([
      `300 tools, commit, ${name}: reads / writes, commit stage (secret scan; GitHub phase)`,
      `${reads} / ${writes}, ${s(stageMs)} (${scan === 'off' ? 'none' : s(scanMs)}; ${s(commitMs)})`,
      target,
      target ? verdict(met) : ''
    ])
  }
  await kore.close()
  await github.close()
  await unscanned.close()
  await sealed.close()
  record('commitAtScale', figures)
  return rows
}

/** A minified flow of about 800 KiB: many nodes with long prompts, as real flows reach. */
function largeFlow(reversePrompts = false) {
  const nodes = Array.from({ length: 2000 }, (_, i) => {
    const words = Array.from({ length: 40 }, (_, w) => `word${(i * 7 + w) % 97}`)
    return {
      id: `n${i}`,
      type: 'genai',
      prompt: (reversePrompts ? words.reverse() : words).join(' '),
      settings: { temperature: 0.7, maxTokens: 1024, tools: [{ name: `t${i}`, args: [1, 2] }] }
    }
  })
  return JSON.stringify({ nodes })
}

/** Re-indenting alone, in process: the bundle's own json-text module, built for the bench. */
async function reindent() {
  const out = path.join('.tmp', 'bench-json-text')
  await exec('npx', ['ncc', 'build', 'src/backup/json-text.ts', '-o', out, '--quiet'])
  const { reindentJson } = await import(path.resolve(out, 'index.js'))
  const flow = largeFlow()
  const rates = []
  for (let i = 0; i < RUNS * 4; i++) {
    const started = performance.now()
    Buffer.from(reindentJson(flow), 'utf8')
    rates.push(flow.length / 1e6 / ((performance.now() - started) / 1000))
  }
  const rate = median(rates.slice(RUNS))
  record('reindentMBps', rate)
  return [
    [
      `re-indent a ${(flow.length / 1024).toFixed(0)} KiB minified flow`,
      `${rate.toFixed(0)} MB/s`,
      '≥ 20 MB/s',
      verdict(rate >= 20)
    ]
  ]
}

/** One tool whose flow is ~800 KiB minified: first backup, then every prompt reordered. */
async function largeFlowCommit() {
  let flow = largeFlow()
  const kore = await startKoreServer({
    apiKey: 'bench-key',
    jobPolls: 0,
    zipFor: () =>
      buildZip([
        { name: 'flow_definition.json', data: flow },
        { name: 'app_definition.json', data: '{}' },
        { name: 'env_variables.json', data: '[]' }
      ])
  })
  const github = await startGithubApi()
  const rows = []
  const figures = {}
  for (const name of ['first backup', 'every prompt reordered']) {
    if (name !== 'first backup') flow = largeFlow(true)
    const firstRequest = github.requests.length
    const result = await run(
      {
        host: kore.url,
        'tool-id': 'a-large',
        'poll-interval': '1',
        commit: 'true',
        'github-token': github.token
      },
      { env: github.env }
    )
    const commitMs = result.startedAt + result.wallMs - (github.requests[firstRequest]?.at ?? NaN)
    const { stageMs, scanMs } = commitStage(result, kore.requests)
    Object.assign(figures, { [name]: { commitMs, stageMs, scanMs } })
    rows.push([
      `${(flow.length / 1024).toFixed(0)} KiB flow, commit stage (secret scan; GitHub phase), ${name}`,
      `${s(stageMs)} (${s(scanMs)}; ${s(commitMs)})`,
      '≤ 5 s',
      verdict(stageMs <= 5000)
    ])
  }
  await kore.close()
  await github.close()
  record('largeFlowCommitMs', figures)
  return rows
}

/**
 * The commit stage as the action's commit-timeout counts it: from the last Kore.ai request (the
 * last download) to the end of the process: preparing the files, the secret scan, the change
 * report and every GitHub request. The scan's own time is what the action logs of it.
 * @param {{ startedAt: number, wallMs: number, stdout: string }} result
 * @param {{ at: number }[]} koreRequests
 */
function commitStage(result, koreRequests) {
  const stageMs = result.startedAt + result.wallMs - (koreRequests.at(-1)?.at ?? NaN)
  const match = result.stdout.match(
    /secret-scan: \w+: (\d+) files of \d+ tool\(s\) scanned in ([\d.]+) s/
  )
  return {
    stageMs,
    scanMs: match ? Number(match[2]) * 1000 : NaN,
    scannedFiles: Number(match?.[1] ?? 0)
  }
}

/** @param {string} stderr */
function maxRssMb(stderr) {
  const match = stderr.match(/Maximum resident set size \(kbytes\): (\d+)/)
  return match ? Number(match[1]) / 1024 : NaN
}

/** @param {boolean} ok */
const verdict = ok => (ok ? 'met' : 'NOT met')

/** @param {string} command @param {string[]} args @returns {Promise<{ stderr: string }>} */
function exec(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', chunk => (stderr += chunk))
    child.on('close', code =>
      code === 0 ? resolve({ stderr }) : reject(new Error(`${command} failed: ${stderr}`))
    )
  })
}

const rows = [['figure', 'value', 'target', '']]
const only = process.env.BENCH_ONLY?.split(',')
for (const part of [
  coldStart,
  overhead,
  largeDownload,
  batch,
  commitAtScale,
  reindent,
  largeFlowCommit
].filter(p => !only || only.includes(p.name))) {
  process.stderr.write(`running ${part.name}…\n`)
  rows.push(...(await part()))
}
const widths = [0, 1, 2, 3].map(i => Math.max(...rows.map(r => String(r[i]).length)))
for (const row of rows)
  console.log(
    row
      .map((cell, i) => String(cell).padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd()
  )
fs.writeFileSync('bench-results.json', `${JSON.stringify(results, null, 2)}\n`)
console.log(`\n${RUNS} runs per figure (medians); figures written to bench-results.json`)
