// What must hold after every run of the fault campaign, checked over what the fake servers hold
// (the branch, every blob and commit, the pull requests, Kore.ai's jobs), never over log text.
// Each check returns the violations it found, as sentences.

/** @typedef {Awaited<ReturnType<typeof import('./chaos-world.js').startWorld>>} World */
/** @typedef {import('./run-action.js').ActionRun} ActionRun */

const IMPORTABLE = ['flow_definition.json', 'app_definition.json', 'env_variables.json']

/**
 * The export version each of a tool's committed files comes from, read from the files.
 * @param {World} world
 * @param {string} tool
 * @returns {{ committed: boolean, versions: (number | undefined)[] }}
 */
export function committedVersions(world, tool) {
  const files = world.github.files(world.branch, `kore-tools/${tool}`)
  if (Object.keys(files).length === 0) return { committed: false, versions: [] }
  return {
    committed: true,
    versions: IMPORTABLE.map(name => versionIn(name, files[name]))
  }
}

/** @param {string} name @param {string | undefined} text */
function versionIn(name, text) {
  if (text === undefined) return undefined
  try {
    const json = JSON.parse(text)
    if (name !== 'env_variables.json') return json.exportVersion
    const base = json.find((/** @type {{ key: string }} */ v) => v.key === 'BASE_URL')
    return Number(/\/v(\d+)$/.exec(base?.value ?? '')?.[1])
  } catch {
    return undefined
  }
}

/** The one version a tool's files on main come from, or undefined when they do not agree. */
function versionOnMain(/** @type {World} */ world, /** @type {string} */ tool) {
  const { versions } = committedVersions(world, tool)
  const [first] = versions
  return versions.length > 0 && versions.every(v => v !== undefined && v === first)
    ? first
    : undefined
}

/**
 * After an export run: each tool's files from one export; exit 0 means the branch (main, or the
 * pull request's) holds the current export of every tool; the `changed` outputs agree with
 * what it holds. In pull-request mode main is never written and exit 0 means one open pull
 * request from that branch.
 * @param {World} world
 * @param {ActionRun} run
 * @param {{ head: string | undefined, main: string | undefined }} before  heads before the run
 */
export function checkExport(world, run, before) {
  const problems = [...hang(run), ...checkPullRequest(world, run, before)]
  const head = world.github.head(world.branch)
  /** @param {string} tool */
  const current = tool => versionOnMain(world, tool) === world.versions[tool]
  for (const tool of world.tools) {
    const { committed, versions } = committedVersions(world, tool)
    if (committed && versionOnMain(world, tool) === undefined) {
      problems.push(
        `${tool}'s files on ${world.branch} mix exports (versions ${versions.join(', ')})`
      )
    }
    if (run.exitCode === 0 && !current(tool)) {
      problems.push(
        `exit 0, but ${world.branch} holds ${tool} at ${versions.join('/') || 'nothing'}, not v${world.versions[tool]}`
      )
    }
  }
  const changed = run.outputs.changed ?? ''
  if (changed === 'true' && head === before.head) {
    problems.push('changed=true, but the branch did not move')
  }
  // Which tools it held already is each tool's own changed (below): with one tool failed, the
  // others' false says nothing of the failed one.
  if (changed === 'false' && head !== before.head) {
    problems.push('changed=false, but the branch moved')
  }
  if (!['true', 'false', ''].includes(changed)) problems.push(`changed=${changed}`)
  if (run.exitCode === 0 && changed === '')
    problems.push('exit 0 with commit, but changed is empty')
  for (const result of resultsOf(run)) {
    if (typeof result.changed === 'boolean' && !current(result['tool-id'])) {
      problems.push(
        `${result['tool-id']}: changed=${result.changed}, but the branch is not current`
      )
    }
  }
  return problems
}

/**
 * @param {World} world
 * @param {ActionRun} run
 * @param {{ main: string | undefined }} before
 */
function checkPullRequest(world, run, before) {
  if (!world.pullRequest) return []
  const problems = []
  if (world.github.head('main') !== before.main) problems.push('pull-request mode wrote to main')
  const open = world.github.pulls.filter(p => p.head === world.branch && p.state === 'open')
  if (open.length > 1) problems.push(`${open.length} open pull requests from ${world.branch}`)
  if (run.exitCode === 0 && open.length !== 1) problems.push('exit 0 without an open pull request')
  return problems
}

