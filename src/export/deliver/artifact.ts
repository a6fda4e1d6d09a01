import * as core from '@actions/core'
import * as path from 'node:path'
import { secureVariablesInZip } from '../../backup/redaction.js'
import { printable } from '../../text.js'

/**
 * With artifact-secrets: keep the artifact is the export as Kore.ai made it, its secure values
 * in clear. Say so, and to whom it is open, whenever the export marks any variable secure.
 */
export async function warnAboutSecretsInArtifact(file: string, label: string): Promise<void> {
  const names = await secureVariablesInZip(file)
  if (names?.length === 0) return
  const which = names
    ? `the values of the secure variable(s) ${printable(names.join(', '), 1000)}`
    : 'variables that could not be checked for secure values'
  core.warning(
    `${label}The artifact ${path.basename(file)} holds env_variables.json unredacted, with ${which}: anyone with read access to this (private) repository can download it. Set artifact-secrets: redact if that is too wide.`
  )
}
