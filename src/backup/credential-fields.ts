import type { Node } from 'jsonc-parser'
import { findVariables, Variable } from './env-variables.js'

/**
 * An agentic app keeps credentials in shapes a tool's variables file does not: MCP server
 * headers as a map (`"headers": {"Authorization": "Bearer …"}`), auth profiles with
 * `apiKey`/`password`/`token` fields, header lines in lists. None need a secure flag there, so
 * for an app a field named like a credential is a secret whatever it is marked, as is a
 * variable so named: the walker for apps is the variables walker and this.
 */

/** `api_key`, `X-API-Key`, `clientSecret` → `apikey`, `xapikey`, `clientsecret`. */
function normalise(key: string): string {
  return key.toLowerCase().replace(/[\s_-]/g, '')
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
    'setCookie'
  ].map(normalise)
)

/** `Authorization: Bearer …`, `x-api-key=…`: a header written as one string. */
const HEADER_LINE = /^\s*(authorization|proxy-authorization|x-api-key|api-key|cookie)\s*[:=]/i

export function isCredentialName(name: string): boolean {
  return CREDENTIAL_NAMES.has(normalise(name))
}

/**
 * Every variable of an app file (as findVariables finds them), those named like a credential
 * counted secure, and every credential field or header line outside them as a secure variable
 * of its own, named by its key. Throws as findVariables does when the file cannot be told.
 */
export function findAppVariables(root: Node): Variable[] {
  const variables = findVariables(root).map(v =>
    !v.secure && isCredentialName(v.name) ? { ...v, secure: true } : v
  )
  // A credential inside a secure variable's value goes with it; elsewhere it is one of its own.
  const covered = variables.filter(v => v.secure).flatMap(v => v.values)
  const inside = (node: Node): boolean =>
    covered.some(c => node.offset >= c.offset && node.offset < c.offset + c.length)
  const fields: Variable[] = []
  const visit = (node: Node, key: string | undefined, parent: Node): void => {
    if (node.type === 'string') {
      const named = key !== undefined && isCredentialName(key)
      const line = key === undefined && HEADER_LINE.exec(String(node.value))
      if ((named || line) && !inside(node)) {
        fields.push({
          name: named ? key : ((line as RegExpExecArray)[1] ?? ''),
          node: parent,
          values: [node],
          secure: true
        })
      }
      return
    }
    for (const child of node.children ?? []) {
      if (child.type === 'property') {
        const value = child.children?.[1]
        if (value) visit(value, String(child.children?.[0]?.value ?? ''), node)
      } else visit(child, undefined, node)
    }
  }
  visit(root, undefined, root)
  // A field that findVariables already took as a variable's value is that variable.
  const taken = new Set(variables.flatMap(v => v.values))
  return [...variables, ...fields.filter(f => !f.values.some(node => taken.has(node)))]
}

export function findAppSecureVariables(root: Node): Variable[] {
  return findAppVariables(root).filter(v => v.secure)
}
