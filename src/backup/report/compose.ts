import { inert } from '../../text.js'
import { md, ToolReport } from './render.js'

/** GitHub's limits: a pull request body holds 65,536 characters, a step summary 1 MiB. */
export const MAX_PULL_REQUEST_BODY = 65_536
export const MAX_SUMMARY_REPORT = 512 * 1024
/** The commit message carries the first lines only; the summary has the rest. */
const COMMIT_BODY_LINES = 20

/** The report as Markdown: a heading per tool, a list of changes; cut with a note past `max`. */
export function reportMarkdown(
  reports: ToolReport[],
  max: number,
  heading = '####',
  title = 'What changed in'
): string {
  const blocks = reports
    .filter(report => report.markdown.length > 0)
    .map(
      report =>
        `${heading} ${title} <code>${md(report.toolId)}</code>\n\n${report.markdown.map(line => `- ${line}`).join('\n')}\n`
    )
  return cut(blocks.join('\n'), max)
}

/** The first lines of the report as plain text, for the commit message body. */
export function commitBody(reports: ToolReport[]): string {
  const several = reports.length > 1
  const lines = reports.flatMap(report =>
    report.plain.map(line => inert(several ? `${report.toolId}: ${line}` : line))
  )
  const shown = lines.slice(0, COMMIT_BODY_LINES).map(line => `- ${line}`)
  if (lines.length > shown.length) {
    shown.push(`- … and ${lines.length - shown.length} more (see the job summary)`)
  }
  return shown.join('\n')
}

/** Cuts at a line boundary, never mid-tag, and says so. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text
  const note =
    '\n\n_The report was cut here: it is longer than GitHub allows. The commit holds every change._\n'
  const end = text.lastIndexOf('\n', max - note.length)
  return `${text.slice(0, Math.max(end, 0))}${note}`
}
