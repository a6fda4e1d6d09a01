import * as core from '@actions/core'

/**
 * Text that came from a server or from a tool's author is data. Before it reaches a log line, the
 * job summary, an output or a commit message it goes through `printable`, so that it can neither
 * start a line of its own (the runner executes `::command::` lines) nor break a table cell.
 */

const DEFAULT_MAX_LENGTH = 300

/** Control, format (bidi overrides, zero-width) and line/paragraph separator characters. */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu

/** Whether the text holds a character `printable` would have to escape. */
export function hasUnprintable(text: string): boolean {
  // A copy without the g flag: a global regex's test() would resume at its last match.
  return new RegExp(UNPRINTABLE.source, 'u').test(text)
}

const NAMED_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' }

/** Every secret this run knows, longest first (so a secret's prefix never survives its own). */
const knownSecrets: string[] = []
/**
 * Parts of a secret shorter than this (a lone `{` line of a pasted JSON key) are not masked on
 * their own. Secrets shorter than MIN_REPLACED_LENGTH are not replaced in printable text: short
 * env-values (`FORMAT=json`) would garble every line. The runner still masks them in the log,
 * but not in what goes to GitHub (a commit message): a trade-off, since credentials are long.
 */
const MIN_PART_LENGTH = 4
const MIN_REPLACED_LENGTH = 8

/**
 * Masks a secret in the runner's log and keeps it out of everything `printable` makes. The
 * runner masks whole values only, and text cut at a limit can end in a secret's first part, so
 * printable replaces secrets before it cuts. Each line of a multi-line secret is masked too.
 */
export function hideSecret(value: string): void {
  const lines = value.split(/\r?\n/).map(line => line.trim())
  const parts = [value, ...lines.filter(line => line.length >= MIN_PART_LENGTH)]
  for (const part of new Set(parts.filter(Boolean))) {
    core.setSecret(part)
    if (part.length >= MIN_REPLACED_LENGTH && !knownSecrets.includes(part)) knownSecrets.push(part)
  }
  knownSecrets.sort((a, b) => b.length - a.length)
}

/** One line, known secrets replaced, unprintable characters escaped, at most `maxLength` long. */
export function printable(text: string, maxLength = DEFAULT_MAX_LENGTH): string {
  const hidden = knownSecrets.reduce((result, secret) => result.replaceAll(secret, '***'), text)
  const escaped = hidden.replace(
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

const ZWJ = '\u200d'

/**
 * Author text bound for a commit message or a pull request, made inert: GitHub acts on none of
 * it. A zero-width joiner (invisible to readers) breaks mentions (`@user`, `@org/team`), issue
 * references (`#1`, `GH-1`, links to github.com), closing keywords (`fixes …`), `[skip ci]`-style directives and the
 * `skip-checks:` trailer. Apply after `printable`, which would escape the joiner.
 */
export function inert(text: string): string {
  return text
    .replace(/[@#]/g, `$&${ZWJ}`)
    .replace(/\bGH-(?=\d)/gi, m => `${m.slice(0, 2)}${ZWJ}-`)
    .replace(/\b(close[sd]?|fix(?:e[sd])?|resolve[sd]?)\b/gi, m => `${m[0]}${ZWJ}${m.slice(1)}`)
    .replace(/\[(?=\s*(?:skip|ci|no|actions)\b)/gi, `[${ZWJ}`)
    .replace(/skip-checks\s*:/gi, m => `${m.slice(0, -1)}${ZWJ}:`)
    .replace(/github\.com/gi, m => `${m.slice(0, 6)}${ZWJ}${m.slice(6)}`)
}

/** A duration for people: `12.3 s`. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`
}
