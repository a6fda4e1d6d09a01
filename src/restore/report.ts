import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { messageOf } from '../errors.js'
import { code, errorText, printableHtml as text } from '../summary-html.js'
import type { RestoreInputs } from './inputs.js'
import { MAY_HAVE_STARTED, RestoreRecord } from './restore-tool.js'

/** Sets the outputs and writes the job summary, whether the step succeeded or not. */
export async function reportRestore(
  inputs: RestoreInputs,
  record: RestoreRecord,
  error: string
): Promise<void> {
  core.setOutput('tool-id', record.toolId)
  core.setOutput('dock-status-id', record.dockStatusId)
  core.setOutput('status', record.status)
  core.setOutput('deployed', String(record.deployed))
  core.setOutput('plan', record.plan)
  core.setOutput('plan-file', record.plan ? await writePlanFile(inputs, record.plan) : '')
  core.setOutput('before-file', record.beforeFile)
  core.setOutput('before-artifact-id', record.beforeArtifactId)
  if (!process.env.GITHUB_STEP_SUMMARY) return
  try {
    await writeRestoreSummary(inputs, record, error)
  } catch (caught) {
    core.warning(`Could not write the job summary: ${messageOf(caught)}`)
  }
}

/**
 * The plan as a file too: a workflow posting it (gh pr comment --body-file) needs no
 * environment variable, which Linux caps at 128 KiB (65,536 characters of CJK text exceed it).
 */
async function writePlanFile(inputs: RestoreInputs, plan: string): Promise<string> {
  try {
    const folder = await fs.promises.mkdtemp(
      path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'kore-plan-')
    )
    const file = path.join(folder, `${inputs.resource}-${inputs.toolId || 'new'}-plan.md`)
    await fs.promises.writeFile(file, plan)
    return file
  } catch (error) {
    // The other outputs and the summary still follow; the plan output holds the same text.
    core.warning(`Could not write the plan to a file: ${messageOf(error)}`)
    return ''
  }
}

function stateOf(status: string): string {
  if (status === MAY_HAVE_STARTED) {
    return 'may have started: the request failed after Kore.ai may have acted on it; check in Kore.ai before running this step again'
  }
  return text(status || 'not started')
}

/** Where the target's state before the import was kept, and how to bring it back. */
function beforeImport(inputs: RestoreInputs, record: RestoreRecord): string {
  const name = record.beforeFile.split('/').pop() ?? ''
  const kept = record.beforeArtifactId
    ? `artifact ${code(name)} (id ${code(record.beforeArtifactId)})`
    : `file ${code(record.beforeFile)} (no artifact service: it ends with the job)`
  const resource = inputs.resource === 'tool' ? '' : `, resource: ${inputs.resource}`
  const undo = `restore@v1 with source: the downloaded ${name}, tool-id: ${inputs.toolId}${resource}`
  return `${kept}. To undo: ${code(undo)}`
}

async function writeRestoreSummary(
  inputs: RestoreInputs,
  record: RestoreRecord,
  error: string
): Promise<void> {
  const noun = inputs.resource
  const into = inputs.toolId
    ? `existing ${noun} ${code(inputs.toolId)}`
    : `new ${noun} ${text(`"${inputs.toolName}"`)}${record.toolId ? `: ${code(record.toolId)}` : ''}`
  const rows: [string, string][] = [
    ['Host', code(inputs.host)],
    ['Backup', code(inputs.source)],
    [inputs.plan ? 'Would import into' : 'Imported into', into],
    ['Import', inputs.plan ? 'not done (plan: true)' : stateOf(record.status)],
    [
      'Variables set from env-values',
      record.filled.length > 0 ? record.filled.map(code).join(', ') : 'none'
    ],
    [
      'Deploy',
      inputs.plan
        ? 'not done (plan: true)'
        : inputs.deploy
          ? stateOf(record.deployStatus)
          : 'not asked (deploy: false)'
    ]
  ]
  if (record.beforeFile) rows.push(['Before the import', beforeImport(inputs, record)])
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
  if (record.plan) summary.addRaw(`\n${record.plan}\n`, true)
  await summary.write()
}
