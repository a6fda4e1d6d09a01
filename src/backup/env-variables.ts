import type { Node } from 'jsonc-parser'
import { printable } from '../text.js'

/**
 * Secure variables in env_variables.json. Kore.ai does not document how an export marks them, so
 * flags are matched loosely (any case, any separator, true-ish values) and anything that cannot be
 * told apart for sure is an error rather than a guess: a redaction that fails open leaks a secret
 * into git history for good.
 */

export const ENV_VARIABLES_FILE = 'env_variables.json'
export { isPlaceholder, placeholderPath, REDACTED } from './placeholder.js'

/** The variables file, matched as Kore.ai's siblings spell it (any case), wherever it sits. */
export function isEnvVariablesFile(name: string): boolean {
  return (name.split('/').pop() ?? '').toLowerCase() === ENV_VARIABLES_FILE
}

/** `isSecured`, `is_secured`, `IS-SECURED` → `issecured`. */
function normalise(key: string): string {
  return key.toLowerCase().replace(/[\s_-]/g, '')
}

const SECURE_FLAG_NAMES = [
  'isSecured',
  'isSecure',
  'secured',
  'secure',
  'isSecret',
  'secret',
  'isEncrypted',
  'encrypted',
  'isMasked',
  'masked',
  'sensitive',
  'isSensitive',
  'secureVariable',
  'isSecureVariable'
]
const SECURE_FLAGS = new Set(SECURE_FLAG_NAMES.map(normalise))
/** A field named like a flag the list above lacks (`isSecuredVariable`, `secretFlag`…). */
const FLAG_LIKE = /secur|secret|encrypt|mask|sensitiv/
/** Fields that say what kind of value it is; `secure`, `secret`, `password` there mark it. */
const KIND_KEYS = new Set(['type', 'dataType', 'valueType', 'kind'].map(normalise))
const SECRET_KIND = /secur|secret|password|encrypt|sensitiv|credential/i
const VALUE_KEYS = new Set(['value', 'defaultValue', 'values', 'val', 'secretValue'].map(normalise))
const NAME_KEYS = ['key', 'name', 'variableName', 'varName'].map(normalise)
/** Fields of a variable that describe it and never hold its value. */
const METADATA_KEYS = new Set(
  [
    ...NAME_KEYS,
    'id',
    'description',
    'notes',
    'note',
    'hint',
    'label',
    'displayName',
    'type',
    'dataType',
    'valueType',
    'group',
    'namespace',
    'scope',
    'category',
    'version',
    'createdOn',
    'createdBy',
    'createdAt',
    'modifiedOn',
    'modifiedBy',
    'updatedOn',
    'updatedAt',
    'lMod'
  ].map(normalise)
)
const TRUE_TEXT = new Set(['true', 'yes', 'y', 'on', '1'])
const FALSE_TEXT = new Set(['false', 'no', 'n', 'off', '0', ''])

export interface Variable {
  /** As the tool's author wrote it (not yet printable). */
  name: string
  /** The object that holds the variable. */
  node: Node
  /** Its value fields (usually one `value`): what is redacted or filled. */
  values: Node[]
  secure: boolean
}

/**
 * Every variable of the file, wherever it sits: an object with a value field, named by its name
 * field or, in a map of variables, by its key; or an object marked secure. The one walker for
 * redacting (export), listing, requiring and filling (restore) and hiding (change report), so
 * that whatever one of them sees as a secret, all do. Throws when the file's
 * shape does not tell for sure which values are secret.
 */
export function findVariables(root: Node, { lenient = false } = {}): Variable[] {
  if (root.type !== 'object' && root.type !== 'array') {
    throw new Error(`its top level is a ${root.type}, not a list or map of variables`)
  }
  const found: Variable[] = []
  // `insideValue`: the node is (within) a variable's value, so it is not a variable of its own
  // (a value that is an object with a `value` key), but may still hold a secure one.
  const visit = (
    node: Node,
    nameFromParent: string | undefined,
    insideValue: boolean,
    withinVariable?: string
  ): void => {
    if (node.type === 'string') return refuseSecretsInText(node, nameFromParent, lenient)
    if (node.type === 'object' && isMarkedSecure(node, nameFromParent, lenient)) {
      // Its values are replaced whole: nothing inside needs a second look.
      const variable = secureVariable(node, nameFromParent, lenient)
      // A flag with no value of its own inside a variable (its options) marks the outer value.
      if (variable.values.length === 0 && withinVariable) {
        throw new Error(
          `a secure flag with no value of its own sits inside the variable ${printable(withinVariable)}, whose value it may mark: which value is secret cannot be told`
        )
      }
      return void found.push(variable)
    }
    const values = node.type === 'object' ? valueFields(node) : []
    let within = withinVariable
    if (values.length > 0 && !insideValue) {
      const name = variableName(node, nameFromParent)
      found.push({ name, node, values, secure: false })
      within = name
    }
    // Groups of variables (a variable with `items`) and values that are themselves objects may
    // hold secure variables: every child is read.
    for (const child of node.children ?? []) {
      if (child.type !== 'property') visit(child, undefined, insideValue, within)
      else {
        const value = child.children?.[1] as Node
        visit(value, keyOf(child), insideValue || values.includes(value), within)
      }
    }
  }
  visit(root, undefined, false)
  return found
}

export function findSecureVariables(root: Node): Variable[] {
  return findVariables(root).filter(variable => variable.secure)
}

