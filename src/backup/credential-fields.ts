import { createScanner, Node, parseTree } from 'jsonc-parser'
import { findVariables, Variable } from './env-variables.js'
import { decodeJsonBytes } from './json-text.js'
import { Redacted, redactSecureValues } from './redaction.js'

/**
 * An agentic app keeps credentials in shapes a tool's variables file does not: MCP server
 * headers as a map (`"headers": {"Authorization": "Bearer …"}`), auth profiles with
 * `apiKey`/`password`/`token` fields, header lines in lists. None need a secure flag there, so
 * for an app a field named like a credential is a secret whatever it is marked, as is a
 * variable so named: the walker for apps is the variables walker and this.
 */

/** `api_key`, `X-API-Key`, `auth.token` → `apikey`, `xapikey`, `authtoken`. */
function normalise(key: string): string {
  return key.toLowerCase().replace(/[\s_.-]/g, '')
}

const CREDENTIAL_NAMES = new Set(
  [
    'authorization',
    'proxyAuthorization',
    'apiKey',
    'xApiKey',
    'apiToken',
    'accessToken',
    'refreshToken',
    'idToken',
    'authToken',
    'bearerToken',
    'sessionToken',
    'token',
    'password',
    'passwd',
    'secret',
    'clientSecret',
    'secretKey',
    'accessKey',
    'secretAccessKey',
    'privateKey',
    'cookie',
    'setCookie',
    'bearer',
    'pat',
    'passphrase',
    'credential',
    'credentials',
    'xAuthToken',
    'authKey',
    'apiSecret',
    'connectionString'
  ].map(normalise)
)

/**
 * A header written in a string (`Authorization: Bearer …`, `X-Auth-Token: …`, on any line of
 * it), or a connection string's password (`…;Password=…`): the whole string is the secret.
 */
const SECRET_IN_TEXT = [
  /^\s*(authorization|proxy-authorization|cookie|api-key|x-[\w-]*(?:token|key|secret|auth)[\w-]*)\s*[:=]/im,
  /(?:^|;)\s*(?:password|pwd)\s*=/i
]

export function isCredentialName(name: string): boolean {
  // A name, not prose: `Authorization`, `x-api-key`, never a sentence that mentions a token.
  if (name.length > 40 || /\s/.test(name.trim())) return false
  return CREDENTIAL_NAMES.has(normalise(name))
}

/**
 * Every variable of an app file (as findVariables finds them), those named like a credential
 * counted secure, and every credential field or header line outside them as a secure variable
 * of its own, named by its key. Throws as findVariables does when the file cannot be told.
 */
export function findAppVariables(root: Node): Variable[] {
  // A variable named like a credential, or whose value reads as a header or password, is secure.
  const looksSecret = (v: Variable): boolean =>
    (isCredentialName(v.name) && v.values.some(holdsValue)) ||
    v.values.some(node => node.type === 'string' && secretInText(String(node.value)))
  const variables = findVariables(root, { lenient: true }).map(v =>
    !v.secure && looksSecret(v) ? { ...v, secure: true } : v
  )
  // A value a variable already has (redacted or not) is that variable's: never edited twice.
  const taken = variables.flatMap(v => v.values)
  const fields: Variable[] = []
  const add = (name: string, node: Node, parent: Node): void => {
    const claimed = [...taken, ...fields.flatMap(f => f.values)].some(other =>
      overlaps(node, other)
    )
    if (!claimed && holdsValue(node))
      fields.push({ name, node: parent, values: [node], secure: true })
  }
  const visit = (node: Node, key: string | undefined, parent: Node): void => {
    // Whatever sits under a credential's name is the credential: a string, a number, an object.
    if (key !== undefined && isCredentialName(key)) return add(key, node, parent)
    if (node.type === 'string') {
      if (secretInText(String(node.value))) add(key ?? 'a header in text', node, parent)
      return
    }
    const pair = namedPair(node)
    if (pair) return pair.values.forEach(value => add(pair.name, value, node))
    for (const child of node.children ?? []) {
      if (child.type === 'property') {
        const value = child.children?.[1]
        if (value) visit(value, String(child.children?.[0]?.value ?? ''), node)
      } else visit(child, undefined, node)
    }
  }
  visit(root, undefined, root)
  return [...variables, ...fields]
}

