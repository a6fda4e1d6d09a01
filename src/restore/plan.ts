import * as core from '@actions/core'
import type { UploadedArtifact } from '../artifact.js'
import { uploadArtifactCopy } from '../backup/artifact-copy.js'
import { secureVariablesInZip } from '../backup/redaction.js'
import { messageOf } from '../errors.js'
import { printable } from '../text.js'
import { MAX_PULL_REQUEST_BODY, reportMarkdown } from '../backup/report/compose.js'
import { reportTool } from '../backup/report/render.js'
import type { Backup } from './backup.js'
import type { RestoreInputs } from './inputs.js'

/** Past this much JSON the change report would cost more memory than a runner has. */
const MAX_PLAN_BYTES = 32 * 1024 * 1024

/** What an import changes, worded for before it (a plan) and for after it succeeded. */
export interface Plan {
  wouldChange: string
  changed: string
}

/**
 * What the import changes, as the export's change report words it, from the target's current
 * files to the backup about to be uploaded (env-values filled); for a new tool, what it will
 * hold. Secure values are never shown, not even the target's, which Kore.ai exports in clear.
 */
export function planOf(
  inputs: RestoreInputs,
  target: Map<string, Buffer> | undefined,
  backup: Backup,
  decrypted: string[] = []
): Plan {
  const files = new Map([
    ['flow_definition.json', backup.flow],
    ['app_definition.json', backup.app],
    ...(backup.env ? [['env_variables.json', backup.env] as [string, Buffer]] : [])
  ])
  const label = inputs.toolId || inputs.toolName
  const size = [...files.values(), ...(target?.values() ?? [])].reduce((n, f) => n + f.length, 0)
  if (size > MAX_PLAN_BYTES) {
    const tooLarge = `The files are too large to compare here (${size} bytes): the changes are not shown.`
    return { wouldChange: tooLarge, changed: tooLarge }
  }
  // A value set from env-values or secrets-key is a secret, whether the file marks it or not.
  const report = reportTool(label, target, files, {
    firstLabel: `new ${inputs.resource}`,
    secretNames: [...inputs.envValues.keys(), ...decrypted]
  })
  if (report.markdown.length === 0) {
    const noun = inputs.resource
    return {
      wouldChange: `The ${noun} ${label} already holds this backup: the import changes nothing.`,
      changed: `The ${noun} ${label} already held this backup: the import changed nothing.`
    }
  }
  return {
    wouldChange: reportMarkdown(
      [report],
      MAX_PULL_REQUEST_BODY,
      '####',
      'What this import would change in'
    ),
    changed: reportMarkdown([report], MAX_PULL_REQUEST_BODY)
  }
}

/**
 * Uploads the pre-import zip as a workflow artifact, so the import can be undone with this same
 * action. Without an artifact service (a local run) the file is kept and the run goes on; when
 * the service is there but the upload fails, nothing is imported: a file in the runner's temp
 * folder does not outlive the job. Returns the artifact, or undefined when none was uploaded.
 */
export async function keepBeforeImport(
  inputs: Pick<RestoreInputs, 'artifactSecrets' | 'resource' | 'retentionDays' | 'timeoutSeconds'>,
  file: string,
  { app = false } = {}
): Promise<UploadedArtifact | undefined> {
  if (!hasArtifactService()) {
    core.warning(
      `No artifact service here (not a GitHub Actions job): the ${inputs.resource}'s state before the import is kept only at ${file}`
    )
    return undefined
  }
  try {
    const artifact = await uploadArtifactCopy(
      inputs.artifactSecrets,
      {
        file,
        retentionDays: inputs.retentionDays,
        overwrite: false,
        // The outer message says how to go on without it.
        howToSkip: '',
        onNameTaken:
          'this step names its own artifacts, so another step chose the same random name.',
        timeoutSeconds: inputs.timeoutSeconds
      },
      { app }
    )
    core.info(`Kept as artifact ${artifact.name} (id ${artifact.id}) ${artifact.url}`)
    const secure = artifact.redacted ? [] : app ? undefined : await secureVariablesInZip(file)
    if (secure?.length !== 0) {
      core.warning(
        `The artifact ${artifact.name} is the ${inputs.resource} as Kore.ai exports it, with its secure values in clear (${secure ? printable(secure.join(', '), 500) : 'variables that could not be checked'}): anyone with read access to this (private) repository can download it. Set artifact-secrets: redact if that is too wide.`
      )
    }
    return artifact
  } catch (error) {
    throw new Error(
      `The ${inputs.resource}'s state before the import could not be kept as an artifact, so nothing was uploaded or imported: ${messageOf(error).replace(/\.$/, '')}. Set backup-before: false to import without an undo.`,
      { cause: error }
    )
  }
}

/** Whether this is a GitHub Actions job with an artifact service to keep files in. */
export function hasArtifactService(): boolean {
  return Boolean(process.env.ACTIONS_RUNTIME_TOKEN)
}
