import * as core from '@actions/core'
import { md, ToolReport } from '../../backup/report/render.js'
import { scannableText } from '../../backup/app-export.js'
import { messageOf } from '../../errors.js'
import { Input } from '../../input-names.js'
import {
  KnownSecret,
  listFindings,
  loadSecretScanner,
  SecretScanMode,
  SecretScanner,
  Span
} from '../../secret-scan.js'

/**
 * secret-scan on what a commit writes: each tool's files (a hit refuses that tool), the change
 * report of each (a hit leaves it out), then the message, title and body as a whole.
 */

export interface SecretCheck {
  mode: Exclude<SecretScanMode, 'off'>
  scanner: SecretScanner
}

/** The scan for this run's commit; undefined with secret-scan: off. */
export async function newSecretCheck(
  mode: SecretScanMode,
  credentials: { apiKey: string; githubToken: string },
  secureValues: KnownSecret[]
): Promise<SecretCheck | undefined> {
  if (mode === 'off') return undefined
  const known = [
    { label: Input.ApiKey, value: credentials.apiKey },
    { label: Input.GithubToken, value: credentials.githubToken },
    ...secureValues
  ]
  return { mode, scanner: await loadSecretScanner(known) }
}

/** Throws (refuse) or warns (warn) when a tool's files hold what looks like a secret. */
export async function checkToolFiles(
  check: SecretCheck,
  toolId: string,
  files: Map<string, Buffer>,
  kept: Map<string, Span[]>
): Promise<void> {
  const texts = [...files].map(([name, data]) => ({
    name,
    text: scannableText(data),
    allowed: kept.get(name)
  }))
  const found = await check.scanner.scan(texts).catch((error: unknown) => {
    throw new Error(`not committed: the secret scan failed: ${messageOf(error)}`, { cause: error })
  })
  if (found.length === 0) return
  const list = listFindings(found)
  if (check.mode === 'refuse') {
    throw new Error(
      `not committed: the secret scan flags ${list}. Nothing of this tool is committed (the artifact keeps the export); move the value into a secure variable in Kore.ai, or set secret-scan: warn if it is not a secret`
    )
  }
  core.warning(`${toolId}: secret-scan: warn: committed although the secret scan flags ${list}`)
}

/**
 * The change report shows old values too (what the branch held): a report whose text looks like
 * it holds a secret is replaced by a line saying why (refuse), or warned about (warn).
 */
export async function checkReports(
  check: SecretCheck,
  reports: Map<string, ToolReport>
): Promise<void> {
  const directories = [...reports.keys()]
  const texts = [...reports.values()].map(report => ({
    name: `the change report of ${report.toolId}`,
    text: [...report.markdown, ...report.plain].join('\n')
  }))
  for (const found of await check.scanner.scanRendered(texts)) {
    const directory = directories[found.index] ?? ''
    const report = reports.get(directory)
    if (!report) continue
    const list = listFindings([found])
    if (check.mode === 'warn') {
      core.warning(`secret-scan: warn: ${list}; the report is shown anyway`)
      continue
    }
    const note = `The change report is left out: the secret scan flags its text (${list}), likely in what the branch held before. The files themselves passed the scan.`
    core.warning(`${report.toolId}: ${note}`)
    reports.set(directory, { toolId: report.toolId, markdown: [md(note)], plain: [note] })
  }
}

/** The commit message, pull request title and body: a hit refuses the whole commit (refuse). */
export async function checkDescription(
  check: SecretCheck,
  texts: Record<string, string>
): Promise<void> {
  const found = await check.scanner.scanRendered(
    Object.entries(texts).map(([name, text]) => ({ name, text }))
  )
  if (found.length === 0) return
  const list = listFindings(found)
  if (check.mode === 'refuse') {
    throw new Error(`not committed: the secret scan flags ${list}`)
  }
  core.warning(`secret-scan: warn: ${list}; committed anyway`)
}
