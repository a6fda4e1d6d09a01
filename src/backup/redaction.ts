import { applyEdits, Edit, Node } from 'jsonc-parser'
import { extractZip } from './archive.js'
import { findSecureVariables, isEnvVariablesFile, REDACTED, Variable } from './env-variables.js'
import { decodeJsonBytes, parseJsonTree } from './json-text.js'

/** What the redaction does with the secure variables env-variables.ts finds, and what it hides. */

/** Which variables of a file are secure: a tool's variables file, or an app's (credential-fields.ts). */
export type SecureFinder = (root: Node) => Variable[]

/** One secure variable's value: where it sits in the text, and the secrets it holds. */
export interface SecureValue {
  name: string
  offset: number
  length: number
  /** Its strings as they read (numbers as written): what a leak elsewhere would show. */
  secrets: string[]
}

export interface Redacted {
  text: string
  names: string[]
  /** What the redaction replaced, at its place in the text given. */
  values: SecureValue[]
  /** By variable: the JSON text of each value replaced (what env-variables: encrypt keeps). */
  secrets: [name: string, values: string[]][]
}

/** Replaces every secure variable's value with REDACTED, touching nothing else in the text. */
export function redactSecureValues(
  text: string,
  find: SecureFinder = findSecureVariables
): Redacted {
  const variables = find(parseJsonTree(text))
  const edits: Edit[] = variables.flatMap(variable =>
    variable.values.map(value => ({
      offset: value.offset,
      length: value.length,
      content: JSON.stringify(REDACTED)
    }))
  )
  return {
    text: applyEdits(text, edits),
    names: variables.map(v => v.name),
    values: secureValuesOf(variables, text),
    secrets: variables.map(({ name, values }): [string, string[]] => [
      name,
      values.map(value => text.slice(value.offset, value.offset + value.length))
    ])
  }
}

/** Reads env_variables.json's bytes (BOMs, UTF-16, comments, trailing commas) and redacts it. */
export function redactEnvVariablesFile(data: Buffer, find?: SecureFinder): Redacted {
  return redactSecureValues(decodeJsonBytes(data), find)
}

/** The secure values of a variables file's text, where they sit in it; throws as redacting does. */
export function secureValues(
  text: string,
  find: SecureFinder = findSecureVariables
): SecureValue[] {
  return secureValuesOf(find(parseJsonTree(text)), text)
}

/**
 * The secure variables of an export zip (none when it has no variables file); undefined when
 * they cannot be told, which callers must treat as "may hold secrets".
 */
export async function secureVariablesInZip(file: string): Promise<string[] | undefined> {
  try {
    const entries = await extractZip(file, isEnvVariablesFile)
    return entries.flatMap(entry => redactEnvVariablesFile(entry.data).names)
  } catch {
    return undefined
  }
}

function secureValuesOf(variables: Variable[], text: string): SecureValue[] {
  return variables.flatMap(variable =>
    variable.values.map(value => ({
      name: variable.name,
      offset: value.offset,
      length: value.length,
      secrets: leaves(value, text)
    }))
  )
}

function leaves(node: Node, text: string): string[] {
  if (node.type === 'string') return [String(node.value)]
  if (node.type === 'number') return [text.slice(node.offset, node.offset + node.length)]
  return (node.children ?? []).flatMap(child =>
    child.type === 'property' ? leaves(child.children?.[1] as Node, text) : leaves(child, text)
  )
}
