import * as core from '@actions/core'
import { secretsOf } from '../artifact.js'
import { code, errorText, printableHtml as text } from '../summary-html.js'
import type { AppRestoreInputs } from './app-inputs.js'
import type { AppRestoreRecord } from './restore-app.js'
import { MAY_HAVE_STARTED } from './restore-tool.js'
import { setRestoreOutputs, writeSummaryOrWarn } from './report.js'
import { undoSteps } from './undo-hint.js'

/** The app restore's outputs (the tool restore's names) and job summary, however it ended. */
export async function reportAppRestore(
  inputs: AppRestoreInputs,
  record: AppRestoreRecord,
  error: string
): Promise<void> {
  const plan = inputs.plan
    ? (record.plan?.wouldChange ?? '')
    : record.status === 'SUCCESS'
      ? (record.plan?.changed ?? '')
      : ''
  const outputs = { toolId: inputs.appId, dockStatusId: '', deployed: false, deployStatus: '' }
  await setRestoreOutputs({ ...outputs, ...record }, plan, `app-${inputs.appId}`)
  await writeSummaryOrWarn(() => writeSummary(inputs, record, error, plan))
}

async function writeSummary(
  inputs: AppRestoreInputs,
  record: AppRestoreRecord,
  error: string,
  plan: string
): Promise<void> {
  const { source } = inputs
  const from =
    source.kind === 'backup'
      ? code(source.path)
      : `app ${code(source.appId)} version ${code(source.version)} on ${code(source.host)}`
  const status =
    record.status === MAY_HAVE_STARTED
      ? 'may have started: the request failed after Kore.ai may have acted on it; check in Kore.ai before running this step again'
      : text(record.status || 'not started')
  const rows: [string, string][] = [
    ['Host', code(inputs.host)],
    [source.kind === 'backup' ? 'Backup' : 'Promoted from', from],
    [inputs.plan ? 'Would import into' : 'Import into', `app ${code(inputs.appId)}`],
    ['Import', inputs.plan ? 'not done (plan: true)' : status],
    ['Variables set from env-values', record.filled.map(code).join(', ') || 'none']
  ]
  const artifact = record.beforeArtifact
  if (record.beforeFile) {
    const kept = artifact
      ? `artifact ${artifact.url ? `<a href="${text(artifact.url)}">${code(artifact.name)}</a>` : code(artifact.name)} (id ${code(String(artifact.id))}, ${secretsOf(artifact)}), and file ${code(record.beforeFile)} until the job ends`
      : `file ${code(record.beforeFile)} (it ends with the job)`
    rows.push([`Version ${code(inputs.appVersion)} before the import`, kept])
  }
  if (error) rows.push(['Error', errorText(error)])
  const summary = core.summary
    .addHeading(`Kore.ai app ${inputs.plan ? 'restore plan' : 'restore'}`, 3)
    .addTable([
      [
        { data: 'Field', header: true },
        { data: 'Value', header: true }
      ],
      ...rows
    ])
  if (plan) summary.addRaw(`\n${plan}\n`, true)
  if (!inputs.plan && record.status !== '' && record.beforeFile) {
    const target = { host: inputs.host, resource: 'app' as const, toolId: inputs.appId }
    const kept = { file: record.beforeFile, artifact }
    summary.addRaw(`\n${undoSteps({ ...target, appVersion: inputs.appVersion }, kept)}`)
  }
  await summary.write()
}
