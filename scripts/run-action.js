// Runs the bundled action (`node dist/index.js`) the way the Actions runner does: inputs as
// INPUT_<NAME> (upper case, hyphens kept), outputs and summary through files. Shared by the
// demo, the bundle tests and the benchmark.
import { spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'

export const ACTION_ENTRY = fileURLToPath(new URL('../dist/index.js', import.meta.url))
/** restore/action.yml's runs.main. */
export const RESTORE_ENTRY = fileURLToPath(new URL('../dist/restore/index.js', import.meta.url))

/**
 * @typedef {object} ActionRun
 * @property {number | null} exitCode
 * @property {string} stdout
 * @property {string} stderr
 * @property {Record<string, string>} outputs
 * @property {string} summary
 * @property {string} runnerTemp
 * @property {number} wallMs
 * @property {number} startedAt  Date.now() just before the process was spawned
 * @property {boolean} killed  whether it was killed for running past `killAfterMs`
 */

/**
 * @typedef {object} RunOptions
 * @property {Record<string, string>} [env]
 * @property {string} [node]
 * @property {string[]} [args]
 * @property {string[]} [prefix]  runs the action under another command, e.g. ['/usr/bin/time', '-v']
 * @property {string} [entry]  the bundle to run (default the export action's, ACTION_ENTRY)
 * @property {(child: import('node:child_process').ChildProcess, runnerTemp: string) => Promise<void>} [during]
 *   runs alongside the action (to signal it, as the runner cancels a step); if it throws, the
 *   action is killed and runAction throws that
 * @property {number} [killAfterMs]  SIGKILL the action if it is still running then (a hang, as a
 *   job's timeout-minutes would; exitCode null, killed true)
 */

/**
 * @param {Record<string, string>} inputs  action inputs by their action.yml names
 * @param {RunOptions} [options]
 * @returns {Promise<ActionRun>}
 */
export async function runAction(inputs, options = {}) {
  // KORE_TEMP_ROOT: the test run's own temp root, removed after each test file.
  const runnerTemp = fs.mkdtempSync(
    path.join(process.env.KORE_TEMP_ROOT || os.tmpdir(), 'kore-action-')
  )
  const outputFile = path.join(runnerTemp, 'github_output')
  const summaryFile = path.join(runnerTemp, 'step_summary')
  fs.writeFileSync(outputFile, '')
  fs.writeFileSync(summaryFile, '')
  /** @type {Record<string, string>} */
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? os.homedir(),
    RUNNER_TEMP: runnerTemp,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_ACTIONS: 'true',
    ...options.env
  }
  for (const [name, value] of Object.entries(inputs)) {
    env[`INPUT_${name.toUpperCase()}`] = value
  }
  const command = [
    ...(options.prefix ?? []),
    // ACTION_NODE runs the action under another Node.js (CI uses it for Node 24).
    options.node ?? process.env.ACTION_NODE ?? process.execPath,
    ...(options.args ?? []),
    options.entry ?? ACTION_ENTRY
  ]
  const started = Date.now()
  const child = spawn(command[0] ?? '', command.slice(1), {
    env,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', chunk => (stdout += chunk))
  child.stderr.on('data', chunk => (stderr += chunk))
  /** @type {Promise<number | null>} */
  const closed = new Promise(resolve => child.on('close', code => resolve(code)))
  let killed = false
  const killer = options.killAfterMs
    ? setTimeout(() => {
        killed = true
        child.kill('SIGKILL')
      }, options.killAfterMs)
    : undefined
  try {
    await options.during?.(child, runnerTemp)
  } catch (error) {
    child.kill('SIGKILL')
    await closed
    throw error
  }
  const exitCode = await closed
  clearTimeout(killer)
  return {
    exitCode,
    stdout,
    stderr,
    outputs: parseOutputFile(fs.readFileSync(outputFile, 'utf8')),
    summary: fs.readFileSync(summaryFile, 'utf8'),
    runnerTemp,
    wallMs: Date.now() - started,
    startedAt: started,
    killed
  }
}

/**
 * Reads GITHUB_OUTPUT's `name<<delimiter` blocks, as the runner does.
 * @param {string} text
 * @returns {Record<string, string>}
 */
export function parseOutputFile(text) {
  /** @type {Record<string, string>} */
  const outputs = {}
  const lines = text.split(os.EOL)
  for (let i = 0; i < lines.length; i++) {
    const match = (lines[i] ?? '').match(/^([^<=]+)<<(.+)$/)
    if (!match) continue
    const [, name, delimiter] = match
    const value = []
    while (++i < lines.length && lines[i] !== delimiter) value.push(lines[i])
    outputs[name ?? ''] = value.join(os.EOL)
  }
  return outputs
}
