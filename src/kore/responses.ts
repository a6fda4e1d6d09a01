import { isPlainId, printable } from '../text.js'

/**
 * Kore.ai's documentation spells the same fields several ways (see shared/reference): these
 * functions accept every documented spelling and hand the rest of the action one shape. They are
 * also the border where server text becomes data: ids must be plain, other text is made printable.
 */

/** Export a Tool's answer: a job like any other, with the export's own ids and link. */
export interface ExportStarted extends JobStarted {
  /** Empty when the server did not send one. */
  exportJobId: string
  /** Empty when the server only gives it on the SUCCESS status record. */
  downloadUrl: string
}

export type JobState = 'SUCCESS' | 'FAILED' | 'IN_PROGRESS'

/** The kinds of Kore.ai jobs tracked through Get Dock Status. */
export type JobKind = 'export' | 'import' | 'deploy'

export interface DockStatus {
  state: JobState
  /** The status as the server wrote it, e.g. `in_progress`, `QUEUED` (printable). */
  rawStatus: string
  downloadUrl: string
  percentComplete?: number
  /** Everything the server said about a failure, joined into one printable line. */
  reason: string
  /** The job's tool (checked plain); empty when not sent. */
  toolId: string
  /** What the job does as the server says it (`IMPORT`, `DEPLOY`…), upper case; empty if not sent. */
  action: string
}

type Json = Record<string, unknown>

export class UnexpectedResponseError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UnexpectedResponseError'
  }
}

/** What every job-starting call answers (export, import, deploy): the job and where it stands. */
export interface JobStarted {
  dockStatusId: string
  /** The tool the job is about; empty when the server did not say. */
  toolId: string
  /** Printable; empty when the server sent none. */
  status: string
  /** Where `status` puts the job (an empty status counts as still running). */
  state: JobState
  /** Everything the server said about a failure, when the answer is already FAILED. */
  reason: string
}

/** Reads a job-starting answer: the status id in any documented spelling, ids checked. */
export function parseJobStarted(body: unknown, what: string): JobStarted {
  const record = asObject(body)
  const nested = asObject(record.response)
  const pick = (keys: string[]): string => firstString(record, keys) || firstString(nested, keys)
  const dockStatusId = pick(['dockStatusId', 'dock-statusId', '_id'])
  if (!dockStatusId) {
    throw new UnexpectedResponseError(
      `the ${what} answer has no dock status id (looked for dockStatusId, dock-statusId, _id); keys sent: ${printable(Object.keys(record).join(', ')) || 'none'}`
    )
  }
  const status = firstString(record, ['status'])
  return {
    dockStatusId: serverId('a dock status id', dockStatusId),
    toolId: toolIdOf(record),
    status: printable(status, MAX_STATUS_LENGTH),
    // A job-starting answer is final only when it says so; anything else is left to polling.
    state: status ? startedStateOf(status) : 'IN_PROGRESS',
    reason: failureReason(record)
  }
}

export function parseExportStarted(body: unknown): ExportStarted {
  const record = asObject(body)
  const started = parseJobStarted(body, 'export')
  const exportJobId =
    firstString(record, ['exportJobId']) || firstString(asObject(record.response), ['exportJobId'])
  return {
    ...started,
    exportJobId: exportJobId && serverId('an export job id', exportJobId),
    downloadUrl: downloadUrlOf(record)
  }
}

/** File Upload's answer: `{ fileId, url }`. */
export interface UploadedFile {
  fileId: string
  /** Empty when the server sent none (only an app import needs it). */
  url: string
}

export function parseUploadedFile(body: unknown): UploadedFile {
  const record = asObject(body)
  const nested = asObject(record.response)
  const numeric = [record.fileId, nested.fileId].find(v => typeof v === 'number')
  const fileId =
    firstString(record, ['fileId']) ||
    firstString(nested, ['fileId']) ||
    (numeric === undefined ? '' : String(numeric))
  if (!fileId) {
    throw new UnexpectedResponseError(
      `the file upload answer has no fileId; keys sent: ${printable(Object.keys(record).join(', ')) || 'none'}`
    )
  }
  const url = firstString(record, ['url']) || firstString(nested, ['url'])
  return { fileId: serverId('a file id', fileId), url: url.trim() }
}

export function parseDockStatus(body: unknown): DockStatus {
  const record = asObject(body)
  const rawStatus = firstString(record, ['status'])
  if (!rawStatus) throw new UnexpectedResponseError('the dock status answer has no status')
  const state = stateOf(rawStatus)
  const percent = record.percentageComplete
  const action =
    firstString(record, ['action']) || firstString(asObject(record.response), ['action'])
  return {
    state,
    rawStatus: printable(rawStatus, MAX_STATUS_LENGTH),
    downloadUrl: downloadUrlOf(record),
    percentComplete: typeof percent === 'number' ? percent : undefined,
    reason: failureReason(record),
    toolId: toolIdOf(record),
    action: printable(action.toUpperCase(), MAX_STATUS_LENGTH)
  }
}

