import { findNodeAtOffset, Node, parseTree, ParseError } from 'jsonc-parser'
import { printable } from './text.js'

/**
 * The last check on text the actions write where others read it (git, a pull request, a plan):
 * secretlint's recommended rules, and the values the run knows are secret. Findings say where
 * and which rule, never what matched.
 */

export const SECRET_SCAN_MODES = ['refuse', 'warn', 'off'] as const
export type SecretScanMode = (typeof SECRET_SCAN_MODES)[number]

/** A value the run knows is secret, and what to call it (`api-key`, `secure variable TOKEN`). */
export interface KnownSecret {
  label: string
  value: string
}

/** Characters `start` up to `end` of a text. */
export interface Span {
  start: number
  end: number
}

export interface Finding {
  /** The JSON path and line (`nodes[1].prompt (line 14)`), or the line. */
  where: string
  rule: string
}

/** A text to scan, its name in findings, and where it may hold secrets on purpose. */
export interface ScannedText {
  name: string
  text: string
  allowed?: Span[]
}

export interface Found {
  name: string
  /** Of the text among those scanned. */
  index: number
  findings: Finding[]
}

export interface SecretScanner {
  /**
   * What looks like a secret in each text, outside its allowed spans: one pass of the rules
   * over them all (a pass has a fixed cost: three files of a tool cost about one). Only the
   * texts with findings are returned.
   */
  scan(texts: ScannedText[]): Promise<Found[]>
  /**
   * The same for Markdown or a commit message as this project renders them: read as people
   * will, through the entities and zero-width joiners that keep GitHub from acting on it (a
   * token with its `_` written `&#95;` is still the token). Findings give lines.
   */
  scanRendered(texts: ScannedText[]): Promise<Found[]>
}

/**
 * Shorter known secrets are not looked for (a secure value `1` is everywhere). The same floor as
 * printable's masking, for the same reason: credentials are long.
 */
const MIN_KNOWN_LENGTH = 8
/**
 * The preset's filter honours `secretlint-disable` comments in the scanned text. Here that text
 * is a tool author's: a prompt must not be able to switch the scan off.
 */
const FILTER_COMMENTS = '@secretlint/secretlint-rule-filter-comments'

interface Hit extends Span {
  rule: string
}

/**
 * Loaded only when something is about to be written: the rules are a large part of the bundle,
 * and a run that commits nothing should not pay for them at start-up.
 */
export async function loadSecretScanner(known: KnownSecret[]): Promise<SecretScanner> {
  const [{ lintSource }, { rules }] = await Promise.all([
    import('@secretlint/core'),
    import('@secretlint/secretlint-rule-preset-recommend')
  ])
  type Config = Parameters<typeof lintSource>[0]['options']['config']
  const config = {
    rules: rules
      .filter(rule => rule.meta.id !== FILTER_COMMENTS)
      .map(rule => ({ id: rule.meta.id, rule }))
  } as Config
  const needles = knownNeedles(known)
  const scanner: SecretScanner = {
    scanRendered: texts => scanner.scan(texts.map(t => ({ name: t.name, text: asRead(t.text) }))),
    async scan(texts) {
      const starts: number[] = []
      let at = 0
      for (const { text } of texts) {
        starts.push(at)
        at += text.length + SEPARATOR.length
      }
      const result = await lintSource({
        source: {
          // No file name: rules that look for package.json or .npmrc shapes then look anyway.
          filePath: '',
          ext: '.txt',
          content: texts.map(t => t.text).join(SEPARATOR),
          contentType: 'text'
        },
        options: { config, maskSecrets: true, noPhysicFilePath: true }
      })
      const hits: Hit[] = result.messages.map(message => ({
        start: message.range[0],
        end: message.range[1],
        rule: `${message.ruleId}#${message.messageId}`
      }))
      return texts.flatMap(({ name, text, allowed = [] }, index) => {
        const start = starts[index] ?? 0
        // Each text owns the separator before it: a match starting there is not dropped.
        const from = index === 0 ? -Infinity : start - SEPARATOR.length
        const to = (starts[index + 1] ?? Infinity) - SEPARATOR.length
        const own = hits
          .filter(hit => hit.start >= from && hit.start < to)
          .map(hit => ({
            rule: hit.rule,
            start: Math.min(Math.max(hit.start - start, 0), text.length),
            end: Math.min(hit.end - start, text.length)
          }))
        own.push(...knownHits(text, needles))
        const flagged = own.filter(
          hit => !allowed.some(s => hit.start >= s.start && hit.end <= s.end)
        )
        const findings = locate(name, text, flagged)
        return findings.length > 0 ? [{ name, index, findings }] : []
      })
    }
  }
  return scanner
}

