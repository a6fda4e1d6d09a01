import * as core from '@actions/core'
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
  if (!process.env.GITHUB_STEP_SUMMARY) return
  try {
    await writeRestoreSummary(inputs, record, error)
  } catch (caught) {
    core.warning(`Could not write the job summary: ${messageOf(caught)}`)
  }
}

function stateOf(status: string): string {
  if (status === MAY_HAVE_STARTED) {
    return 'may have started: the request failed after Kore.ai may have acted on it; check in Kore.ai before running this step again'
  }
  return text(status || 'not started')
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
    ['Imported into', into],
    ['Import', stateOf(record.status)],
    [
      'Variables set from env-values',
      record.filled.length > 0 ? record.filled.map(code).join(', ') : 'none'
    ],
    ['Deploy', inputs.deploy ? stateOf(record.deployStatus) : 'not asked (deploy: false)']
  ]
  if (error) rows.push(['Error', errorText(error)])
  await core.summary
    .addHeading(`Kore.ai ${inputs.resource} restore`, 3)
    .addTable([
      [
        { data: 'Field', header: true },
        { data: 'Value', header: true }
      ],
      ...rows
    ])
    .write()
}