/** @param {ActionRun} run @returns {{ 'tool-id': string, changed: unknown }[]} */
function resultsOf(run) {
  try {
    const results = JSON.parse(run.outputs.results ?? '[]')
    return Array.isArray(results) ? results : []
  } catch {
    return [{ 'tool-id': '(results)', changed: 'unreadable' }]
  }
}

/**
 * No secure value, API key or token in any blob, commit message or pull request GitHub holds,
 * on a branch or not.
 * @param {World} world
 */
export function checkSecrets(world) {
  const { github } = world
  const secret = [...world.secrets, world.apiKey, github.token]
  /** @type {[string, string][]} */
  const texts = [
    ...[...github.blobs].map(
      ([sha, data]) => /** @type {[string, string]} */ ([`blob ${sha}`, data.toString('utf8')])
    ),
    ...[...github.commits].map(
      ([sha, c]) => /** @type {[string, string]} */ ([`commit ${sha}`, c.message])
    ),
    ...github.pulls.map(
      p =>
        /** @type {[string, string]} */ ([
          `pull #${p.number}`,
          [p.title, p.body, ...p.comments].join('\n')
        ])
    )
  ]
  return texts
    .filter(([, text]) => secret.some(s => text.includes(s)))
    .map(([where]) => `a secret reached GitHub in ${where}`)
}

/**
 * Kore.ai's jobs and imports now, to tell afterwards which ones a restore run made.
 * @param {World} world
 */
export function koreSnapshot(world) {
  return { jobs: new Set(world.kore.jobs.keys()), imports: world.kore.imports.length }
}

/**
 * After a restore run: never two import jobs; no deploy of an unfinished import; exit 0 means
 * the import (of this backup, secret filled) and the deploy happened.
 * @param {World} world
 * @param {ActionRun} run
 * @param {ReturnType<typeof koreSnapshot>} before
 * @param {{ toolId?: string, version: number, secret: string }} expected
 */
export function checkRestore(world, run, before, expected) {
  const problems = hang(run)
  const made = [...world.kore.jobs.values()].filter(job => !before.jobs.has(job.id))
  const imports = made.filter(job => job.action === 'IMPORT')
  const deploys = made.filter(job => job.action === 'DEPLOY')
  if (imports.length > 1) problems.push(`${imports.length} import jobs for one restore`)
  if (deploys.length > 1) problems.push(`${deploys.length} deploy jobs for one restore`)
  for (const deploy of deploys) {
    const finished = imports.some(
      job =>
        job.toolId === deploy.toolId &&
        job.endStatus === 'SUCCESS' &&
        (job.endedAt ?? Infinity) <= deploy.createdAt
    )
    if (!finished) problems.push(`deploy of ${deploy.toolId} before its import finished`)
  }
  if (run.exitCode !== 0) return problems
  const imported = imports.find(job => job.endStatus === 'SUCCESS')
  const deployed = deploys.find(job => job.endStatus === 'SUCCESS')
  const received = world.kore.imports.slice(before.imports)
  if (!imported) problems.push('exit 0 without a finished import')
  if (!deployed) problems.push('exit 0 without a finished deploy')
  if (expected.toolId && imported?.toolId !== expected.toolId) {
    problems.push(`imported into ${imported?.toolId}, not ${expected.toolId}`)
  }
  if (run.outputs['tool-id'] !== imported?.toolId || run.outputs.deployed !== 'true') {
    problems.push(`outputs tool-id=${run.outputs['tool-id']} deployed=${run.outputs.deployed}`)
  }
  const files = received.at(-1)
  if (versionIn('flow_definition.json', files?.flow.toString('utf8')) !== expected.version) {
    problems.push('the import received another flow than the backup')
  }
  if (!files?.env?.toString('utf8').includes(expected.secret)) {
    problems.push('the import did not receive the secret from env-values')
  }
  return problems
}

/** @param {ActionRun} run */
function hang(run) {
  return run.killed ? [`hang: killed after ${(run.wallMs / 1000).toFixed(0)} s`] : []
}
