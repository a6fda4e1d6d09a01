import * as core from '@actions/core'
import { cancelStep, isCancelled } from './cancel.js'
import { messageOf } from './errors.js'
import { removeTemporaryFiles } from './temporary-files.js'

/**
 * How a step ends, for both actions' entry points: it reports once, then the process exits, so
 * that nothing left pending (a library's socket without a time limit) outlives the step's bound.
 * On the runner's SIGINT or SIGTERM it stops, reports what holds then, and exits within
 * REPORT_BOUND_MS, well before the runner's SIGTERM follows its SIGINT (about 7.5 s).
 */

/** The longest a cancelled step spends reporting before it exits regardless. */
export const REPORT_BOUND_MS = 3000

/** The longest the exit waits for stdout and stderr to take the last lines. */
const FLUSH_BOUND_MS = 500

type CancelReport = (reason: string) => Promise<void>

/** One run's outputs and summary: written once, by the run's own end or by a cancellation. */
export class OnceReport {
  private written: Promise<void> | undefined
  private whenCancelled: CancelReport | undefined

  /** What to report if the step is cancelled before the run reports (it reads the run's state). */
  ifCancelled(report: CancelReport): void {
    this.whenCancelled = report
  }

  /** Runs `report` unless a report was already written or is being written. */
  write(report: () => Promise<void>): Promise<void> {
    return (this.written ??= report())
  }

  /**
   * A cancellation: reported as the run said to (which fails the step), or failed plainly before
   * it said how. Once the run's own report is under way, that one stands, and so does its result.
   */
  cancelled(reason: string): Promise<void> {
    if (this.written) return this.written
    const report = this.whenCancelled
    if (!report) {
      core.setFailed(reason)
      return Promise.resolve()
    }
    return this.write(() => report(reason))
  }
}

let current: OnceReport | undefined

/** The report of the run starting now: the one a cancellation writes. */
export function newReport(): OnceReport {
  return (current = new OnceReport())
}

/** Runs the action, then exits with the code it set (setFailed's 1, else 0). */
export async function runStep(run: () => Promise<void>): Promise<void> {
  process.on('SIGINT', () => void cancel('SIGINT'))
  process.on('SIGTERM', () => void cancel('SIGTERM'))
  process.on('exit', removeTemporaryFiles)
  try {
    await run()
  } catch (error) {
    core.setFailed(messageOf(error))
  }
  await exit()
}

/** The first signal stops the step and reports; a second one ends it at once. */
async function cancel(signal: string): Promise<void> {
  if (isCancelled()) return exit()
  const reason = `The step was cancelled (${signal})`
  cancelStep(reason)
  core.info(`${reason}: no further request is sent; reporting, then exiting`)
  setTimeout(() => void exit(), REPORT_BOUND_MS)
  try {
    await (current ?? new OnceReport()).cancelled(reason)
  } catch (error) {
    process.exitCode = 1
    core.warning(`Could not report the cancellation: ${messageOf(error)}`)
  }
  await exit()
}

async function exit(): Promise<never> {
  removeTemporaryFiles()
  await Promise.all([flushed(process.stdout), flushed(process.stderr)])
  process.exit()
}

/** Resolves once the stream has taken what was written to it (or after FLUSH_BOUND_MS). */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise(resolve => {
    const timer = setTimeout(resolve, FLUSH_BOUND_MS)
    stream.write('', () => {
      clearTimeout(timer)
      resolve()
    })
  })
}
