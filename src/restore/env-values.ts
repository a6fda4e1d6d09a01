import { applyEdits, Edit, Node } from 'jsonc-parser'
import {
  findVariables,
  isPlaceholder,
  placeholderPath,
  REDACTED,
  Variable
} from '../backup/env-variables.js'
import { decodeJsonBytes, parseJsonTree } from '../backup/json-text.js'
import { SECRETS_FILE, SealedValues } from '../backup/secrets-file.js'
import { messageOf } from '../errors.js'
import { inputError } from '../input-names.js'
import { printable } from '../text.js'
import { EnvValue, RestoreInput } from './inputs.js'

export interface FilledVariables {
  /** What to upload: the backup's bytes, or its text with the given values set. */
  data: Buffer
  /** Names of the variables set from env-values. */
  filled: string[]
  /** Names of the variables set from the backup's encrypted secure values. */
  decrypted: string[]
}

/**
 * Sets the values given in env-values, editing only those values' text (everything else keeps
 * its exact bytes). Refuses, before any request, a redacted value with no replacement, a blank
 * value for a secret (an unset `secrets.X` expands to nothing), and a name the backup lacks.
 * `sealed` (the backup's decrypted secure values) fills the placeholders env-values does not,
 * each value with its exported JSON text; names it holds that the backup lacks are passed over.
 */
export function fillEnvValues(
  data: Buffer | undefined,
  values: Map<string, EnvValue>,
  sealed: SealedValues = new Map(),
  /** How the file's variables are found: a variables file's way, or an app file's. */
  find: (root: Node) => Variable[] = findVariables
): FilledVariables | undefined {
  if (!data) {
    if (values.size > 0) {
      throw inputError(RestoreInput.EnvValues, 'is given, but the backup has no env_variables.json')
    }
    return undefined
  }
  const text = decodeOrRefuse(data)
  let variables: Variable[]
  try {
    variables = find(parseJsonTree(text))
  } catch (error) {
    // A backup made with `keep`, or the artifact, may hold flags the redaction cannot read; with
    // nothing to set it is uploaded as it is (the placeholder check still guards the upload).
    if (values.size === 0 && sealed.size === 0) return { data, filled: [], decrypted: [] }
    throw inputError(
      RestoreInput.EnvValues,
      `cannot be applied: which of the backup's variables are secret cannot be told (${messageOf(error)}); restore without env-values or secrets-key, or from a backup whose env_variables.json the export redacted`
    )
  }
  refuseUnknownNames(variables, values)
  const isRedacted = (v: Variable): boolean => v.values.some(node => isPlaceholder(node.value))
  const fromSealed = (v: Variable): boolean =>
    !values.has(v.name) && sealed.has(v.name) && isRedacted(v)
  const missing = variables
    .filter(v => !values.has(v.name) && !sealed.has(v.name) && isRedacted(v))
    .map(v => v.name)
  if (missing.length > 0) {
    throw inputError(
      RestoreInput.EnvValues,
      `must set ${printable([...new Set(missing)].join(', '))}: the backup holds "${REDACTED}" in place of their values. Add NAME=\${{ secrets.NAME }} lines${sealed.size > 0 ? '' : ', or give secrets-key for a backup made with env-variables: encrypt'}.`
    )
  }
  const edits: (Edit & { name: string })[] = sealedEdits(variables.filter(fromSealed), sealed)
  for (const [name, given] of values) {
    const where = `${RestoreInput.EnvValues}: line ${given.line}`
    const named = variables.filter(v => v.name === name)
    if (named.length > 1) {
      throw inputError(
        where,
        `sets ${printable(name)}, but the backup has ${named.length} variables of that name: which one to set cannot be told`
      )
    }
    const [variable] = named as [Variable]
    if ((variable.secure || isRedacted(variable)) && !given.value.trim()) {
      throw inputError(
        where,
        `sets the secret ${printable(name)} to a blank value: its workflow secret is probably missing in this environment (an unset secrets.NAME expands to nothing)`
      )
    }
    if (variable.values.length === 0) {
      throw inputError(
        where,
        `sets ${printable(name)}, but the backup holds no value for it to replace (its value is null or missing)`
      )
    }
    for (const node of variable.values) {
      edits.push({
        name,
        offset: node.offset,
        length: node.length,
        content: JSON.stringify(given.value)
      })
    }
  }
  refuseOverlaps(edits)
  const decrypted = [...new Set(variables.filter(fromSealed).map(v => v.name))]
  if (edits.length === 0) return { data, filled: [], decrypted }
  const filled = [...values.keys()]
  return { data: Buffer.from(applyEdits(text, edits), 'utf8'), filled, decrypted }
}

