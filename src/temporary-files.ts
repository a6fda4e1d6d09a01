import * as fs from 'node:fs'

/**
 * Files the step makes for itself (a download in progress holds secure values in clear), which
 * must not outlive it whatever ends it: a self-hosted runner keeps its workspace between jobs.
 * Outputs meant for later steps are never listed here.
 */
const files = new Set<string>()

/** Lists `file` (or a folder the step made) for removal when the step ends; returns what to call once it is dealt with. */
export function removeAtExit(file: string): () => void {
  files.add(file)
  return () => files.delete(file)
}

/**
 * Removes every file still listed; synchronous, so that it can run as the process exits. They
 * stay listed: a write stream still opening could make one again before the exit's last call.
 */
export function removeTemporaryFiles(): void {
  for (const file of files) {
    try {
      fs.rmSync(file, { recursive: true, force: true })
    } catch {
      // Nothing more can be done on the way out; the other files still go.
    }
  }
}
