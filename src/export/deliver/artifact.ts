import * as core from '@actions/core'
import * as path from 'node:path'
import { secureVariablesInZip } from '../../backup/env-variables.js'
import { printable } from '../../text.js'

/**
 * The artifact is the export as Kore.ai made it, so it can be imported again: its secure values
 * are in it. Say so, and to whom it is open, whenever the export marks any variable secure.
 */
export async function warnAboutSecretsInArtifact(file: string, label: string): Promise<void> {
  const names = await secureVariablesInZip(file)
  if (names?.length === 0) return
  const which = names
    ? `the values of the secure variable(s) ${printable(names.join(', '), 1000)}`
    : 'variables that could not be checked for secure values'
  core.warning(
    `${label}The artifact ${path.basename(file)} holds env_variables.json unredacted, with ${which}: anyone with read access to this repository can download it (in a public repository, anyone signed in to GitHub). Set upload-artifact: false if that is too wide.`
  )
}
