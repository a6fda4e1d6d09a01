import { afterAll } from '@jest/globals'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'

// Loaded before every test file (jest setupFilesAfterEnv).

// Everything a test file writes to the temp folder (its own files, the bundles' RUNNER_TEMP,
// downloads) goes under one root of its own, removed when the file's tests end (tempDir and
// runAction read KORE_TEMP_ROOT).
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'kore-jest-'))
process.env.KORE_TEMP_ROOT = root
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))

// In-process code under test speaks to the
// runner through workflow commands on stdout (::debug::, ::add-mask::, ::warning::…), which
// would bury jest's report under hundreds of lines. They are kept out of a test run's output;
// KORE_TEST_VERBOSE=1 lets them through. Bundle tests run the action as a child process and
// capture its output themselves.
if (process.env.KORE_TEST_VERBOSE !== '1') {
  const write = process.stdout.write.bind(process.stdout)
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
    const kept = text
      .split(/(?<=\n)/)
      .filter(line => !line.startsWith('::'))
      .join('')
    if (!kept) return true
    return (write as (...args: unknown[]) => boolean)(kept, ...rest)
  }) as typeof process.stdout.write
}
