import * as core from '@actions/core'
import type { OnceReport } from '../step.js'
import type { CommitResult } from './deliver/commit.js'
import type { Inputs } from './inputs.js'
import { reportResults } from './outputs.js'
import type { ExportRecord } from './record.js'

/**
 * What a cancelled export reports: every tool as far as it got when the signal came, each one
 * not done yet failed with the reason. An export job Kore.ai started goes on without the step
 * (its zip is never downloaded); a commit request under way may still have landed.
 */
export function reportWhenCancelled(
  report: OnceReport,
  inputs: Inputs,
  records: ExportRecord[],
  commit: () => CommitResult | undefined
): void {
  report.ifCancelled(async reason => {
    const maybeCommitted = inputs.commit
      ? ' A commit under way may still have completed: check the branch.'
      : ''
    const message = `${reason}: no further request was sent, and those under way were cut off.${maybeCommitted}`
    core.setFailed(message)
    const cut = records.map(record =>
      unfinished(inputs, record) ? { ...record, errors: [...record.errors, message] } : record
    )
    await reportResults(inputs, cut, commit())
  })
}

/** A tool not failed yet that still had a stage to go through. */
function unfinished(inputs: Inputs, record: ExportRecord): boolean {
  if (record.errors.length > 0) return false
  if (!record.zip) return true
  return (inputs.uploadArtifact && !record.artifact) || (inputs.commit && !record.delivery)
}
