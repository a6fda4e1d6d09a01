import * as core from '@actions/core'
import type { CommitResult } from './deliver/commit.js'
import { messageOf } from '../errors.js'
import type { ExportRecord } from './record.js'
import { MAX_PULL_REQUEST_BODY, reportMarkdown } from '../backup/report/compose.js'
import { ReportInputs, reportsOf, writeSummary } from './summary.js'

/** One object per tool in the `results` output. */
export interface ToolResult {
  /** The tool's id, or the app's with resource: app. */
  'tool-id': string
  /** With resource: app, the version exported. */
  'app-version'?: string
  status: string
  file: string
  sha256: string
  'artifact-id': number | null
  changed: boolean | null
  error: string | null
}

/** Sets every output and writes the job summary, whether the step succeeded or not. */
export async function reportResults(
  inputs: ReportInputs,
  records: ExportRecord[],
  commit: CommitResult | undefined
): Promise<void> {
  // The single-tool outputs describe tool-id; with tools, `results` does.
  const single = inputs.batch ? undefined : records[0]
  core.setOutput('status', single?.job?.status ?? '')
  core.setOutput('dock-status-id', single?.job?.dockStatusId ?? '')
  core.setOutput('export-job-id', single?.job?.exportJobId ?? '')
  core.setOutput('file', single?.zip?.file ?? '')
  core.setOutput('sha256', single?.zip?.sha256 ?? '')
  core.setOutput('size', single?.zip ? String(single.zip.size) : '')
  core.setOutput('artifact-id', single?.artifact ? String(single.artifact.id) : '')
  core.setOutput('artifact-url', single?.artifact?.url ?? '')
  core.setOutput('artifact-digest', single?.artifact?.digest ?? '')
  core.setOutput('changed', inputs.check ? '' : changedOutput(records, commit))
  core.setOutput('drifted', inputs.check ? driftedOutput(records, commit) : '')
  core.setOutput('commit-sha', commit?.commitSha ?? '')
  core.setOutput('commit-url', commit?.commitUrl ?? '')
  core.setOutput('pull-request-number', commit?.pullRequestNumber?.toString() ?? '')
  core.setOutput('pull-request-url', commit?.pullRequestUrl ?? '')
  const opened = commit?.pullRequestOpened
  core.setOutput('pull-request-opened', opened === undefined ? '' : String(opened))
  core.setOutput('results', JSON.stringify(records.map(toResult)))
  core.setOutput('report', reportMarkdown(reportsOf(records), MAX_PULL_REQUEST_BODY))
  try {
    await writeSummary(inputs, records, commit)
  } catch (error) {
    core.warning(`Could not write the job summary: ${messageOf(error)}`)
  }
}

/**
 * `true` when this run committed; `false` only when the branch already held every export; else
 * empty (no commit could be made, or an exported tool was refused): a failure never reads as
 * "no change".
 */
function changedOutput(records: ExportRecord[], commit: CommitResult | undefined): string {
  if (!commit) return ''
  if (commit.changed) return 'true'
  const allHeld = records.every(record => !record.zip || record.delivery?.changed === false)
  return allHeld ? 'false' : ''
}

/**
 * check: true: `true` when any tool's export differs from the branch, `false` only when every
 * tool was exported and compared and none does, else empty (it could not be told).
 */
export function driftedOutput(records: ExportRecord[], commit: CommitResult | undefined): string {
  if (!commit) return ''
  const drifted = records.some(record => record.delivery?.changes !== undefined)
  if (drifted) return 'true'
  const allCompared = records.every(record => record.zip && record.errors.length === 0)
  return allCompared ? 'false' : ''
}

function toResult(record: ExportRecord): ToolResult {
  return {
    'tool-id': record.toolId,
    ...(record.version ? { 'app-version': record.version } : {}),
    status: record.job?.status ?? '',
    file: record.zip?.file ?? '',
    sha256: record.zip?.sha256 ?? '',
    'artifact-id': record.artifact?.id ?? null,
    changed: record.delivery?.changed ?? null,
    error: record.errors.length > 0 ? record.errors.join('; ') : null
  }
}
