import { applyEdits, format, Node, parseTree, ParseError, printParseErrorCode } from 'jsonc-parser'

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

/** Two-space indentation and a final newline; only whitespace between tokens changes. */
export function reindentJson(text: string): string {
  const formatted = applyEdits(
    text,
    format(text, undefined, { tabSize: 2, insertSpaces: true, eol: '\n' })
  )
  return formatted.endsWith('\n') ? formatted : `${formatted}\n`
}
