import * as core from '@actions/core'
import { decodeJsonBytes } from '../backup/json-text.js'
import { findAppSecureVariables } from '../backup/credential-fields.js'
import { secureValues } from '../backup/redaction.js'
import { Input } from '../input-names.js'
import { KnownSecret, listFindings, loadSecretScanner } from '../secret-scan.js'
import { inert, printable } from '../text.js'
import type { RestoreInputs } from './inputs.js'
import type { Plan } from './plan.js'

/**
 * The plan quotes the target's files and the backup's (word diffs of changed prompts), and
 * workflows post it on pull requests: it goes through the export's secret scan, and a plan that
 * holds what looks like a secret is not shown at all, the note saying why in its place.
 */
export async function withoutSecrets(
  inputs: Pick<RestoreInputs, 'apiKey' | 'githubToken' | 'envValues' | 'resource'>,
  plan: Plan,
  variableFiles: (Buffer | undefined)[]
): Promise<Plan> {
  const known: KnownSecret[] = [
    { label: Input.ApiKey, value: inputs.apiKey },
    { label: Input.GithubToken, value: inputs.githubToken },
    ...[...inputs.envValues].map(([name, { value }]) => ({
      label: `env-values ${printable(name, 100)}`,
      value
    })),
    ...variableFiles.flatMap(file => secureValuesOf(file, inputs.resource === 'app'))
  ]
  const scanner = await loadSecretScanner(known)
  const found = await scanner.scanRendered([
    { name: 'the plan', text: `${plan.wouldChange}\n${plan.changed}` }
  ])
  if (found.length === 0) return plan
  const note = `The changes are not shown: the secret scan flags their text (${listFindings(found)}). They quote the ${inputs.resource}'s files; compare them in Kore.ai or in the backup itself.`
  core.warning(note)
  // Posted on pull requests: the rule ids' @ must mention no one.
  return { wouldChange: inert(note), changed: inert(note) }
}

/** A variables file whose secure values cannot be told adds none: the rules still apply. */
function secureValuesOf(file: Buffer | undefined, app: boolean): KnownSecret[] {
  if (!file) return []
  try {
    return secureValues(decodeJsonBytes(file), app ? findAppSecureVariables : undefined).flatMap(
      value =>
        value.secrets.map(secret => ({
          label: `secure variable ${printable(value.name, 100)}`,
          value: secret
        }))
    )
  } catch {
    return []
  }
}
