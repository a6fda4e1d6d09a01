import { Node, parseTree } from 'jsonc-parser'

/** The text a redacted value is stored as, and where a file still holds it. */
export const REDACTED = '<redacted>'

/** Whether a JSON string value is the redaction placeholder (any case, padded or not). */
export function isPlaceholder(value: unknown): boolean {
  return typeof value === 'string' && value.trim().toLowerCase() === REDACTED
}

/**
 * Where a file still holds the placeholder, as a value or a key, at any depth (JSON text inside
 * a string included), e.g. `[0].items[1].value`; undefined when it holds none. The restore's
 * last check: whatever the file's shape, a placeholder is never uploaded.
 */
export function placeholderPath(text: string): string | undefined {
  const root = parseTree(text, [], { allowTrailingComma: true })
  return root && findPlaceholder(root, '')
}

function findPlaceholder(node: Node, path: string): string | undefined {
  if (node.type === 'string') {
    if (isPlaceholder(node.value)) return path || '(the whole file)'
    const inner = /^\s*[[{]/.test(String(node.value)) ? parseTree(String(node.value)) : undefined
    const found = inner && findPlaceholder(inner, '')
    return found === undefined ? undefined : `${path} (JSON text, at ${found})`
  }
  for (const [index, child] of (node.children ?? []).entries()) {
    const [key, value] = child.children ?? []
    const at =
      child.type === 'property'
        ? `${path}${path ? '.' : ''}${String(key?.value)}`
        : `${path}[${index}]`
    if (child.type === 'property' && isPlaceholder(key?.value)) return at
    const found =
      child.type === 'property' ? value && findPlaceholder(value, at) : findPlaceholder(child, at)
    if (found !== undefined) return found
  }
  return undefined
}
