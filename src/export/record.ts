import type { UploadedArtifact } from '../artifact.js'
import type { ExportJob } from '../kore/export-job.js'
import type { ToolDelivery } from './deliver/repository.js'
import type { ExportedTool } from './export-tool.js'

/**
 * What the run knows of one tool, for its outputs and summary: each stage's result as it
 * returned it, so that a failure still shows how far the tool got.
 */
export interface ExportRecord {
  toolId: string
  flowId: string
  /** The app version exported (resource: app); undefined for a tool. */
  version?: string
  /** Kore.ai's export job as last heard of; undefined before Kore.ai accepted one. */
  job?: ExportJob
  /** The verified zip on disk; undefined until the download is complete and checked. */
  zip?: ExportedTool
  /** Trigger to verified zip (or to the failure). */
  durationMs: number
  /** Set once the zip is uploaded as an artifact. */
  artifact?: UploadedArtifact
  /** What the commit did with the tool; undefined when it was not offered to one. */
  delivery?: ToolDelivery
  /** Every problem with this tool, export or delivery; empty when all went well. */
  errors: string[]
}

export function newExportRecord(toolId: string, flowId: string, version?: string): ExportRecord {
  return { toolId, flowId, version, durationMs: 0, errors: [] }
}
