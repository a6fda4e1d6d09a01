/**
 * Text that came from a server or from a tool's author is data. Before it reaches a log line, the
 * job summary, an output or a commit message it goes through `printable`, so that it can neither
 * start a line of its own (the runner executes `::command::` lines) nor break a table cell.
 */

const DEFAULT_MAX_LENGTH = 300

/** Control, format (bidi overrides, zero-width) and line/paragraph separator characters. */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu

const NAMED_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' }

/** One line, every unprintable character escaped, at most `maxLength` characters. */
export function printable(text: string, maxLength = DEFAULT_MAX_LENGTH): string {
  const escaped = text.replace(
    UNPRINTABLE,
    c => NAMED_ESCAPES[c] ?? `\\u${c.codePointAt(0)?.toString(16).padStart(4, '0')}`
  )
  const characters = [...escaped]
  if (characters.length <= maxLength) return escaped
  return `${characters.slice(0, maxLength - 1).join('')}…`
}

/** Letters, digits, `-`, `_` and single dots: safe in a URL path, a file name and a log line. */
const PLAIN_ID = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/
const MAX_ID_LENGTH = 200

export function isPlainId(text: string): boolean {
  return text.length <= MAX_ID_LENGTH && PLAIN_ID.test(text)
}
