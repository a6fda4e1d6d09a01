import * as core from '@actions/core'
import type { OnceReport } from '../step.js'
import type { RestoreInputs } from './inputs.js'
import { reportRestore } from './report.js'
import { MAY_HAVE_STARTED, RestoreRecord } from './restore-tool.js'

/**
 * What a cancelled restore reports: the record as it stands when the signal comes, with a job
 * whose request was sent and whose end is not known as one that may have started (Kore.ai goes on
 * with it without this step), and the reason saying what may have happened.
 */
export function reportWhenCancelled(
  report: OnceReport,
  inputs: RestoreInputs,
  record: RestoreRecord
): void {
  report.ifCancelled(async reason => {
    const message = `${reason} ${whatMayHaveHappened(inputs, record)}`
    core.setFailed(message)
    await reportRestore(inputs, asCancelled(record), message)
  })
}

/** The record a cancellation reports: a job still under way may have started, not more. */
export function asCancelled(record: RestoreRecord): RestoreRecord {
  return {
    ...record,
    status: record.inFlight === 'import' ? MAY_HAVE_STARTED : record.status,
    deployStatus: record.inFlight === 'deploy' ? MAY_HAVE_STARTED : record.deployStatus
  }
}

export function whatMayHaveHappened(inputs: RestoreInputs, record: RestoreRecord): string {
  const noun = inputs.resource
  if (inputs.plan) return 'before the plan was made: nothing was uploaded, imported or deployed.'
  const check = 'check in Kore.ai before running this step again.'
  const tool = record.toolId ? ` ${noun} ${record.toolId}` : ` the ${noun}`
  if (record.inFlight === 'import') {
    return record.dockStatusId
      ? `while Kore.ai's import job ${record.dockStatusId} was running: it goes on without this step and may still change${tool}; ${check}`
      : `while the import request was under way: Kore.ai may have started the import all the same; ${check}`
  }
  if (record.inFlight === 'deploy') {
    return `after the import succeeded, while the deploy of${tool} was under way: it may have started all the same, and goes on without this step; ${check}`
  }
  if (record.status) return `after the import ended (${record.status}); nothing further was sent.`
  return 'before the import was requested: nothing was imported or deployed.'
}
