import * as core from '@actions/core'
import { messageOf } from './errors.js'
import * as path from 'node:path'
import { uploadExportArtifact } from './deliver/artifact.js'
import { exportTool, ExportRecord, newExportRecord } from './export-tool.js'
import { deliverToRepository } from './deliver/repository.js'
import { Inputs, readInputs } from './inputs.js'
import { writeSummary } from './summary.js'

/** The action: everything below throws; only this reports, once. */
export async function run(): Promise<void> {
  let record: ExportRecord | undefined
  try {
    const inputs = readInputs()
    record = newExportRecord(inputs.toolId, inputs.flowId)
    await exportTool(
      {
        host: inputs.host,
        apiKey: inputs.apiKey,
        toolId: inputs.toolId,
        flowId: inputs.flowId,
        destination: path.join(inputs.directory, `${inputs.artifactName}.zip`),
        pollIntervalMs: inputs.pollIntervalSeconds * 1000,
        timeoutMs: inputs.timeoutSeconds * 1000
      },
      record
    )
    await deliver(inputs, record)
  } catch (error) {
    if (record) record.error = messageOf(error)
    core.setFailed(messageOf(error))
  } finally {
    if (record) await report(record)
  }
}

/** Artifact and commit are independent: one failing does not stop the other. */
async function deliver(inputs: Inputs, record: ExportRecord): Promise<void> {
  const failures: string[] = []
  if (inputs.uploadArtifact) {
    try {
      record.artifact = await uploadExportArtifact({
        file: record.file,
        retentionDays: inputs.retentionDays,
        overwrite: inputs.overwrite
      })
      const link = record.artifact.url ? `: ${record.artifact.url}` : ''
      core.info(`Uploaded artifact ${record.artifact.name} (id ${record.artifact.id})${link}`)
    } catch (error) {
      failures.push(messageOf(error))
    }
  }
  if (inputs.commit) {
    try {
      record.commit = await deliverToRepository(inputs, record)
    } catch (error) {
      failures.push(messageOf(error))
    }
  }
  if (failures.length > 0) throw new Error(failures.join('\n'))
}

async function report(record: ExportRecord): Promise<void> {
  core.setOutput('status', record.status)
  core.setOutput('dock-status-id', record.dockStatusId)
  core.setOutput('export-job-id', record.exportJobId)
  core.setOutput('file', record.file)
  core.setOutput('sha256', record.sha256)
  core.setOutput('size', record.file ? String(record.size) : '')
  core.setOutput('artifact-id', record.artifact ? String(record.artifact.id) : '')
  core.setOutput('artifact-url', record.artifact?.url ?? '')
  core.setOutput('artifact-digest', record.artifact?.digest ?? '')
  const commit = record.commit
  core.setOutput('changed', commit ? String(commit.changed) : '')
  core.setOutput('commit-sha', commit?.commitSha ?? '')
  core.setOutput('commit-url', commit?.commitUrl ?? '')
  core.setOutput('pull-request-number', commit?.pullRequestNumber?.toString() ?? '')
  core.setOutput('pull-request-url', commit?.pullRequestUrl ?? '')
  try {
    await writeSummary(record)
  } catch (error) {
    core.warning(`Could not write the job summary: ${(error as Error).message}`)
  }
}
