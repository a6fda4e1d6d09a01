import { diffWords } from 'diff'
import type { Node } from 'jsonc-parser'
import { findAppVariables } from '../credential-fields.js'
import { findVariables, isEnvVariablesFile, Variable } from '../env-variables.js'
import { jsonTreeOf } from '../json-text.js'
import { inert, printable } from '../../text.js'
import { inventoryOf } from './inventory.js'
import { diffJson, JsonChange } from './json-diff.js'

/** What changed in one tool, for people: Markdown (summary, pull request) and plain lines. */
export interface ToolReport {
  toolId: string
  /** Markdown list items, long values folded in <details>. */
  markdown: string[]
  /** The same as short plain-text lines (the commit message body). */
  plain: string[]
}

export interface ReportOptions {
  budget?: WordDiffBudget
  /** What a report without `before` calls the inventory. */
  firstLabel?: string
  /** Variables whose values are never shown though not marked secure (set from env-values). */
  secretNames?: string[]
  /** Secure variables whose value changed where the files show none (kept encrypted). */
  changedSecrets?: string[]
  /** Secure values may sit in any JSON file (an app), not only env_variables.json. */
  everyFile?: boolean
}

/** A word diff up to this long (in Markdown) is shown open. */
const OPEN_WORD_DIFF = 600

/** A short value is shown whole, old → new; a longer string gets a word diff. */
const SHORT_VALUE = 60

/**
 * Compares a tool's files as the branch holds them (`before`; undefined for a first backup)
 * with the export (`after`). Every server or author string is made printable and escaped.
 */
export function reportTool(
  toolId: string,
  before: Map<string, Buffer> | undefined,
  after: Map<string, Buffer>,
  {
    budget = newWordDiffBudget(),
    firstLabel = 'first backup',
    secretNames = [],
    changedSecrets = [],
    everyFile = false
  }: ReportOptions = {}
): ToolReport {
  const report: ToolReport = { toolId, markdown: [], plain: [] }
  const add = (markdown: string, plain: string): void => {
    report.markdown.push(markdown)
    report.plain.push(plain)
  }
  if (!before) {
    const inventory = inventoryOf(after)
    add(`${firstLabel}: ${md(inventory)}`, `${firstLabel}: ${printable(inventory, 500)}`)
    return report
  }
  const names = [...new Set([...before.keys(), ...after.keys()])]
  for (const name of names) {
    const old = before.get(name)
    const now = after.get(name)
    if (old?.equals(now ?? Buffer.alloc(0))) continue
    if (!old || !now) {
      const kind = old ? 'removed' : 'added'
      add(`file ${code(name)} ${kind}`, `file ${printable(name)} ${kind}`)
      continue
    }
    const changes = diffFile(name, old, now, secretNames, everyFile)
    if (!changes) {
      add(`${code(name)} changed (not JSON: see the diff)`, `${printable(name)} changed`)
      continue
    }
    for (const change of changes) add(markdownLine(change, budget), plainLine(change))
  }
  for (const name of changedSecrets) {
    const what = 'secure value changed (encrypted: not shown)'
    add(`variable ${code(name)}: ${what}`, `variable ${printable(name, 200)}: ${what}`)
  }
  return report
}

function diffFile(
  name: string,
  old: Buffer,
  now: Buffer,
  secretNames: string[],
  everyFile: boolean
): JsonChange[] | undefined {
  const before = jsonTreeOf(old)
  const after = jsonTreeOf(now)
  if (!before || !after) return undefined
  const root = everyFile ? name.replace(/\.json$/i, '') : rootLabel(name)
  if (!everyFile && !isEnvVariablesFile(name)) return diffJson(before, after, { root })
  // The redaction's own walker tells secrets on either side; when it cannot tell, everything
  // in the file counts as secret: a report never risks showing a value.
  const find = everyFile ? findAppVariables : findVariables
  const secrets = [before.root, after.root].map(root => secretNodes(root, secretNames, find))
  return diffJson(before, after, {
    root,
    secrecy: node => {
      if (secrets.some(side => side === undefined || side.within.has(node))) return 'secret'
      return secrets.some(side => side?.holding.has(node)) ? 'holds' : undefined
    }
  })
}

/**
 * Secure variables' objects with everything inside them (`within`), and every object or array
 * that holds one (`holding`: its text would show the value too); undefined when the file does
 * not tell which variables are secure.
 */
function secretNodes(
  root: Node,
  alsoSecret: string[],
  find: (root: Node) => Variable[]
): { within: Set<Node>; holding: Set<Node> } | undefined {
  let secure
  try {
    secure = find(root).filter(v => v.secure || alsoSecret.includes(v.name))
  } catch {
    return undefined
  }
  const within = new Set<Node>()
  const holding = new Set<Node>()
  const addWithin = (node: Node): void => {
    within.add(node)
    node.children?.forEach(addWithin)
  }
  for (const variable of secure) {
    addWithin(variable.node)
    for (let up = variable.node.parent; up; up = up.parent) holding.add(up)
  }
  return { within, holding }
}

