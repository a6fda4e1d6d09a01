/**
 * src/kore/ is the Kore.ai API and nothing else: the client (export, status, upload, import,
 * deploy), what each call's answers and errors mean (call.ts, responses.ts), polling a job to
 * its end and downloading an export within its bounds. It takes plain arguments (a base URL, a
 * key, limits), never action inputs, and knows nothing of zips or git.
 */
import { messageOf } from '../errors.js'
import * as core from '@actions/core'
import { discard, isTransientStatus, readText, send, transientStatusError } from '../http.js'
import {
  DeadlineError,
  DEFAULT_RETRY,
  mayHaveActed,
  RateGate,
  RetryPolicy,
  sleep,
  TransientError,
  withRetries
} from '../retry.js'
import {
  DockStatus,
  ExportStarted,
  JobKind,
  JobStarted,
  parseDockStatus,
  parseExportStarted,
  parseJobStarted,
  parseUploadedFile
} from './responses.js'
import { printable } from '../text.js'
import {
  AmbiguousRequestError,
  CallSpec,
  encodeForm,
  explainStatus,
  json,
  KoreApiError,
  parseJson
} from './call.js'

export interface KoreClientOptions {
  retry?: RetryPolicy
  /** Shared by the clients of one run so that a 429 slows all of them. */
  gate?: RateGate
  /** Least time between two status requests for one job (default 1 s, Kore.ai's limit). */
  minStatusGapMs?: number
  /** Time limit for each request, headers and body (cut shorter by a call's deadline). */
  requestTimeoutMs?: number
}

export class KoreClient {
  private readonly retry: RetryPolicy
  private readonly requestTimeoutMs: number
  private readonly gate: RateGate
  /** When each job's status was last asked for: Kore.ai allows about one a second per job. */
  private readonly lastStatusCheck = new Map<string, number>()
  private readonly minStatusGapMs: number

  constructor(
    readonly host: string,
    private readonly apiKey: string,
    options: KoreClientOptions = {}
  ) {
    this.retry = options.retry ?? DEFAULT_RETRY
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000
    this.gate = options.gate ?? new RateGate()
    this.minStatusGapMs = options.minStatusGapMs ?? 1000
  }

  /** POST /api/public/tools/{toolId}/export[?flowId=…] */
  async startExport(toolId: string, flowId: string, deadline?: number): Promise<ExportStarted> {
    const query = flowId ? `?${new URLSearchParams({ flowId })}` : ''
    const text = await this.request({
      method: 'POST',
      path: `/api/public/tools/${encodeURIComponent(toolId)}/export${query}`,
      what: `Export of tool ${toolId}`,
      scope: 'Export Tool',
      notFoundHint:
        'check tool-id and flow-id, and that the tool exists in this environment (host)',
      // Starting an export twice only makes a second job: safe to repeat.
      repeatable: true,
      deadline
    })
    return parseExportStarted(parseJson(text, `Export of tool ${toolId}`))
  }

  /** GET /api/public/dock-status/{id}; a garbled body counts as transient and is retried. */
  async getDockStatus(
    dockStatusId: string,
    deadline?: number,
    kind: JobKind = 'export'
  ): Promise<DockStatus> {
    const what = `Status of ${kind} job ${dockStatusId}`
    const request = {
      method: 'GET',
      path: `/api/public/dock-status/${encodeURIComponent(dockStatusId)}`,
      what,
      scope: SCOPE_OF[kind],
      notFoundHint: `the ${kind} job is unknown to Kore.ai`,
      repeatable: true,
      deadline
    } as const
    return withRetries(
      what,
      this.retry,
      async () => {
        await sleep(
          (this.lastStatusCheck.get(dockStatusId) ?? 0) + this.minStatusGapMs - Date.now()
        )
        this.lastStatusCheck.set(dockStatusId, Date.now())
        const text = await this.attempt(request)
        try {
          return parseDockStatus(JSON.parse(text))
        } catch (error) {
          const problem = error instanceof SyntaxError ? 'not JSON' : messageOf(error)
          throw new TransientError(`unreadable answer (${problem})`)
        }
      },
      { deadline }
    )
  }

