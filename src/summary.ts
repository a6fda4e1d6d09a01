import * as core from '@actions/core'
import { ExportRecord, seconds } from './export-tool.js'

/** Adds a short table about the export to the job summary (skipped outside Actions). */
export async function writeSummary(record: ExportRecord): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  const rows: [string, string][] = [
    ['Tool', code(record.toolId)],
    ['Flow', record.flowId ? code(record.flowId) : 'not given'],
    ['Status', escapeHtml(record.status || 'not started')],
    ['Duration', seconds(record.durationMs)]
  ]
  if (record.file) {
    rows.push(
      ['File', code(record.file)],
      ['Size', `${record.size} bytes`],
      ['SHA-256', code(record.sha256)],
      ['Entries', record.entries.map(e => `${code(e.name)} (${e.size} bytes)`).join('<br>')]
    )
  }
  if (record.artifact) {
    const { name, url } = record.artifact
    rows.push([
      'Artifact',
      url ? `<a href="${escapeHtml(url)}">${escapeHtml(name)}</a>` : code(name)
    ])
  }
  if (record.error) rows.push(['Error', escapeHtml(record.error)])
  await core.summary
    .addHeading('Kore.ai tool export', 3)
    .addTable([
      [
        { data: 'Field', header: true },
        { data: 'Value', header: true }
      ],
      ...rows
    ])
    .write()
}

function code(text: string): string {
  return `<code>${escapeHtml(text)}</code>`
}

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c
  )
}
