/**
 * src/kore/ is the Kore.ai API and nothing else: the client (export, status, upload, import,
 * deploy), what each call's answers and errors mean (call.ts, responses.ts), polling a job to
 * its end and downloading an export within its bounds. It takes plain arguments (a base URL, a
 * key, limits), never action inputs, and knows nothing of zips or git.
 */
import { messageOf } from '../errors.js'
import { Dialect, dialectOf, Resource } from './dialect.js'
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
  parseUploadedFile,
  UploadedFile
} from './responses.js'
import { printable } from '../text.js'
import { ExportSpelling, learningOnce } from './export-spelling.js'
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
  /** Tools (Agent Platform, default) or workflows (AI for Process). */
  resource?: Resource
  /**
   * Shared by the clients of one run: the export path spelling that answered, so that a batch
   * tries a second spelling once, not once per tool.
   */
  exportSpelling?: ExportSpelling
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
  private readonly dialect: Dialect
  /** The word for what this client works on, in messages: `tool` or `workflow`. */
  readonly noun: Resource
  private readonly exportSpelling: ExportSpelling

  constructor(
    readonly host: string,
    private readonly apiKey: string,
    options: KoreClientOptions = {}
  ) {
    this.retry = options.retry ?? DEFAULT_RETRY
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000
    this.gate = options.gate ?? new RateGate()
    this.minStatusGapMs = options.minStatusGapMs ?? 1000
    this.dialect = dialectOf(options.resource ?? 'tool')
    this.noun = this.dialect.noun
    this.exportSpelling = options.exportSpelling ?? {}
  }

  /**
   * POST /api/public/tools/{toolId}/export[?flowId=…], or the workflows' path. AI for Process
   * spells that path two ways: on a 404 (which cannot have started a job) the other spelling is
   * tried once, and the one that answered is kept for the run.
   */
  async startExport(toolId: string, flowId: string, deadline?: number): Promise<ExportStarted> {
    return learningOnce(this.exportSpelling, () => this.startExportAs(toolId, flowId, deadline))
  }

  private async startExportAs(
    toolId: string,
    flowId: string,
    deadline?: number
  ): Promise<ExportStarted> {
    const { noun, exportCollections, otherHint } = this.dialect
    const query = flowId ? `?${new URLSearchParams({ flowId })}` : ''
    const what = `Export of ${noun} ${toolId}`
    const known = this.exportSpelling.collection
    const spellings = known ? [known] : exportCollections
    let firstNotFound: unknown
    for (const [index, collection] of spellings.entries()) {
      const last = index === spellings.length - 1
      try {
        const text = await this.request({
          method: 'POST',
          path: `${collection}/${encodeURIComponent(toolId)}/export${query}`,
          what,
          scope: 'Export Tool',
          notFoundHint: `check tool-id and flow-id, and that the ${noun} exists in this environment (host); ${otherHint}`,
          // Starting an export twice only makes a second job: safe to repeat.
          repeatable: true,
          deadline
        })
        this.exportSpelling.collection = collection
        return parseExportStarted(parseJson(text, what))
      } catch (error) {
        const notFound = error instanceof KoreApiError && error.status === 404
        // Both spellings not found: the first answer's reason (the tool, the flow) is the one.
        if (last) throw notFound && firstNotFound ? firstNotFound : error
        if (!notFound) throw error
        firstNotFound = error
      }
    }
    throw new Error(`${what}: no export path to try`)
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

  /** POST /api/public/files (multipart, fileContext=bulkImport) → the file's id and URL. */
  async uploadFile(name: string, data: Buffer, deadline?: number): Promise<UploadedFile> {
    const form = new FormData()
    const type = name.endsWith('.zip') ? 'application/zip' : 'application/json'
    form.append('file', new Blob([data], { type }), name)
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
   * POST {collection}/import (a new tool or workflow) or {collection}/{id}/import (a new version
   * of it). Not repeated after a failure that may have come after Kore.ai acted.
   */
  async importTool(request: ImportRequest, deadline?: number): Promise<JobStarted> {
    const { noun, collection, dataFileField, nameField, otherHint } = this.dialect
    const { toolId, toolName, appFileId, ...files } = request
    const into = toolId ? `${noun} ${toolId}` : `a new ${noun} "${printable(toolName ?? '')}"`
    const body = { [dataFileField]: appFileId, ...files }
    const text = await this.request({
      method: 'POST',
      path: toolId ? `${collection}/${encodeURIComponent(toolId)}/import` : `${collection}/import`,
      what: `Import into ${into}`,
      scope: 'Import Tool',
      notFoundHint: toolId
        ? `check tool-id, and that the ${noun} exists in this environment (host); ${otherHint}`
        : `check host: this environment has no ${noun} import API; ${otherHint}`,
      body: json(toolId ? body : { ...body, [nameField]: toolName }),
      repeatable: false,
      deadline
    })
    return parseJobStarted(parseJson(text, `Import into ${into}`), 'import')
  }

  /** POST {collection}/{id}/deploy with isAsync false; not repeated when ambiguous. */
  async deployTool(toolId: string, deadline?: number): Promise<JobStarted> {
    const { noun, collection } = this.dialect
    const what = `Deployment of ${noun} ${toolId}`
    const text = await this.request({
      method: 'POST',
      path: `${collection}/${encodeURIComponent(toolId)}/deploy`,
      what,
      scope: 'Deploy Tool',
      notFoundHint: `the ${noun} is unknown to Kore.ai`,
      body: json({ isAsync: false }),
      repeatable: false,
      deadline
    })
    return parseJobStarted(parseJson(text, what), 'deploy')
  }

  /**
   * One call with retries. A request that is not repeatable is tried again only when Kore.ai
   * cannot have acted on it (see mayHaveActed); otherwise the failure is final and says so.
   * Public for the calls of other resources (apps.ts), which share its rules.
   */
  request(request: CallSpec): Promise<string> {
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
    if (isTransientStatus(status, request.repeatable)) {
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
  /** Set: a new version of this tool or workflow. Empty: a new one named toolName. */
  toolId?: string
  toolName?: string
  /** app_definition.json (toolDataFileId or workflowDataFileId, as the dialect names it) */
  appFileId: string
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