/** Each value of each variable back to its exported text; a count that differs is refused. */
function sealedEdits(variables: Variable[], sealed: SealedValues): (Edit & { name: string })[] {
  const names = variables.map(v => v.name)
  const twice = names.find((name, at) => names.indexOf(name) !== at)
  if (twice !== undefined) {
    throw inputError(
      RestoreInput.Source,
      `has ${printable(twice)} twice in env_variables.json: which one its encrypted value belongs to cannot be told`
    )
  }
  return variables.flatMap(variable => {
    const texts = sealed.get(variable.name) ?? []
    if (texts.length !== variable.values.length) {
      throw inputError(
        RestoreInput.Source,
        `its ${SECRETS_FILE} holds ${texts.length} value(s) for ${printable(variable.name)}, and env_variables.json has ${variable.values.length}: they do not belong together`
      )
    }
    return variable.values.map((node, at) => ({
      name: variable.name,
      offset: node.offset,
      length: node.length,
      content: texts[at] as string
    }))
  })
}

function decodeOrRefuse(data: Buffer): string {
  try {
    return decodeJsonBytes(data)
  } catch (error) {
    throw inputError(
      RestoreInput.Source,
      `its env_variables.json cannot be read: ${messageOf(error)}`
    )
  }
}

/** Two names whose values nest (a group's value holding a variable) cannot both be set. */
function refuseOverlaps(edits: (Edit & { name: string })[]): void {
  const sorted = [...edits].sort((a, b) => a.offset - b.offset)
  for (let i = 1; i < sorted.length; i++) {
    const previous = sorted[i - 1] as Edit & { name: string }
    const edit = sorted[i] as Edit & { name: string }
    if (edit.offset < previous.offset + previous.length) {
      throw inputError(
        RestoreInput.EnvValues,
        `sets both ${printable(previous.name)} and ${printable(edit.name)}, but the value of one holds the other: set only one`
      )
    }
  }
}

function refuseUnknownNames(variables: Variable[], values: Map<string, EnvValue>): void {
  const names = new Set(variables.map(v => v.name))
  const unknown = [...values].filter(([name]) => !names.has(name)).map(([, given]) => given.line)
  if (unknown.length === 0) return
  const lines = unknown.length === 1 ? `line ${unknown[0]}` : `lines ${unknown.join(', ')}`
  throw inputError(
    `${RestoreInput.EnvValues}: ${lines}`,
    `names a variable the backup does not have (the name is not shown: the line may be part of a secret). The backup has: ${printable([...names].join(', ')) || 'no variables'}`
  )
}

/** The last check before upload: no file may still hold the redaction placeholder anywhere. */
export function refusePlaceholders(files: Record<string, Buffer | undefined>): void {
  for (const [name, data] of Object.entries(files)) {
    const where = data && placeholderPath(decodeJsonBytes(data))
    if (where === undefined) continue
    throw inputError(
      RestoreInput.Source,
      `its ${name} still holds "${REDACTED}" at ${printable(where)}: uploading it would set that value to the placeholder. Set it with env-values, or restore from a backup made with env-variables: keep`
    )
  }
}
