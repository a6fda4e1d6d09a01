// One seed's world for the fault campaign (`npm run chaos`, __tests__/chaos.test.ts): the fake
// Kore.ai, the fake GitHub API and the fake artifact service, a fault proxy in front of the
// first two, tools whose export changes from one version to the next, and the two bundles run
// against it all exactly as the runner runs them.
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import { startArtifactService } from '../__tests__/fakes/artifact-service.js'
import { startFaultProxy } from '../__tests__/fakes/fault-proxy.js'
import { startGithubApi } from '../__tests__/fakes/github-api.js'
import { startKoreServer } from '../__tests__/fakes/kore-server.js'
import { buildZip } from '../__tests__/fakes/zip.js'
import { RESTORE_ENTRY, runAction } from './run-action.js'

/** Per-tool `timeout` and `commit-timeout` of every run, in seconds. */
const STEP_TIMEOUT_S = 45
/** A run still going this long after it started hangs: it is killed and counted as a failure. */
export const KILL_AFTER_MS = (2 * STEP_TIMEOUT_S + 30) * 1000

/**
 * @typedef {object} WorldOptions
 * @property {number} seed
 * @property {number} rate  share of requests through a proxy that get a fault
 * @property {string[]} tools  tool ids
 * @property {boolean} [faultGithub]  put the proxy in front of the GitHub API too (default true)
 * @property {boolean} [pullRequest]  export with pull-request: true instead of committing to main
 */

/** @param {WorldOptions} options */
export async function startWorld(options) {
  const { seed, tools } = options
  const apiKey = `chaos-api-key-${seed}`
  /** @type {Record<string, number>} tool id → the version Kore.ai exports now */
  const versions = Object.fromEntries(tools.map(tool => [tool, 1]))
  /** Every secure value Kore.ai ever exported: none may reach GitHub. */
  const secrets = new Set()
  const kore = await startKoreServer({
    apiKey,
    jobPolls: 1,
    deployPolls: 1,
    knownTools: tools,
    zipFor: tool => exportOf(tool, versions[tool] ?? 1)
  })
  const github = await startGithubApi({ token: `ghs_chaos_${seed}` })
  const artifacts = await startArtifactService()
  const koreProxy = await startFaultProxy({ target: kore.url, seed, rate: options.rate })
  const githubProxy = await startFaultProxy({
    target: github.url,
    seed: seed + 0x9e3779b9,
    rate: options.faultGithub === false ? 0 : options.rate
  })
  // Download links must lead through the proxy too: the key goes only to host's origin.
  kore.linkThrough(koreProxy.url)
  let runNumber = 0
  const single = tools.length === 1
  // The branch the export commits to: main, or the pull request's branch as the action names it.
  const paths = tools.map(tool => `kore-tools/${tool}`).sort()
  const digest = createHash('sha256').update(paths.join('\n')).digest('hex').slice(0, 12)
  const branch = !options.pullRequest
    ? 'main'
    : `kore-tool-export/into-main/${single ? tools[0] : `batch-${digest}`}`

  /** @param {string} tool @param {number} version */
  function secretOf(tool, version) {
    return `chaos-secret-${seed}-${tool}-v${version}`
  }

  /** The export of one tool at one version: each file says which version it belongs to. */
  function exportOf(/** @type {string} */ tool, /** @type {number} */ version) {
    secrets.add(secretOf(tool, version))
    return buildZip([
      {
        name: 'flow_definition.json',
        data: `{"toolId":"${tool}","exportVersion":${version},"nodes":[{"id":"start","type":"start","next":"ai"},{"id":"ai","type":"aiNode","prompt":"Version ${version}"}],"hyperParameters":{"maxTokens":12345678901234567890,"topP":1.50}}`
      },
      { name: 'app_definition.json', data: `{"name":"Tool ${tool}","exportVersion":${version}}` },
      {
        name: 'env_variables.json',
        data: JSON.stringify([
          { key: 'BASE_URL', value: `https://example.com/v${version}`, isSecured: false },
          { key: 'TOKEN', value: secretOf(tool, version), isSecured: true }
        ])
      }
    ])
  }

  /** What every run of this world has in its environment, as a runner on main gives it. */
  function runnerEnv() {
    runNumber += 1
    return {
      ...artifacts.env,
      GITHUB_API_URL: githubProxy.url,
      GITHUB_REPOSITORY: github.repository,
      GITHUB_REF: 'refs/heads/main',
      GITHUB_RUN_ID: `${seed}${String(runNumber).padStart(3, '0')}`,
      GITHUB_RUN_ATTEMPT: '1'
    }
  }

  /**
   * The export action over every tool, committing to main.
   * @param {number} maxParallel
   */
  async function runExport(maxParallel) {
    const run = await runAction(
      {
        host: koreProxy.url,
        'api-key': apiKey,
        // One tool is named as most workflows name it; several as a batch.
        ...(single ? { 'tool-id': tools[0] ?? '' } : { tools: tools.join('\n') }),
        'max-parallel': String(maxParallel),
        'pull-request': String(options.pullRequest ?? false),
        'poll-interval': '1',
        timeout: String(STEP_TIMEOUT_S),
        commit: 'true',
        'commit-timeout': String(STEP_TIMEOUT_S),
        'github-token': github.token,
        overwrite: 'true'
      },
      { env: runnerEnv(), killAfterMs: KILL_AFTER_MS }
    )
    fs.rmSync(run.runnerTemp, { recursive: true, force: true })
    return run
  }

  /**
   * The restore action, from the folder the export committed, with the secret it redacted.
   * @param {string} workspace  holds the backup under `source`
   * @param {string} source
   * @param {{ 'tool-id': string } | { 'tool-name': string }} target
   * @param {string} secret
   */
  async function runRestore(workspace, source, target, secret) {
    const run = await runAction(
      {
        host: koreProxy.url,
        'api-key': apiKey,
        source,
        ...target,
        'env-values': `TOKEN=${secret}`,
        deploy: 'true',
        'poll-interval': '1',
        timeout: String(STEP_TIMEOUT_S)
      },
      {
        entry: RESTORE_ENTRY,
        env: { ...runnerEnv(), GITHUB_WORKSPACE: workspace },
        killAfterMs: KILL_AFTER_MS
      }
    )
    fs.rmSync(run.runnerTemp, { recursive: true, force: true })
    return run
  }

  /** Faults injected so far by both proxies, by kind. */
  function faults() {
    /** @type {Record<string, number>} */
    const sum = {}
    for (const proxy of [koreProxy, githubProxy]) {
      for (const [kind, n] of Object.entries(proxy.counts())) sum[kind] = (sum[kind] ?? 0) + n
    }
    return sum
  }

  return {
    seed,
    tools,
    branch,
    pullRequest: options.pullRequest ?? false,
    apiKey,
    versions,
    secrets,
    secretOf,
    kore,
    github,
    koreProxy,
    githubProxy,
    runExport,
    runRestore,
    faults,
    /** Requests that went through the proxies. */
    requests: () => koreProxy.log.length + githubProxy.log.length,
    /** @param {number} rate */
    setRate(rate) {
      koreProxy.setRate(rate)
      githubProxy.setRate(options.faultGithub === false ? 0 : rate)
    },
    async close() {
      await Promise.all([koreProxy.close(), githubProxy.close()])
      await Promise.all([kore.close(), github.close(), artifacts.close()])
    }
  }
}
