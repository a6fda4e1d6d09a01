import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import type { RetryPolicy } from '../../src/retry.js'

/** Retries as the action does them, only quicker, so tests stay fast. */
export const FAST_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 10, maxDelayMs: 50 }

/** A fresh folder under the test file's own temp root (removed after its tests; see test-setup). */
export function tempDir(prefix = 'kore-test-'): string {
  return fs.mkdtempSync(path.join(process.env.KORE_TEMP_ROOT || os.tmpdir(), prefix))
}

export function filesIn(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []
}

/** Sets INPUT_* variables the way the runner does; returns a function that removes them. */
export function setInputs(inputs: Record<string, string>): () => void {
  const names = Object.keys(inputs).map(name => `INPUT_${name.toUpperCase()}`)
  Object.entries(inputs).forEach(([name, value]) => {
    process.env[`INPUT_${name.toUpperCase()}`] = value
  })
  return () => names.forEach(name => delete process.env[name])
}

/** A throwaway certificate for 127.0.0.1 made with the machine's openssl; `file` is its PEM. */
export function selfSignedCertificate(): { key: Buffer; cert: Buffer; file: string } {
  const dir = tempDir('kore-cert-')
  const key = path.join(dir, 'key.pem')
  const cert = path.join(dir, 'cert.pem')
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1'
    ].concat(['-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert]),
    { stdio: 'ignore' }
  )
  return { key: fs.readFileSync(key), cert: fs.readFileSync(cert), file: cert }
}