/** flow_definition.json → flow, app_definition.json → app, env_variables.json → variables. */
function rootLabel(name: string): string {
  if (isEnvVariablesFile(name)) return 'variables'
  const base = (name.split('/').pop() ?? name).replace(/\.json$/i, '')
  return base.replace(/_definition$/i, '')
}

function markdownLine(change: JsonChange, budget: WordDiffBudget): string {
  const path = md(change.path)
  if (change.kind === 'reordered') return `${path}: order changed`
  if (change.hidden && change.kind === 'changed')
    return `${path}: value changed (secure: not shown)`
  if (change.hidden) return `${path} ${change.kind}`
  const { before, after } = change
  if (change.kind !== 'changed') {
    const value = change.kind === 'added' ? after : before
    return value !== undefined && isShort(value)
      ? `${path} ${change.kind}: ${code(value)}`
      : `${path} ${change.kind}`
  }
  if (before !== undefined && after !== undefined && isShort(before) && isShort(after)) {
    return `${path} changed: ${code(before)} → ${code(after)}`
  }
  const words = wordDiff(before, after, budget)
  // A short diff is read at a glance: open; a long one waits for a click.
  const open = words && words.length <= OPEN_WORD_DIFF ? ' open' : ''
  if (words) return `${path} changed <details${open}><summary>word diff</summary>${words}</details>`
  const counts = wordCounts(before, after)
  return counts ? `${path} changed (${counts})` : `${path} changed`
}

function plainLine(change: JsonChange): string {
  const path = printable(change.path, 200)
  if (change.kind === 'reordered') return `${path}: order changed`
  if (change.hidden && change.kind === 'changed') return `${path}: value changed`
  const { before, after } = change
  if (change.kind === 'changed' && !change.hidden && before !== undefined && after !== undefined) {
    if (isShort(before) && isShort(after)) {
      return `${path} changed: ${printable(before)} -> ${printable(after)}`
    }
  }
  return `${path} ${change.kind}`
}

function isShort(raw: string): boolean {
  return raw.length <= SHORT_VALUE && !raw.includes('\n')
}

/**
 * Bounds on a word diff, so that the report is never the slow part of a backup: longer strings,
 * or ones that differ in more places, are only counted (Myers' diff costs length × edits).
 */
const MAX_WORD_DIFF_CHARS = 64 * 1024
const MAX_WORD_EDITS = 500

/**
 * How many more characters may be diffed word by word: one budget for a whole run's report, so
 * that many long changed prompts cost seconds, not minutes (past it, changes are counted).
 */
export interface WordDiffBudget {
  charsLeft: number
}

export function newWordDiffBudget(): WordDiffBudget {
  return { charsLeft: 512 * 1024 }
}

/** Removed words struck, added words underlined, long unchanged runs shortened. */
function wordDiff(
  before: string | undefined,
  after: string | undefined,
  budget: WordDiffBudget
): string | undefined {
  const old = stringValue(before)
  const now = stringValue(after)
  if (old === undefined || now === undefined) return undefined
  const size = old.length + now.length
  if (size > Math.min(MAX_WORD_DIFF_CHARS, budget.charsLeft)) return undefined
  budget.charsLeft -= size
  const parts = diffWords(old, now, { maxEditLength: MAX_WORD_EDITS })
  return parts
    ?.map(part => {
      if (part.added) return `<ins>${md(part.value)}</ins>`
      if (part.removed) return `<del>${md(part.value)}</del>`
      return md(
        part.value.length > 80
          ? `${part.value.slice(0, 30)} … ${part.value.slice(-30)}`
          : part.value
      )
    })
    .join('')
}

/** `120 → 131 words`, for strings too long or too changed to diff word by word. */
function wordCounts(before: string | undefined, after: string | undefined): string | undefined {
  const old = stringValue(before)
  const now = stringValue(after)
  if (old === undefined || now === undefined) return undefined
  const words = (text: string): number => text.split(/\s+/).filter(Boolean).length
  return `${words(old)} → ${words(now)} words`
}

function stringValue(raw: string | undefined): string | undefined {
  if (raw === undefined || !raw.startsWith('"')) return undefined
  try {
    return JSON.parse(raw) as string
  } catch {
    return undefined
  }
}

/**
 * Author text as Markdown that renders as itself: HTML's and Markdown's marks (emphasis, code,
 * links, tables) as character references. Lines of a report never start with author text.
 */
export function md(text: string): string {
  return inert(printable(text, 2000)).replace(
    /[&<>\\`*_[\]|~]/g,
    (c: string) => `&#${c.charCodeAt(0)};`
  )
}

function code(raw: string): string {
  return `<code>${md(raw)}</code>`
}
