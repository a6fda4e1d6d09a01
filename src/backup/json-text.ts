import { Node, parseTree, ParseError, printParseErrorCode } from 'jsonc-parser'

/** A file that should be JSON and cannot be read as such. */
export class NotJsonError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'NotJsonError'
  }
}

/**
 * Decodes a JSON file as exporters write it: UTF-8, with or without a byte order mark, or UTF-16
 * with one. Invalid bytes are an error, never replaced: a replacement character could hide a
 * secret's end.
 */
export function decodeJsonBytes(data: Buffer): string {
  try {
    if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) {
      return new TextDecoder('utf-8', { fatal: true }).decode(data.subarray(3))
    }
    if (data[0] === 0xff && data[1] === 0xfe) {
      return new TextDecoder('utf-16le', { fatal: true }).decode(data.subarray(2))
    }
    if (data[0] === 0xfe && data[1] === 0xff) {
      return new TextDecoder('utf-16be', { fatal: true }).decode(data.subarray(2))
    }
    return new TextDecoder('utf-8', { fatal: true }).decode(data)
  } catch {
    throw new NotJsonError('it is not valid UTF-8 or UTF-16 text')
  }
}

/**
 * Parses what jsonc-parser tolerates (comments, trailing commas) into a tree with offsets, so
 * edits can touch one value's text and nothing else.
 */
export function parseJsonTree(text: string): Node {
  const errors: ParseError[] = []
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false })
  const [first] = errors
  if (first) {
    throw new NotJsonError(
      `it is not JSON (${printParseErrorCode(first.error)} at offset ${first.offset})`
    )
  }
  if (!root) throw new NotJsonError('it is empty')
  return root
}

/** A JSON file's text and tree, as the change report reads it; undefined when it is not JSON. */
export function jsonTreeOf(data: Buffer): { text: string; root: Node } | undefined {
  try {
    const text = decodeJsonBytes(data)
    refuseDeepJson(text)
    return { text, root: parseJsonTree(text) }
  } catch {
    return undefined
  }
}

/**
 * The deepest nesting a JSON file may have. Real tool exports nest a few dozen levels; past this,
 * re-indenting alone would write gigabytes (every line carries its depth's indentation) and
 * recursive parsers run out of stack.
 */
export const MAX_JSON_DEPTH = 512

const QUOTE = 0x22
const BACKSLASH = 0x5c

/** Refuses text nested deeper than MAX_JSON_DEPTH; one pass, strings skipped. */
export function refuseDeepJson(text: string): void {
  let depth = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === QUOTE) i = stringEnd(text, i)
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_JSON_DEPTH) {
        throw new NotJsonError(`it nests deeper than ${MAX_JSON_DEPTH} levels`)
      }
    } else if (c === 0x7d || c === 0x5d) depth--
  }
}

/** Index of the quote that ends the string starting at `start` (the text's end if none). */
function stringEnd(text: string, start: number): number {
  for (let quote = text.indexOf('"', start + 1); quote >= 0; quote = text.indexOf('"', quote + 1)) {
    let backslashes = 0
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++
    if (backslashes % 2 === 0) return quote
  }
  return text.length
}

/** Characters that end a number or a literal (`true`, `null`). */
function endsLiteral(c: number): boolean {
  return c === 0x2c || c === 0x5d || c === 0x7d || c === 0x3a || c <= 0x20
}

/**
 * Two-space indentation and a final newline for strict JSON, in one pass: only whitespace
 * between tokens changes, every string and number keeps its exact text (so `1.50` and
 * `12345678901234567890` survive). Empty objects and arrays stay on one line. Throws
 * NotJsonError once the output passes `maxLength`.
 */
export function reindentJson(text: string, maxLength = Infinity): string {
  refuseDeepJson(text)
  const indents: string[] = ['\n']
  let out = ''
  let depth = 0
  let justOpened = false
  let i = 0
  while (i < text.length) {
    const c = text.charCodeAt(i)
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) {
      i++
      continue
    }
    if (c === 0x7d || c === 0x5d) {
      depth--
      out += justOpened ? text[i] : (indents[depth] as string) + text[i]
      justOpened = false
      i++
      continue
    }
    if (c === 0x2c) {
      out += `,${indents[depth]}`
      i++
      continue
    }
    if (c === 0x3a) {
      out += ': '
      i++
      continue
    }
    if (out.length > maxLength) {
      throw new NotJsonError(`re-indented, it would be longer than ${maxLength} characters`)
    }
    // A value starts: a string, an object or array, a number or a literal.
    if (justOpened) out += indents[depth]
    justOpened = false
    let end = i + 1
    if (c === QUOTE) end = stringEnd(text, i) + 1
    else if (c === 0x7b || c === 0x5b) {
      depth++
      indents[depth] ??= `\n${'  '.repeat(depth)}`
      justOpened = true
    } else while (end < text.length && !endsLiteral(text.charCodeAt(end))) end++
    out += text.slice(i, end)
    i = end
  }
  return `${out}\n`
}