  /** POST /api/public/files (multipart, fileContext=bulkImport) → the file's id. */
  async uploadFile(name: string, data: Buffer, deadline?: number): Promise<string> {
    const form = new FormData()
    form.append('file', new Blob([data], { type: 'application/json' }), name)
    form.append('fileContext', 'bulkImport')
    const text = await this.request({
      method: 'POST',
      path: '/api/public/files',
      what: `Upload of ${name}`,
      scope: 'Import Tool',
      notFoundHint: 'this Kore.ai environment has no File Upload API at host',
      body: await encodeForm(form),
      // A second upload only leaves an unused file behind.
      repeatable: true,
      deadline
    })
    return parseUploadedFile(parseJson(text, `Upload of ${name}`))
  }

  /**
   * POST /api/public/tools/import (a new tool) or /api/public/tools/{toolId}/import (a new
   * version of it). Not repeated after a failure that may have come after Kore.ai acted.
   */
  async importTool(request: ImportRequest, deadline?: number): Promise<JobStarted> {
    const { toolId, toolName, ...files } = request
    const into = toolId ? `tool ${toolId}` : `a new tool "${printable(toolName ?? '')}"`
    const path = toolId
      ? `/api/public/tools/${encodeURIComponent(toolId)}/import`
      : '/api/public/tools/import'
    const text = await this.request({
      method: 'POST',
      path,
      what: `Import into ${into}`,
      scope: 'Import Tool',
      notFoundHint: toolId
        ? 'check tool-id, and that the tool exists in this environment (host)'
        : 'check host: this environment has no tool import API',
      body: json(toolId ? files : { ...files, toolName }),
      repeatable: false,
      deadline
    })
    return parseJobStarted(parseJson(text, `Import into ${into}`), 'import')
  }

  /** POST /api/public/tools/{toolId}/deploy with isAsync false; not repeated when ambiguous. */
  async deployTool(toolId: string, deadline?: number): Promise<JobStarted> {
    const text = await this.request({
      method: 'POST',
      path: `/api/public/tools/${encodeURIComponent(toolId)}/deploy`,
      what: `Deployment of tool ${toolId}`,
      scope: 'Deploy Tool',
      notFoundHint: 'the tool is unknown to Kore.ai',
      body: json({ isAsync: false }),
      repeatable: false,
      deadline
    })
    return parseJobStarted(parseJson(text, `Deployment of tool ${toolId}`), 'deploy')
  }

  /**
   * One call with retries. A request that is not repeatable is tried again only when Kore.ai
   * cannot have acted on it (see mayHaveActed); otherwise the failure is final and says so.
   */
  private request(request: CallSpec): Promise<string> {
    return withRetries(
      request.what,
      this.retry,
      async () => {
        try {
          return await this.attempt(request)
        } catch (error) {
          if (request.repeatable || !(error instanceof TransientError) || !mayHaveActed(error)) {
            throw error
          }
          throw new AmbiguousRequestError(request.what, error.message)
        }
      },
      { deadline: request.deadline }
    )
  }

  /** One try: returns the body of a 2xx answer, throws KoreApiError or TransientError. */
  private async attempt(request: CallSpec): Promise<string> {
    await this.gate.wait(request.deadline)
    const totalMs = Math.min(this.requestTimeoutMs, (request.deadline ?? Infinity) - Date.now())
    if (totalMs <= 0) throw new DeadlineError(request.what)
    const url = `${this.host}${request.path}`
    core.debug(`${request.method} ${url}`)
    const headers = {
      'x-api-key': this.apiKey,
      accept: 'application/json',
      'content-type': request.body?.contentType ?? 'application/json'
    }
    const response = await send(request.method, url, headers, { totalMs }, request.body?.data)
    const status = response.message.statusCode ?? 0
    core.debug(`${request.method} ${url} -> HTTP ${status}`)
    if (isTransientStatus(status, request.method)) {
      discard(response)
      const error = transientStatusError(response)
      if (error.rateLimited) this.gate.pause(error.retryAfterMs ?? 1000)
      throw error
    }
    const body = await readText(response.message)
    if (status >= 200 && status < 300) return body
    throw new KoreApiError(explainStatus(request, status, body), status)
  }
}

export interface ImportRequest {
  /** Set: a new version of this tool. Empty: a new tool named toolName. */
  toolId?: string
  toolName?: string
  /** app_definition.json */
  toolDataFileId: string
  /** flow_definition.json */
  flowDataFileId: string
  /** env_variables.json; required over an existing tool. */
  envVariablesFileId?: string
}

/** The scope an API app needs for each kind of job. */
const SCOPE_OF: Record<JobKind, string> = {
  export: 'Export Tool',
  import: 'Import Tool',
  deploy: 'Deploy Tool'
}
