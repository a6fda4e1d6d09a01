import type { Node } from 'jsonc-parser'

/**
 * A structural diff of two JSON texts that knows nothing of Kore.ai's schema but reads like it
 * does: arrays of objects are matched by identity (id, _id, key, name), scalars are compared by
 * the text they were exported as (so `12345678901234567890` → `…891` is seen, which JSON.parse
 * cannot tell apart), and every change carries a path a person can read.
 *
 * Why not a library: jsondiffpatch matches arrays by a hash function but compares parsed values
 * (losing big numbers' text), and no maintained JSON differ works on raw token text. Word-level
 * string diffs do come from one (`diff`, in render.ts).
 */

export interface JsonChange {
  /** Where, e.g. `node "ai" (genai): prompt` or `app: description`. */
  path: string
  kind: 'added' | 'removed' | 'changed' | 'reordered'
  /** The values' exported text; undefined when absent or hidden. */
  before?: string
  after?: string
  /** A secure variable's value: the report says that it changed, never what it was or is. */
  hidden: boolean
}

export interface DiffOptions {
  /** How the file's own top level is named: `flow`, `app`, `variables`. */
  root: string
  /**
   * `secret` for a secure variable and everything in it (reported as one change, nothing inside
   * it named), `holds` for what contains one (its own text is never shown).
   */
  secrecy?: (node: Node) => 'secret' | 'holds' | undefined
}

const IDENTITY_KEYS = ['id', '_id', 'key', 'name']
/** What a flow shows a node as, when it has one besides its id. */
const DISPLAY_KEYS = ['displayName', 'name', 'label', 'title']

export function diffJson(
  before: { text: string; root: Node },
  after: { text: string; root: Node },
  options: DiffOptions
): JsonChange[] {
  const changes: JsonChange[] = []
  const secrecy = (node: Node | undefined) => (node ? options.secrecy?.(node) : undefined)
  const secret = (node: Node | undefined): boolean => secrecy(node) !== undefined
  const raw = (node: Node | undefined, side: 'before' | 'after'): string | undefined =>
    node && (side === 'before' ? before : after).text.slice(node.offset, node.offset + node.length)

  const walk = (
    old: Node | undefined,
    now: Node | undefined,
    scope: string,
    props: string[]
  ): void => {
    const path = props.length > 0 ? `${scope}: ${props.join('.')}` : scope
    const record = (kind: JsonChange['kind']): void => {
      const hidden = secret(old) || secret(now)
      changes.push({
        path,
        kind,
        hidden,
        before: hidden ? undefined : raw(old, 'before'),
        after: hidden ? undefined : raw(now, 'after')
      })
    }
    if (!old && !now) return
    if (!old) return record('added')
    if (!now) return record('removed')
    if (secrecy(old) === 'secret' || secrecy(now) === 'secret') {
      if (raw(old, 'before') !== raw(now, 'after')) record('changed')
      return
    }
    if (old.type !== now.type) return record('changed')
    if (now.type === 'object') {
      const oldProps = properties(old)
      const newProps = properties(now)
      for (const [key, value] of newProps) walk(oldProps.get(key), value, scope, [...props, key])
      for (const [key, value] of oldProps) {
        if (!newProps.has(key)) walk(value, undefined, scope, [...props, key])
      }
      return
    }
    if (now.type === 'array') {
      const label = singular(props[props.length - 1] ?? options.root)
      const identity = identityKey(old, now)
      if (identity) return walkIdentified(old, now, identity, label, path)
      if (raw(old, 'before') === raw(now, 'after')) return
      const olds = old.children ?? []
      const news = now.children ?? []
      if ([...olds, ...news].every(n => n.type !== 'object' && n.type !== 'array')) {
        return record('changed')
      }
      for (let i = 0; i < Math.max(olds.length, news.length); i++) {
        const last = props.length - 1
        const indexed = last >= 0 ? [...props.slice(0, last), `${props[last]}[${i}]`] : [`[${i}]`]
        walk(olds[i], news[i], scope, indexed)
      }
      return
    }
    if (raw(old, 'before') !== raw(now, 'after')) record('changed')
  }

  const walkIdentified = (
    old: Node,
    now: Node,
    identity: string,
    label: string,
    path: string
  ): void => {
    const olds = byIdentity(old, identity)
    const news = byIdentity(now, identity)
    // Named as a person sees it in Kore.ai: its display name, with the id and type after it.
    const itemScope = (id: string, item: Node): string => {
      const type = valueOf(item, 'type')
      const typeText = type?.type === 'string' ? String(type.value) : ''
      const shown = DISPLAY_KEYS.map(key => valueOf(item, key)).find(
        name => name?.type === 'string' && String(name.value).trim() && String(name.value) !== id
      )
      if (!shown || identity !== 'id') return `${label} "${id}"${typeText ? ` (${typeText})` : ''}`
      return `${label} "${String(shown.value)}" (${[id, typeText].filter(Boolean).join(', ')})`
    }
    for (const [id, item] of news) {
      const previous = olds.get(id)
      if (!previous)
        changes.push({ path: itemScope(id, item), kind: 'added', hidden: secret(item) })
      else walk(previous, item, itemScope(id, item), [])
    }
    for (const [id, item] of olds) {
      if (!news.has(id)) {
        changes.push({ path: itemScope(id, item), kind: 'removed', hidden: secret(item) })
      }
    }
    const kept = (items: Map<string, Node>, other: Map<string, Node>): string[] =>
      [...items.keys()].filter(id => other.has(id))
    if (kept(olds, news).join('\0') !== kept(news, olds).join('\0')) {
      changes.push({ path, kind: 'reordered', hidden: false })
    }
  }

  walk(before.root, after.root, options.root, [])
  return changes
}

/** `nodes` → `node`, `guardrails` → `guardrail`, `policies` → `policy`. */
function singular(word: string): string {
  if (/ies$/.test(word)) return word.replace(/ies$/, 'y')
  if (/[^su]s$/.test(word)) return word.slice(0, -1)
  return word
}

function properties(object: Node): Map<string, Node> {
  const found = new Map<string, Node>()
  for (const property of object.children ?? []) {
    const key = property.children?.[0]?.value
    const value = property.children?.[1]
    if (typeof key === 'string' && value) found.set(key, value)
  }
  return found
}

function valueOf(object: Node, key: string): Node | undefined {
  return object.type === 'object' ? properties(object).get(key) : undefined
}

/** The first identity key every object of both arrays has, with unique scalar values. */
function identityKey(old: Node, now: Node): string | undefined {
  const items = [...(old.children ?? []), ...(now.children ?? [])]
  if (items.length === 0 || items.some(item => item.type !== 'object')) return undefined
  return IDENTITY_KEYS.find(key =>
    [old, now].every(array => {
      const ids = (array.children ?? []).map(item => valueOf(item, key))
      if (ids.some(id => id?.type !== 'string' && id?.type !== 'number')) return false
      return new Set(ids.map(id => String(id?.value))).size === ids.length
    })
  )
}

function byIdentity(array: Node, key: string): Map<string, Node> {
  return new Map(
    (array.children ?? []).map(item => [String(valueOf(item, key)?.value), item] as const)
  )
}