/**
 * The tool an answer names, in any spelling the server might use (`toolId`, `toolID`,
 * `tool_id`, the workflows' `workflowId`, a number, top level or under `response`), so that a
 * tool named any way is checked against the one asked for; empty when none is named. An answer
 * that names two different tools, or a tool in another form, is refused: which one it is about
 * cannot be told.
 */
function toolIdOf(record: Json): string {
  const named = new Set<string>()
  for (const source of [record, asObject(record.response)]) {
    for (const key of ['toolId', 'toolID', 'tool_id', 'workflowId', 'workflowID', 'workflow_id']) {
      const value = source[key]
      if (value === undefined || value === null) continue
      if (typeof value === 'string') {
        if (value.trim()) named.add(serverId('a tool id', value.trim()))
      } else if (typeof value === 'number' && Number.isSafeInteger(value)) {
        named.add(serverId('a tool id', String(value)))
      } else {
        // A list, an object, or a number JSON.parse has rounded: which tool cannot be told.
        throw new UnexpectedResponseError(
          `Kore.ai's answer gives ${key} in a form that cannot be read as one tool id`
        )
      }
    }
  }
  if (named.size > 1) {
    throw new UnexpectedResponseError(
      `Kore.ai's answer names more than one tool (${printable([...named].join(', '), 200)})`
    )
  }
  return [...named][0] ?? ''
}

/** Words for a job still under way: only these keep a poll waiting. */
const IN_PROGRESS_WORDS = new Set([
  'INPROGRESS',
  'QUEUED',
  'PENDING',
  'RUNNING',
  'STARTED',
  'PROCESSING',
  'INITIATED',
  'ACCEPTED',
  'SUBMITTED',
  'SCHEDULED',
  'WAITING'
])
const SUCCESS_WORDS = new Set(['SUCCESS', 'SUCCEEDED', 'COMPLETED', 'COMPLETE', 'DONE'])

/**
 * The documented SUCCESS / IN_PROGRESS in any case and spelling, and the words sibling Kore.ai
 * job APIs use for the same; every other status (FAILED, CANCELLED, ABORTED, EXPIRED, or one
 * nobody documents) ends the job as a failure naming it, so that a poll never waits for a job
 * that has already stopped.
 */
function stateOf(rawStatus: string): JobState {
  const word = rawStatus.toUpperCase().replace(/[\s_-]/g, '')
  if (SUCCESS_WORDS.has(word)) return 'SUCCESS'
  return IN_PROGRESS_WORDS.has(word) ? 'IN_PROGRESS' : 'FAILED'
}

const FAILURE_WORDS = new Set([
  'FAILED',
  'FAILURE',
  'ERROR',
  'CANCELLED',
  'CANCELED',
  'ABORTED',
  'EXPIRED',
  'TIMEDOUT',
  'REJECTED'
])

function startedStateOf(rawStatus: string): JobState {
  const word = rawStatus.toUpperCase().replace(/[\s_-]/g, '')
  if (FAILURE_WORDS.has(word)) return 'FAILED'
  return stateOf(rawStatus) === 'SUCCESS' ? 'SUCCESS' : 'IN_PROGRESS'
}

/** `downloadUrl` or `downloadURL`, top level or under `response`, trimmed. */
function downloadUrlOf(record: Json): string {
  const names = ['downloadUrl', 'downloadURL']
  return firstString(record, names) || firstString(asObject(record.response), names)
}

const MAX_STATUS_LENGTH = 100
const MAX_REASON_LENGTH = 1000

/**
 * An id the server sent, which will travel in URL paths, file names and log lines: it must be
 * as plain as a tool-id input, or the answer is refused.
 */
function serverId(what: string, raw: string): string {
  if (!isPlainId(raw)) {
    throw new UnexpectedResponseError(
      `Kore.ai sent ${what} that is not a plain id (letters, digits, "-", "_" and "."): "${printable(raw, 80)}"`
    )
  }
  // An id goes to outputs and commit messages unmasked: one holding a secret is refused.
  if (printable(raw, raw.length) !== raw) {
    throw new UnexpectedResponseError(`Kore.ai sent ${what} that holds a secret of this run`)
  }
  return raw
}

/** Collects whatever the server used to explain itself (statusLogs, message, error(s)), printable. */
export function failureReason(body: unknown): string {
  const record = asObject(body)
  const parts: string[] = []
  for (const key of ['statusLogs', 'message', 'msg', 'error', 'errors', 'reason']) {
    collectText(record[key], parts)
  }
  return printable([...new Set(parts)].join('; '), MAX_REASON_LENGTH)
}

function collectText(value: unknown, parts: string[]): void {
  if (typeof value === 'string' && value.trim()) parts.push(value.trim())
  else if (Array.isArray(value)) value.forEach(item => collectText(item, parts))
  else if (value && typeof value === 'object') {
    const item = value as Json
    for (const key of ['message', 'msg', 'log', 'error', 'reason', 'description']) {
      collectText(item[key], parts)
    }
  }
}

function asObject(value: unknown): Json {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {}
}

export function firstString(record: Json, keys: string[]): string {
  for (const key of keys) {
    const value = record[key]
    if (typeof value === 'string' && value.trim()) return value.trim()
  }
  return ''
}
