import { applyEdits, Edit } from 'jsonc-parser'
import { listVariables, REDACTED } from '../backup/env-variables.js'
import { InputError } from '../input-names.js'
import { decodeJsonBytes, parseJsonTree } from '../backup/json-text.js'
import { printable } from '../text.js'
import { RestoreInput } from './inputs.js'

export interface FilledVariables {
  /** What to upload: the backup's bytes, or its text with the given values set. */
  data: Buffer
  /** Names of the variables set from env-values. */
  filled: string[]
}

/**
 * Sets the values given in env-values, editing only those values' text (everything else keeps
 * its exact bytes), and refuses to go on while a redacted value has no replacement.
 */
export function fillEnvValues(
  data: Buffer | undefined,
  values: Map<string, string>
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
  let variables
  try {
    text = decodeJsonBytes(data)
    variables = listVariables(parseJsonTree(text))
  } catch (error) {
    throw new InputError(
      RestoreInput.Source,
      `its env_variables.json cannot be read: ${(error as Error).message}`
    )
  }
  const names = new Set(variables.map(v => v.name))
  const unknown = [...values.keys()].filter(name => !names.has(name))
  if (unknown.length > 0) {
    throw new InputError(
      RestoreInput.EnvValues,
      `sets ${printable(unknown.join(', '))}, which the backup does not have (it has ${printable([...names].join(', ')) || 'no variables'})`
    )
  }
  const missing = variables
    .filter(v => !values.has(v.name) && v.values.some(node => node.value === REDACTED))
    .map(v => v.name)
  if (missing.length > 0) {
    throw new InputError(
      RestoreInput.EnvValues,
      `must set ${printable([...new Set(missing)].join(', '))}: the backup holds "${REDACTED}" in place of their values. Add NAME=\${{ secrets.NAME }} lines.`
    )
  }
  if (values.size === 0) return { data, filled: [] }
  const edits: Edit[] = variables
    .filter(v => values.has(v.name))
    .flatMap(v =>
      v.values.map(node => ({
        offset: node.offset,
        length: node.length,
        content: JSON.stringify(values.get(v.name))
      }))
    )
  return { data: Buffer.from(applyEdits(text, edits), 'utf8'), filled: [...values.keys()] }
}
