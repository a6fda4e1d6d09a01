import * as core from '@actions/core'
import { messageOf } from './errors.js'
import { printable } from './text.js'

/**
 * HTML for job summary tables, shared by both actions' summaries: every value escaped and kept
 * on one line, so server or author text stays inside its cell.
 */

/** Cells are written on one line: a raw newline would end the HTML and start Markdown. */
export function printableHtml(value: string): string {
  return escapeHtml(printable(value))
}

export function errorText(error: string): string {
  return escapeHtml(printable(error, 2000))
}

export function code(value: string): string {
  return `<code>${printableHtml(value)}</code>`
}

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c
  )
}

/**
 * The summary of a step that stopped before it could do anything (an invalid input): the
 * heading and the error, so the run's page says why without opening the log.
 */
export async function writeErrorSummary(title: string, error: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  try {
    await core.summary
      .addHeading(title, 3)
      .addRaw(`<p>${errorText(error)}</p>`, true)
      .write()
  } catch (caught) {
    core.warning(`Could not write the job summary: ${messageOf(caught)}`)
  }
}
