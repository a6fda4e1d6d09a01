import { secretsOf } from '../artifact.js'
import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { messageOf } from '../errors.js'
import { code, errorText, printableHtml as text } from '../summary-html.js'
import type { RestoreInputs } from './inputs.js'
import { hasArtifactService } from './plan.js'
import { MAY_HAVE_STARTED, RestoreRecord } from './restore-tool.js'
import { undoSteps } from './undo-hint.js'

/** Sets the outputs and writes the job summary, whether the step succeeded or not. */
export async function reportRestore(
  inputs: RestoreInputs,
  record: RestoreRecord,
  error: string
): Promise<void> {
  const plan = planToShow(inputs, record)
  await setRestoreOutputs(record, plan, `${inputs.resource}-${inputs.toolId || 'new'}`)
  await writeSummaryOrWarn(() => writeRestoreSummary(inputs, record, error, plan))
}

/** What every restore sets, a tool's or an app's (restore/action.yml's outputs). */
export type RestoreOutputs = Pick<
  RestoreRecord,
  | 'toolId'
  | 'dockStatusId'
  | 'status'
  | 'deployed'
  | 'deployStatus'
  | 'beforeFile'
  | 'beforeArtifact'
>

/** Sets every output; the plan also as a file named after `planName`. */
export async function setRestoreOutputs(
  outputs: RestoreOutputs,
  plan: string,
  planName: string
): Promise<void> {
  core.setOutput('tool-id', outputs.toolId)
  core.setOutput('dock-status-id', outputs.dockStatusId)
  core.setOutput('status', outputs.status)
  core.setOutput('deployed', String(outputs.deployed))
  core.setOutput('deploy-status', outputs.deployStatus)
  core.setOutput('plan', plan)
  core.setOutput('plan-file', plan ? await writePlanFile(planName, plan) : '')
  core.setOutput('before-file', outputs.beforeFile)
  core.setOutput(
    'before-artifact-id',
    outputs.beforeArtifact ? String(outputs.beforeArtifact.id) : ''
  )
}

/** The summary outside Actions is skipped, and one that cannot be written only warns. */
export async function writeSummaryOrWarn(write: () => Promise<void>): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  try {
    await write()
  } catch (caught) {
    core.warning(`Could not write the job summary: ${messageOf(caught)}`)
  }
}

/**
 * The plan as a file too: a workflow posting it (gh pr comment --body-file) needs no
 * environment variable, which Linux caps at 128 KiB (65,536 characters of CJK text exceed it).
 */
async function writePlanFile(name: string, plan: string): Promise<string> {
  try {
    const folder = await fs.promises.mkdtemp(
      path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'kore-plan-')
    )
    const file = path.join(folder, `${name}-plan.md`)
    await fs.promises.writeFile(file, plan)
    return file
  } catch (error) {
    // The other outputs and the summary still follow; the plan output holds the same text.
    core.warning(`Could not write the plan to a file: ${messageOf(error)}`)
    return ''
  }
}

/** A plan before anything happens; after an import, only what a finished import changed. */
function planToShow(inputs: RestoreInputs, record: RestoreRecord): string {
  if (!record.plan) return ''
  if (inputs.plan) return record.plan.wouldChange
  return record.status === 'SUCCESS' ? record.plan.changed : ''
}

function stateOf(status: string): string {
  if (status === MAY_HAVE_STARTED) {
    return 'may have started: the request failed after Kore.ai may have acted on it; check in Kore.ai before running this step again'
  }
  return text(status || 'not started')
}

/** Where the target's state before the import was kept (the undo itself is below the table). */
function beforeImport(record: RestoreRecord): string {
  const artifact = record.beforeArtifact
  if (artifact) {
    const name = code(artifact.name)
    const link = artifact.url ? `<a href="${text(artifact.url)}">${name}</a>` : name
    const id = code(String(artifact.id))
    return `artifact ${link} (id ${id}, ${secretsOf(artifact)}), and file ${code(record.beforeFile)} (as exported) until the job ends`
  }
  if (!hasArtifactService()) {
    return `file ${code(record.beforeFile)} (no artifact service: it ends with the job)`
  }
  return `file ${code(record.beforeFile)} only: the artifact upload failed (see the error), and the file ends with the job`
}

async function writeRestoreSummary(
  inputs: RestoreInputs,
  record: RestoreRecord,
  error: string,
  plan: string
): Promise<void> {
  const noun = inputs.resource
  const into = inputs.toolId
    ? `existing ${noun} ${code(inputs.toolId)}`
    : `new ${noun} ${text(`"${inputs.toolName}"`)}${record.toolId ? `: ${code(record.toolId)}` : ''}`
  const rows: [string, string][] = [
    ['Host', code(inputs.host)],
    ['Backup', code(inputs.source)],
    [intoLabel(inputs, record), into],
    ['Import', inputs.plan ? 'not done (plan: true)' : stateOf(record.status)],
    [
      'Variables set from env-values',
      record.filled.length > 0 ? record.filled.map(code).join(', ') : 'none'
    ],
    ...(record.decrypted.length > 0
      ? [
          ['Variables set from secrets-key', record.decrypted.map(code).join(', ')] as [
            string,
            string
          ]
        ]
      : []),
    [
      'Deploy',
      inputs.plan
        ? 'not done (plan: true)'
        : inputs.deploy
          ? stateOf(record.deployStatus)
          : 'not asked (deploy: false)'
    ]
  ]
  if (record.beforeFile) rows.push(['Before the import', beforeImport(record)])
  if (error) rows.push(['Error', errorText(error)])
  const summary = core.summary
    .addHeading(`Kore.ai ${inputs.resource} ${inputs.plan ? 'restore plan' : 'restore'}`, 3)
    .addTable([
      [
        { data: 'Field', header: true },
        { data: 'Value', header: true }
      ],
      ...rows
    ])
  // Markdown after a blank line, which ends the HTML block above.
  if (plan) summary.addRaw(`\n${plan}\n`, true)
  const sent = !inputs.plan && record.status !== ''
  const set = [...record.filled, ...record.decrypted]
  if (record.status === 'SUCCESS' && inputs.toolId && set.length > 0) {
    summary.addRaw(
      `\n<p>Kore.ai keeps the variables a ${noun} already has unless they changed, so these values set by this step may not have taken effect: ${set.map(code).join(', ')}. Check them in Kore.ai.</p>\n`,
      true
    )
  }
  if (sent && record.beforeFile) {
    summary.addRaw(
      `\n${undoSteps(inputs, { file: record.beforeFile, artifact: record.beforeArtifact })}`
    )
  }
  await summary.write()
}

/** The row's words follow what happened: would (a plan), imported (done), import (not done). */
function intoLabel(inputs: RestoreInputs, record: RestoreRecord): string {
  if (inputs.plan) return 'Would import into'
  return record.status === 'SUCCESS' ? 'Imported into' : 'Import into'
}