function overlaps(a: Node, b: Node): boolean {
  return a.offset < b.offset + b.length && b.offset < a.offset + a.length
}

/** An empty string or null holds no secret: kept as exported, nothing to fill at restore. */
function holdsValue(node: Node): boolean {
  if (node.type === 'null' || node.type === 'boolean') return false
  return node.type !== 'string' || String(node.value).trim() !== ''
}

/**
 * A header credential written inside longer text (`fetch(url, { headers: { 'Authorization':
 * 'Bearer …' } })` in a code tool): the text cannot be redacted in part, and redacting a whole
 * script would lose it, so the app is refused.
 */
const HEADER_INSIDE_TEXT =
  /["'`]?(?:authorization|x-api-key|x-auth-token)["'`]?\s*[:=]\s*["'`]?(?:bearer|basic|token)\s+[\w.~+/=-]{6,}/i

/** A header line, a connection string's password, or JSON text holding a credential. */
function secretInText(text: string): boolean {
  if (SECRET_IN_TEXT.some(pattern => pattern.test(text))) return true
  if (HEADER_INSIDE_TEXT.test(text)) {
    throw new Error(
      'a text (code or a prompt) holds an Authorization header with its credential, which cannot be redacted in place: move the credential into a secure variable in Kore.ai'
    )
  }
  if (!/^\s*[[{]/.test(text)) return false
  const inner = parseTree(text)
  try {
    return inner !== undefined && findAppSecureVariables(inner).length > 0
  } catch {
    // Text that reads as JSON and whose secrets cannot be told: treated as one.
    return true
  }
}

/**
 * `["Authorization", "Bearer …"]` or `{ "headerName": "Authorization", "headerValue": "…" }`:
 * a pair whose name is a credential's, and the values beside that name.
 */
function namedPair(node: Node): { name: string; values: Node[] } | undefined {
  const children = node.children ?? []
  if (node.type === 'array' && children.length === 2) {
    const [name, value] = children
    if (name?.type === 'string' && isCredentialName(String(name.value)) && value) {
      return { name: String(name.value), values: [value] }
    }
  }
  if (node.type !== 'object') return undefined
  const isNameKey = (p: Node) => /name$|^header$|^key$/i.test(String(p.children?.[0]?.value))
  const named = children
    .filter(isNameKey)
    .map(p => p.children?.[1])
    .find(v => v?.type === 'string' && isCredentialName(String(v.value)))
  if (!named) return undefined
  const values = children
    .filter(p => !isNameKey(p) && /value|^v$|content|data/i.test(String(p.children?.[0]?.value)))
    .flatMap(p => (p.children?.[1] ? [p.children[1]] : []))
  return { name: String(named.value), values }
}

export function findAppSecureVariables(root: Node): Variable[] {
  return findAppVariables(root).filter(v => v.secure)
}

/**
 * Redacts an app file whatever its shape; a file with comments is refused, since a comment
 * (`// old key: …`) is text no walker can redact in place.
 */
export function redactAppFile(data: Buffer): Redacted {
  const text = decodeJsonBytes(data)
  if (hasComments(text)) throw new Error('it holds comments, which cannot be redacted in place')
  return redactSecureValues(text, findAppSecureVariables)
}

/** jsonc-parser's SyntaxKind, a const enum that isolated modules cannot read. */
const LINE_COMMENT = 12
const BLOCK_COMMENT = 13
const END = 17

export function hasComments(text: string): boolean {
  const scanner = createScanner(text, false)
  for (let kind: number = scanner.scan(); kind !== END; kind = scanner.scan()) {
    if (kind === LINE_COMMENT || kind === BLOCK_COMMENT) return true
  }
  return false
}