/** Between texts scanned in one pass: a NUL, which no token, key or URL holds, ends a match. */
const SEPARATOR = '\n\u0000\n'

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

/** Text as a reader of the rendered Markdown sees it; lines stay where they were. */
function asRead(text: string): string {
  return text
    .replace(/\u200d/g, '')
    .replace(/&(?:#(\d+)|#x([0-9a-f]+)|(amp|lt|gt|quot|apos));/gi, (entity, dec, hex, name) => {
      const code = dec ? Number(dec) : hex ? parseInt(hex, 16) : undefined
      if (code === undefined) return ENTITIES[String(name).toLowerCase()] ?? entity
      return code === 10 || code > 0x10ffff ? entity : String.fromCodePoint(code)
    })
}

interface Needle {
  text: string
  rule: string
}

/** Each secret as written, and as a JSON string holds it (escaped once, or twice in JSON text). */
function knownNeedles(known: KnownSecret[]): Needle[] {
  const needles = new Map<string, string>()
  for (const { label, value } of known) {
    if (value.length < MIN_KNOWN_LENGTH) continue
    const once = JSON.stringify(value).slice(1, -1)
    const twice = JSON.stringify(once).slice(1, -1)
    for (const text of [value, once, twice]) {
      if (!needles.has(text)) needles.set(text, `known secret: ${label}`)
    }
  }
  return [...needles].map(([text, rule]) => ({ text, rule }))
}

function knownHits(text: string, needles: Needle[]): Hit[] {
  const hits: Hit[] = []
  for (const needle of needles) {
    for (let at = text.indexOf(needle.text); at >= 0; at = text.indexOf(needle.text, at + 1)) {
      hits.push({ start: at, end: at + needle.text.length, rule: needle.rule })
    }
  }
  return hits
}

/** One finding per place and rule, in the order of the text. */
function locate(name: string, text: string, hits: Hit[]): Finding[] {
  if (hits.length === 0) return []
  const errors: ParseError[] = []
  const root = name.toLowerCase().endsWith('.json') ? parseTree(text, errors) : undefined
  const json = root && errors.length === 0 ? root : undefined
  const findings = new Map<string, Finding>()
  for (const hit of [...hits].sort((a, b) => a.start - b.start)) {
    const line = `line ${lineAt(text, hit.start)}`
    const path = json && jsonPath(json, hit.start, hits)
    const where = path === undefined ? line : `${path} (${line})`
    findings.set(`${where}\n${hit.rule}`, { where, rule: hit.rule })
  }
  return [...findings.values()]
}

function lineAt(text: string, offset: number): number {
  let line = 1
  for (let at = text.indexOf('\n'); at >= 0 && at < offset; at = text.indexOf('\n', at + 1)) line++
  return line
}

/**
 * `nodes[1].prompt`. A key is author text too, and may be the secret itself: a key that overlaps
 * any hit is shown as `<key>`.
 */
function jsonPath(root: Node, offset: number, hits: Hit[]): string | undefined {
  const segments: string[] = []
  let node = findNodeAtOffset(root, offset, true)
  if (!node) return undefined
  for (let parent = node.parent; parent; node = parent, parent = parent.parent) {
    if (parent.type === 'array') segments.unshift(`[${parent.children?.indexOf(node) ?? 0}]`)
    if (parent.type !== 'property') continue
    const key = parent.children?.[0]
    if (!key) continue
    const overlaps = hits.some(h => h.start < key.offset + key.length && h.end > key.offset)
    segments.unshift(overlaps ? '.<key>' : `.${printable(String(key.value), 60)}`)
  }
  const path = segments.join('').replace(/^\./, '')
  return path || '(the top level)'
}

/** `flow_definition.json at nodes[0].prompt (line 5): rule`, the first few, then how many more. */
export function listFindings(found: Omit<Found, 'index'>[], max = 5): string {
  const all = found.flatMap(({ name, findings }) =>
    findings.map(f => `${printable(name)} at ${f.where}: ${f.rule}`)
  )
  const more = all.length > max ? `, and ${all.length - max} more` : ''
  return `${all.slice(0, max).join('; ')}${more}`
}