/** `isSecured`, `is_secured: `, `\\"secret\\":`: a secure flag written inside text. */
const FLAG_IN_TEXT = new RegExp(
  `(?:${SECURE_FLAG_NAMES.map(name => name.replace(/([a-z])([A-Z])/g, '$1[\\s_-]?$2')).join('|')})["'\\\\\\s]*[:=]`,
  'i'
)

const QUOTED_FLAG_IN_TEXT = new RegExp(`["'](?:${FLAG_IN_TEXT.source})`, 'i')

/**
 * Variables kept as text inside a string (JSON text, encoded twice, cut short, in single quotes)
 * cannot be redacted in place with certainty: a string that writes a secure flag is refused
 * rather than committed in clear.
 */
function refuseSecretsInText(
  node: Node,
  nameFromParent: string | undefined,
  lenient: boolean
): void {
  // Read through \uXXXX escapes too, however often the text was encoded.
  let text = String(node.value)
  for (let pass = 0; pass < 3 && /\\u[0-9a-f]{4}/i.test(text); pass++) {
    text = text.replace(/\\+u([0-9a-f]{4})/gi, (_m, hex: string) =>
      String.fromCharCode(parseInt(hex, 16))
    )
  }
  // An app's prompts and code say "secret:" in prose: there only a quoted key is a flag.
  const flag = lenient ? QUOTED_FLAG_IN_TEXT : FLAG_IN_TEXT
  if (!flag.test(String(node.value)) && !flag.test(text)) return
  throw new Error(
    `${nameFromParent ? `"${printable(nameFromParent)}"` : 'a value'} holds variables as JSON text with a secure flag, which cannot be redacted in place`
  )
}

function valueFields(object: Node): Node[] {
  return (object.children ?? [])
    .filter(p => VALUE_KEYS.has(normalise(keyOf(p))))
    .map(p => p.children?.[1] as Node)
}

function isMarkedSecure(
  object: Node,
  nameFromParent: string | undefined,
  lenient: boolean
): boolean {
  let secure = false
  for (const property of object.children ?? []) {
    const key = keyOf(property)
    const field = normalise(key)
    const value = property.children?.[1]
    if (KIND_KEYS.has(field) && value?.type === 'string' && SECRET_KIND.test(String(value.value))) {
      secure = true
      continue
    }
    // A field that may be a flag but is not a known one counts as one, or stops the redaction.
    const flagLike = FLAG_LIKE.test(field) && !VALUE_KEYS.has(field)
    if (!SECURE_FLAGS.has(field) && !flagLike) continue
    const flag = flagValue(value)
    // An app's settings (`securityLevel: high`, `maskingType`) are named like flags: only a
    // known flag that reads as neither true nor false stops it.
    // And a `secret` holding text is the secret itself (credential-fields.ts takes it).
    if (flag === undefined && lenient && (!SECURE_FLAGS.has(field) || field === 'secret')) continue
    if (flag === undefined) {
      const name = variableName(object, nameFromParent)
      throw new Error(
        `variable ${printable(name)} has "${printable(key)}" set to something that is neither true nor false`
      )
    }
    secure ||= flag
  }
  return secure
}

function secureVariable(
  object: Node,
  nameFromParent: string | undefined,
  lenient: boolean
): Variable {
  const name = variableName(object, nameFromParent)
  const values: Node[] = []
  let hasValueField = false
  for (const property of object.children ?? []) {
    const key = normalise(keyOf(property))
    const value = property.children?.[1]
    if (!value || SECURE_FLAGS.has(key) || METADATA_KEYS.has(key)) continue
    if (VALUE_KEYS.has(key)) {
      hasValueField = true
      if (value.type !== 'null') values.push(value)
    } else if (
      value.type !== 'boolean' &&
      value.type !== 'null' &&
      !(lenient && value.type === 'number')
    ) {
      throw new Error(
        `secure variable ${printable(name)} has a field "${printable(keyOf(property))}" that may hold its value`
      )
    }
  }
  // A flagged object with neither a name nor a value is a part of a variable, not the variable.
  if (!hasValueField && !NAME_KEYS.some(k => hasKey(object, k))) {
    throw new Error(
      `a secure flag sits on an object with neither a name nor a value (near offset ${object.offset})`
    )
  }
  return { name, node: object, values, secure: true }
}

/** true / false for what reads as a flag (true, "yes", 1…); undefined when it does not. */
function flagValue(node: Node | undefined): boolean | undefined {
  if (!node || node.type === 'null') return false
  if (node.type === 'boolean') return node.value === true
  if (node.type === 'number') return node.value === 1 ? true : node.value === 0 ? false : undefined
  if (node.type !== 'string') return undefined
  const text = String(node.value).trim().toLowerCase()
  return TRUE_TEXT.has(text) ? true : FALSE_TEXT.has(text) ? false : undefined
}

function variableName(object: Node, nameFromParent: string | undefined): string {
  for (const key of NAME_KEYS) {
    const value = valueOf(object, key)
    if (value?.type === 'string' && value.value) return String(value.value)
  }
  return nameFromParent ?? `(variable at offset ${object.offset})`
}

function keyOf(property: Node): string {
  return String(property.children?.[0]?.value ?? '')
}

function valueOf(object: Node, normalisedKey: string): Node | undefined {
  const property = object.children?.find(p => normalise(keyOf(p)) === normalisedKey)
  return property?.children?.[1]
}

function hasKey(object: Node, normalisedKey: string): boolean {
  return valueOf(object, normalisedKey) !== undefined
}
