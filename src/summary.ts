import * as core from '@actions/core'
import type { RepositoryDelivery } from './deliver/repository.js'
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
  if (record.commit) rows.push(['Commit', describeCommit(record.commit)])
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

function describeCommit(commit: RepositoryDelivery): string {
  const lines: string[] = []
  const { added, modified, removed } = commit.changes
  if (!commit.changed) lines.push('No change: nothing committed')
  else if (commit.commitUrl)
    lines.push(
      `<a href="${escapeHtml(commit.commitUrl)}">${escapeHtml(commit.commitSha.slice(0, 7))}</a> on ${code(commit.branch)}`
    )
  for (const [label, names] of [
    ['added', added],
    ['modified', modified],
    ['removed', removed]
  ] as const) {
    if (names.length > 0) lines.push(`${label}: ${names.map(code).join(', ')}`)
  }
  if (commit.pullRequestUrl) {
    lines.push(
      `pull request <a href="${escapeHtml(commit.pullRequestUrl)}">#${commit.pullRequestNumber}</a>`
    )
  }
  if (commit.redacted.length > 0) {
    lines.push(
      `secure values redacted in env_variables.json: ${commit.redacted.map(code).join(', ')}`
    )
  }
  return lines.join('<br>')
}
