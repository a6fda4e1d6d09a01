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
