import { secretsOf } from '../artifact.js'
import * as core from '@actions/core'
import type { CommitResult } from './deliver/commit.js'
import type { FileChanges } from './deliver/git-data.js'
import type { ExportRecord } from './record.js'
import { forTool } from '../input-parsers.js'
import { printable, seconds } from '../text.js'
import type { Inputs } from './inputs.js'
import { MAX_SUMMARY_REPORT, reportMarkdown } from '../backup/report/compose.js'
import type { ToolReport } from '../backup/report/render.js'
import { code, errorText, escapeHtml, printableHtml } from '../summary-html.js'

type Row = [string, string]

/** What the outputs and the summary need to know of the run's inputs. */
export type ReportInputs = Pick<Inputs, 'batch' | 'check' | 'commitPath' | 'host' | 'resource'>

/** Adds the run's tables to the job summary (skipped outside Actions). */
export async function writeSummary(
  inputs: ReportInputs,
  records: ExportRecord[],
  commit: CommitResult | undefined
): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  const noun = inputs.resource
  const summary = core.summary.addHeading(`Kore.ai ${noun} export`, 3)
  // Which environment: in a promote, staging or production is what a reader checks first.
  summary.addRaw(`<p>From ${code(inputs.host)}`, false)
  const [single] = records
  const detailed = !inputs.batch && single !== undefined
  if (!detailed) {
    const good = records.filter(record => record.errors.length === 0).length
    summary.addRaw(`: ${good} of ${records.length} ${noun}s backed up`, false)
  }
  summary.addRaw('.</p>', true)
  // What changed comes first: it is what a reader opens the summary for.
  if (commit && inputs.check) summary.addRaw(`<p>${describeDrift(commit)}</p>`, true)
  else if (commit) summary.addRaw(`<p>${describeCommit(commit)}</p>`, true)
  // Markdown between blank lines, which end the HTML blocks around it.
  const report = reportMarkdown(reportsOf(records), MAX_SUMMARY_REPORT)
  if (report) summary.addRaw(`\n${report}\n`, true)
  if (detailed) {
    const { main, technical } = detailRows(inputs, single)
    summary.addTable([header('Field', 'Value'), ...dashed(main)])
    summary.addDetails('Technical details', tableHtml(technical))
  } else {
    // Failed ones first: they are what needs doing.
    const sorted = [...records].sort(
      (a, b) => Number(a.errors.length === 0) - Number(b.errors.length === 0)
    )
    const titles = [
      'Result',
      inputs.resource === 'app' ? 'App' : 'Tool',
      'Status',
      'Duration',
      'Size',
      'SHA-256',
      'Artifact',
      'Changed',
      'Error'
    ]
    const rows = sorted.map(record => [
      record.errors.length === 0 ? '✓' : '✗',
      ...batchRow(inputs, record)
    ])
    summary.addTable([header(...titles), ...dashed(rows)])
    const failed = sorted.filter(record => record.errors.length > 0)
    if (failed.some(record => record.errors.join('; ').length > ERROR_CELL)) {
      const reasons = failed.map(
        r => `<li>${code(r.toolId)}: ${r.errors.map(errorText).join('<br>')}</li>`
      )
      summary.addRaw(`<p>Why each failed:</p><ul>${reasons.join('')}</ul>`, true)
    }
  }
  await summary.write()
}

/** An error cell longer than this is cut in the batch table; the full reasons follow it. */
const ERROR_CELL = 200

/** core.summary writes an empty cell as a lone <td>, which breaks the table: show a dash. */
function dashed(rows: string[][]): string[][] {
  return rows.map(row => row.map(cell => cell || '—'))
}

/** Rows whose cells are already HTML, as a table to put inside <details>. */
function tableHtml(rows: Row[]): string {
  const cells = rows.map(([field, value]) => `<tr><th>${field}</th><td>${value || '—'}</td></tr>`)
  return `<table>${cells.join('')}</table>`
}

export function reportsOf(records: ExportRecord[]): ToolReport[] {
  return records.flatMap(record => (record.delivery?.report ? [record.delivery.report] : []))
}

