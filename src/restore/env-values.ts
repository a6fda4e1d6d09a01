import { applyEdits, Edit } from 'jsonc-parser'
import { findVariables, REDACTED, Variable } from '../backup/env-variables.js'
import { placeholderPath } from '../backup/importable.js'
import { decodeJsonBytes, parseJsonTree } from '../backup/json-text.js'
import { messageOf } from '../errors.js'
import { InputError } from '../input-names.js'
import { printable } from '../text.js'
import { EnvValue, RestoreInput } from './inputs.js'

export interface FilledVariables {
  /** What to upload: the backup's bytes, or its text with the given values set. */
  data: Buffer
  /** Names of the variables set from env-values. */
  filled: string[]
}

/**
 * Sets the values given in env-values, editing only those values' text (everything else keeps
 * its exact bytes). Refuses, before any request, a redacted value with no replacement, a blank
 * value for a secret (an unset `secrets.X` expands to nothing), and a name the backup lacks.
 */
export function fillEnvValues(
  data: Buffer | undefined,
  values: Map<string, EnvValue>
): FilledVariables | undefined {
  if (!data) {
    if (values.size > 0) {
      throw new InputError(
        RestoreInput.EnvValues,
        'is given, but the backup has no env_variables.json'
      )
    }
    return undefined
  }
  let text: string
  let variables: Variable[]
  try {
    text = decodeJsonBytes(data)
    variables = findVariables(parseJsonTree(text))
  } catch (error) {
    throw new InputError(
      RestoreInput.Source,
      `its env_variables.json cannot be read for sure: ${messageOf(error)}`
    )
  }
  refuseUnknownNames(variables, values)
  const secret = (v: Variable): boolean =>
    v.secure || v.values.some(node => node.value === REDACTED)
  const redactedMissing = variables
    .filter(v => !values.has(v.name) && v.values.some(node => node.value === REDACTED))
    .map(v => v.name)
  if (redactedMissing.length > 0) {
    throw new InputError(
      RestoreInput.EnvValues,
      `must set ${printable([...new Set(redactedMissing)].join(', '))}: the backup holds "${REDACTED}" in place of their values. Add NAME=\${{ secrets.NAME }} lines.`
    )
  }
  for (const variable of variables.filter(v => secret(v) && values.has(v.name))) {
    const given = values.get(variable.name) as EnvValue
    if (given.value.trim()) continue
    throw new InputError(
      `${RestoreInput.EnvValues}: line ${given.line}`,
      `sets the secret ${printable(variable.name)} to a blank value: its workflow secret is probably missing in this environment (an unset secrets.NAME expands to nothing)`
    )
  }
  if (values.size === 0) return { data, filled: [] }
  const edits: Edit[] = variables
    .filter(v => values.has(v.name))
    .flatMap(v =>
      v.values.map(node => ({
        offset: node.offset,
        length: node.length,
        content: JSON.stringify(values.get(v.name)?.value)
      }))
    )
  return { data: Buffer.from(applyEdits(text, edits), 'utf8'), filled: [...values.keys()] }
}

function refuseUnknownNames(variables: Variable[], values: Map<string, EnvValue>): void {
  const names = new Set(variables.map(v => v.name))
  const unknown = [...values].filter(([name]) => !names.has(name)).map(([, given]) => given.line)
  if (unknown.length === 0) return
  const lines = unknown.length === 1 ? `line ${unknown[0]}` : `lines ${unknown.join(', ')}`
  throw new InputError(
    `${RestoreInput.EnvValues}: ${lines}`,
    `names a variable the backup does not have (the name is not shown: the line may be part of a secret). The backup has: ${printable([...names].join(', ')) || 'no variables'}`
  )
}

/** The last check before upload: no file may still hold the redaction placeholder anywhere. */
export function refusePlaceholders(files: Record<string, Buffer | undefined>): void {
  for (const [name, data] of Object.entries(files)) {
    const where = data && placeholderPath(decodeJsonBytes(data))
    if (where === undefined) continue
    throw new InputError(
      RestoreInput.Source,
      `its ${name} still holds "${REDACTED}" at ${printable(where)}: uploading it would set that value to the placeholder. Set it with env-values, or restore from a backup made with env-variables: keep`
    )
  }
}
