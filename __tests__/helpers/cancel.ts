import type { ChildProcess } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { ActionRun } from '../../scripts/run-action.js'

/** Resolves once `ready()` holds, checked every 20 ms; throws after `ms`. */
export async function until(ready: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms
  while (!ready()) {
    if (Date.now() > end) throw new Error(`not ready within ${ms} ms`)
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

/**
 * Cancels the step as the runner does, with `signals` (one after the other, at once) once
 * `ready(runnerTemp)` holds. `sent` is when they went; `exitedAfterMs(run)` how long the step
 * took to end after them.
 */
export function cancelWhen(ready: (runnerTemp: string) => boolean, ...signals: NodeJS.Signals[]) {
  const sent = { at: 0 }
  return {
    sent,
    during: async (child: ChildProcess, runnerTemp: string): Promise<void> => {
      await until(() => ready(runnerTemp))
      sent.at = Date.now()
      for (const signal of signals.length > 0 ? signals : ['SIGINT' as const]) child.kill(signal)
    },
    exitedAfterMs: (run: ActionRun): number => run.startedAt + run.wallMs - sent.at
  }
}

/** The names GITHUB_OUTPUT received, in order, once per time each was written. */
export function outputsWritten(run: ActionRun): string[] {
  const text = fs.readFileSync(path.join(run.runnerTemp, 'github_output'), 'utf8')
  return [...text.matchAll(/^([^<=\s]+)<<ghadelimiter_/gm)].map(match => match[1] ?? '')
}

/** Every file under `dir`, relative to it (folders are listed only through their files). */
export function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return []
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(entry => entry.isFile())
    .map(entry => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort()
}
