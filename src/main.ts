import * as core from '@actions/core'
import { messageOf } from './errors.js'
import * as path from 'node:path'
import { exportTool, ExportRecord, newExportRecord } from './export-tool.js'
import { readInputs } from './inputs.js'
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
        destination: path.join(inputs.directory, `kore-tool-${inputs.toolId}.zip`),
        pollIntervalMs: inputs.pollIntervalSeconds * 1000,
        timeoutMs: inputs.timeoutSeconds * 1000
      },
      record
    )
  } catch (error) {
    core.setFailed(messageOf(error))
  } finally {
    if (record) await report(record)
  }
}

async function report(record: ExportRecord): Promise<void> {
  core.setOutput('status', record.status)
  core.setOutput('dock-status-id', record.dockStatusId)
  core.setOutput('export-job-id', record.exportJobId)
  core.setOutput('file', record.file)
  core.setOutput('sha256', record.sha256)
  core.setOutput('size', record.file ? String(record.size) : '')
  try {
    await writeSummary(record)
  } catch (error) {
    core.warning(`Could not write the job summary: ${(error as Error).message}`)
  }
}