function detailRows(inputs: ReportInputs, record: ExportRecord): { main: Row[]; technical: Row[] } {
  const { zip, delivery } = record
  const technical: Row[] = []
  const rows: Row[] = [
    ...((record.version
      ? [
          ['App', code(record.toolId)],
          ['Version', code(record.version)]
        ]
      : [
          ['Tool', code(record.toolId)],
          ['Flow', record.flowId ? code(record.flowId) : 'not given']
        ]) as Row[]),
    ['Status', printableHtml(record.job?.status || 'not started')],
    ['Duration', seconds(record.durationMs)]
  ]
  if (zip) {
    technical.push(
      ['File', code(zip.file)],
      ['Size', `${zip.size} bytes`],
      ['SHA-256', code(zip.sha256)],
      ['Entries', zip.entries.map(e => `${code(e.name)} (${e.size} bytes)`).join('<br>')]
    )
  }
  if (record.artifact) rows.push(['Artifact', artifactLink(record)])
  if (delivery?.changes)
    rows.push(['Changes', describeChanges(inputs, record.toolId, delivery.changes)])
  if (delivery && delivery.redacted.length > 0) {
    rows.push([
      'Redacted',
      `secure values in ${record.version ? 'the JSON files' : 'env_variables.json'}: ${delivery.redacted.map(code).join(', ')}`
    ])
  }
  if (record.errors.length > 0) rows.push(['Error', record.errors.map(errorText).join('<br>')])
  return { main: rows, technical }
}

function batchRow(inputs: ReportInputs, record: ExportRecord): string[] {
  const { zip, delivery } = record
  return [
    code(record.toolId),
    printableHtml(record.job?.status || 'not started'),
    seconds(record.durationMs),
    zip ? `${zip.size} bytes` : '',
    zip ? code(zip.sha256.slice(0, 12)) : '',
    record.artifact ? artifactLink(record) : '',
    delivery?.changes
      ? describeChanges(inputs, record.toolId, delivery.changes)
      : delivery?.changed === false
        ? 'no'
        : '',
    errorText(printable(record.errors.join('; '), ERROR_CELL))
  ]
}

function header(...titles: string[]): { data: string; header: true }[] {
  return titles.map(data => ({ data, header: true }))
}

function artifactLink(record: ExportRecord): string {
  if (!record.artifact) return ''
  const { name, url } = record.artifact
  const link = url ? `<a href="${escapeHtml(url)}">${escapeHtml(name)}</a>` : code(name)
  return `${link} (${secretsOf(record.artifact)})`
}

/** Each file with its folder in the repository, as a reader finds it there. */
function describeChanges(inputs: ReportInputs, toolId: string, changes: FileChanges): string {
  const folder = forTool(inputs.commitPath, toolId)
  return (['added', 'modified', 'removed'] as const)
    .filter(kind => changes[kind].length > 0)
    .map(kind => `${kind}: ${changes[kind].map(name => code(`${folder}/${name}`)).join(', ')}`)
    .join('<br>')
}

function describeDrift(commit: CommitResult): string {
  const branch = code(commit.branch)
  return commit.drifted
    ? `Drift: what Kore.ai exports differs from ${branch} (check: true, nothing written). What differs:`
    : `No drift in what was compared: ${branch} holds what Kore.ai exports (check: true, nothing written).`
}

function describeCommit(commit: CommitResult): string {
  const parts: string[] = []
  if (!commit.changed) parts.push('No change: nothing committed.')
  else {
    const link = `<a href="${escapeHtml(commit.commitUrl)}">${escapeHtml(commit.commitSha.slice(0, 7))}</a>`
    parts.push(`Committed ${link} to ${code(commit.branch)}.`)
  }
  if (commit.pullRequestUrl) {
    parts.push(
      `Pull request <a href="${escapeHtml(commit.pullRequestUrl)}">#${commit.pullRequestNumber}</a>.`
    )
  }
  return parts.join(' ')
}
