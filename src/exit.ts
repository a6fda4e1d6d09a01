/**
 * Runs an action's run() and then ends the process, whatever is still pending: a request a
 * bound abandoned (an artifact service that never answers) would otherwise keep Node alive
 * until the job's own limit. The exit code is the one core.setFailed set.
 */
export async function runThenExit(run: () => Promise<void>): Promise<never> {
  try {
    await run()
  } finally {
    await Promise.all([flushed(process.stdout), flushed(process.stderr)])
  }
  process.exit()
}

/** Resolves once everything written so far has been handed over (pipes can be asynchronous). */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise(resolve => stream.write('', () => resolve()))
}
