// A fake Kore.ai Agent Platform that really listens on loopback. It speaks the documented API
// with the documentation's own inconsistencies, and misbehaves on demand. Used by the tests,
// the demo (`npm run demo`) and the benchmark. Plain JavaScript so all three run it unbuilt.
import * as http from 'node:http'
import * as https from 'node:https'
import { randomUUID } from 'node:crypto'
import { buildZip, sampleExport } from './zip.js'
import { newAppsHost } from './kore-apps.js'

/**
 * @typedef {object} Failure  one queued misbehaviour, consumed by the next matching request
 * @property {number} [status]   answer with this HTTP status
 * @property {number} [retryAfter]  seconds, sent as Retry-After
 * @property {string} [body]     raw body to send
 * @property {boolean} [garbled] a 200 whose body is not JSON
 * @property {boolean} [reset]   destroy the connection without answering
 * @property {boolean} [hang]    never answer (the client's time limit must end it)
 * @property {boolean} [trickle] send the status line, then one header byte every 100 ms, forever
 *
 * @typedef {object} KoreOptions
 * @property {string} [host]  loopback address to listen on (default 127.0.0.1)
 * @property {number} [port]  port to listen on (default: any free one)
 * @property {string} [apiKey]  the only key accepted (default 'test-api-key')
 * @property {'sample'|'table'|'model'} [style]  which documented spelling the export answer uses
 * @property {number} [jobPolls]  IN_PROGRESS answers before the job ends (default 1)
 * @property {number} [jobMs]  minimum job duration in ms (default 0)
 * @property {string} [outcome]  the export's final status (SUCCESS, FAILED, CANCELLED…) or NEVER
 * @property {unknown[]} [failLogs]  statusLogs sent with FAILED
 * @property {boolean} [lowerCase]  send statuses in lower case, as the older XO platform does
 * @property {'export'|'success'|'both'} [downloadUrlOn]  where the download link appears (default both)
 * @property {Failure[]} [exportFailures]
 * @property {Failure[]} [statusFailures]
 * @property {Failure[]} [downloadFailures]
 * @property {number} [truncateDownloads]  this many downloads send half the bytes, then hang up
 * @property {number} [stallDownloads]  this many downloads send half the bytes, then go silent
 * @property {boolean} [endlessDownloads]  downloads stream zeros without end or length
 * @property {number} [declaredLength]  Content-Length to announce instead of the real one
 * @property {number} [minPollGapMs]  answer 429 to status polls closer together than this
 * @property {boolean} [requireKeyForDownload]  same-origin downloads need x-api-key (default true)
 * @property {string} [redirectDownloadTo]  origin of a storage server to redirect downloads to
 * @property {(toolId: string) => Buffer} [zipFor]  the export served for a tool
 * @property {boolean} [stateful]  once an import job ends SUCCESS, the tool's export holds what
 *   that import uploaded (as a real environment would), instead of zipFor's
 * @property {Record<string, string>} [flowIds]  tool id → the only flowId accepted
 * @property {string[]} [knownTools]  when set, other tool ids answer 404
 * @property {string[]} [failingTools]  these tools' jobs end FAILED whatever the outcome
 * @property {{ key: Buffer, cert: Buffer }} [tls]  serve https with this certificate
 * @property {string[]} [scopes]  when set, the key's API scopes (Export Tool, Import Tool,
 *   Deploy Tool); other calls answer 403
 * @property {Failure[]} [uploadFailures]
 * @property {(Failure & { afterCreate?: boolean })[]} [importFailures]  afterCreate: the import
 *   job is created before the failure is sent (a gateway that timed out after the work began)
 * @property {'SUCCESS'|'FAILED'} [importOutcome]
 * @property {number} [importPolls]  IN_PROGRESS answers before an import ends (default jobPolls)
 * @property {boolean} [importAnswersFinal]  import over an existing tool answers SUCCESS at once
 * @property {number} [deployPolls]  IN_PROGRESS answers before a deploy ends; unset: it answers
 *   SUCCESS at once (isAsync false)
 * @property {'tools'|'workflows'} [dialect]  which product's API the host speaks (default tools)
 * @property {'workflows'|'workflow'} [exportSpelling]  the only export path a workflows host
 *   answers (its docs spell it both ways; default workflows)
 * @property {Failure[]} [deployFailures]  answers to deploy requests, sent once the job exists
 * @property {Record<string, unknown>} [exportAnswerExtra]  fields laid over Export a Tool's answer
 *   (e.g. status: 'FAILED' with a message, or an exportJobId)
 * @property {import('./kore-apps.js').AppsOptions} [apps]  the agentic apps API (kore-apps.js)
 * @property {Record<string, string>} [namesOtherTool]  answers that name this tool id instead of
 *   the real one: 'export-answer', 'export-status' (every status record of the job),
 *   'export-status-running' (only those before it ends), 'import-answer', 'import-status',
 *   'import-status-running', 'deploy-answer', 'deploy-status', 'deploy-status-running'
 *
 * @typedef {object} ImportRecord  what an import received, for tests to compare
 * @property {string} toolId
 * @property {string} [toolName]  set for a new tool
 * @property {Buffer} flow
 * @property {Buffer} app
 * @property {Buffer} [env]
 *
 * @typedef {object} RecordedRequest
 * @property {string} method
 * @property {string} path
 * @property {URLSearchParams} query
 * @property {http.IncomingHttpHeaders} headers
 * @property {number} at  Date.now() when it arrived
 * @property {number} [servedMs]  time until the whole answer was handed to the socket
 *
 * @typedef {object} Job
 * @property {string} id
 * @property {string} toolId
 * @property {string} exportJobId
 * @property {number} createdAt
 * @property {number} polls
 * @property {number} lastPollAt
 * @property {string} downloadPath
 * @property {boolean} open  started and neither FAILED nor downloaded yet
 * @property {'EXPORT'|'IMPORT'|'DEPLOY'} action
 * @property {ImportRecord} [imported]  what an import job brings in, once it ends SUCCESS
 * @property {number} [endedAt]  when a status record first said the job ended (import, deploy)
 * @property {string} [endStatus]  what that record said
 */

/**
 * @param {KoreOptions} [options]
 */
export async function startKoreServer(options = {}) {
  const apiKey = options.apiKey ?? 'test-api-key'
  /** @type {RecordedRequest[]} */
  const requests = []
  /** @type {Map<string, Job>} */
  const jobs = new Map()
  let downloadsServed = 0
  // Exports in flight: started, not yet FAILED nor downloaded. The batch bound is checked on it.
  let inFlight = 0
  let maxInFlight = 0
  // The dialect this host speaks: the other's paths answer 404, as on a real host.
  const workflows = options.dialect === 'workflows'
  const collection = workflows ? 'workflows' : 'tools'
  const exportCollection = workflows ? (options.exportSpelling ?? 'workflows') : 'tools'
  const idField = workflows ? 'workflowId' : 'toolId'
  const jobType = workflows ? 'WORKFLOWS' : 'TOOLS'
  const dataField = workflows ? 'workflowDataFileId' : 'toolDataFileId'
  const nameField = workflows ? 'workflowName' : 'toolName'
  const exportFailures = [...(options.exportFailures ?? [])]
  const statusFailures = [...(options.statusFailures ?? [])]
  const downloadFailures = [...(options.downloadFailures ?? [])]
  const uploadFailures = [...(options.uploadFailures ?? [])]
  const importFailures = [...(options.importFailures ?? [])]
  const deployFailures = [...(options.deployFailures ?? [])]
  /** @type {Map<string, { name: string, data: Buffer }>} */
  const uploads = new Map()
  /** @type {ImportRecord[]} */
  const imports = []
  /** @type {string[]} */
  const deployed = []
  const zipFor = options.zipFor ?? sampleExport
  const apps = newAppsHost(options.apps ?? {}, {
    authorised,
    uploads,
    linkOrigin: () => linkOrigin
  })
  /** @type {Map<string, ImportRecord>} the last successful import of each tool (stateful) */
  const held = new Map()
  /** @param {string} toolId */
  const exportOf = toolId => {
    const last = options.stateful ? held.get(toolId) : undefined
    if (!last) return zipFor(toolId)
    return buildZip([
      { name: 'flow_definition.json', data: last.flow },
      { name: 'app_definition.json', data: last.app },
      ...(last.env ? [{ name: 'env_variables.json', data: last.env }] : [])
    ])
  }

  /** @type {http.RequestListener} */
  const listener = (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake')
    /** @type {RecordedRequest} */
    const entry = {
      method: req.method ?? '',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      at: Date.now()
    }
    requests.push(entry)
    res.on('finish', () => (entry.servedMs = Date.now() - entry.at))
    /** @type {Buffer[]} */
    const chunks = []
    req.on('data', chunk => chunks.push(chunk))
    req.on('end', () => route(req, res, url, Buffer.concat(chunks)))
  }
  const server = options.tls
    ? https.createServer(options.tls, listener)
    : http.createServer(listener)

  /**
   * @param {http.IncomingMessage} req
   * @param {http.ServerResponse} res
   * @param {URL} url
   * @param {Buffer} body
   */
  function route(req, res, url, body) {
    if (apps.route(req, res, url, body)) return
    const importMatch = url.pathname.match(
      new RegExp(`^/api/public/${collection}(?:/([^/]+))?/import$`)
    )
    const deployMatch = url.pathname.match(new RegExp(`^/api/public/${collection}/([^/]+)/deploy$`))
    if (url.pathname === '/api/public/files') {
      if (req.method !== 'POST') return sendError(res, 405, 'Method not allowed')
      if (!authorised(req, res)) return
      if (misbehave(res, uploadFailures)) return
      return void receiveUpload(req, res, body)
    }
    if (importMatch) {
      if (req.method !== 'POST') return sendError(res, 405, 'Method not allowed')
      if (!authorised(req, res, 'Import Tool')) return
      const existing = importMatch[1] && decodeURIComponent(importMatch[1])
      return startImport(res, existing, body)
    }
    if (deployMatch) {
      if (req.method !== 'POST') return sendError(res, 405, 'Method not allowed')
      if (!authorised(req, res, 'Deploy Tool')) return
      return startDeploy(res, decodeURIComponent(deployMatch[1] ?? ''), body)
    }
    const exportMatch = url.pathname.match(
      new RegExp(`^/api/public/${exportCollection}/([^/]+)/export$`)
    )
    const statusMatch = url.pathname.match(/^\/api\/public\/dock-status\/([^/]+)$/)
    const downloadMatch = url.pathname.match(/^\/api\/v1\/account\/exports\/([^/]+)$/)
    if (exportMatch) {
      if (req.method !== 'POST') return sendError(res, 405, 'Method not allowed')
      if (!authorised(req, res, 'Export Tool')) return
      if (misbehave(res, exportFailures)) return
      return startExport(res, decodeURIComponent(exportMatch[1] ?? ''), url.searchParams)
    }
    if (statusMatch) {
      if (req.method !== 'GET') return sendError(res, 405, 'Method not allowed')
      if (!authorised(req, res)) return
      const job = jobs.get(decodeURIComponent(statusMatch[1] ?? ''))
      if (!job) return sendError(res, 404, 'Dock status not found')
      const now = Date.now()
      if (options.minPollGapMs && now - job.lastPollAt < options.minPollGapMs) {
        res.setHeader('retry-after', '1')
        return sendError(
          res,
          429,
          'Rate limit for this API has been reached. Please try again later'
        )
      }
      job.lastPollAt = now
      if (misbehave(res, statusFailures)) return
      return sendJson(res, 200, statusRecord(job))
    }
    if (downloadMatch) {
      if (options.requireKeyForDownload !== false && !authorised(req, res)) return
      const job = [...jobs.values()].find(j => j.exportJobId === downloadMatch[1])
      if (!job) return sendError(res, 404, 'File not found')
      if (options.redirectDownloadTo) {
        closeJob(job)
        res.writeHead(302, {
          location: `${options.redirectDownloadTo}/blob/${job.exportJobId}?sig=abc`
        })
        return res.end()
      }
      return serveZip(res, exportOf(job.toolId), job)
    }
    sendError(res, 404, 'Route not found')
  }

  /**
   * @param {http.ServerResponse} res
   * @param {string} toolId
   * @param {URLSearchParams} query
   */
  function startExport(res, toolId, query) {
    const flowId = query.get('flowId')
    if (options.knownTools && !options.knownTools.includes(toolId)) {
      return sendError(res, 404, `Tool ${toolId} not found`)
    }
    const wantedFlow = options.flowIds?.[toolId]
    if (wantedFlow !== undefined && flowId !== wantedFlow) {
      return sendError(res, 404, 'Call flow not found for this tool')
    }
    const id = `ds-${randomUUID()}`
    const exportJobId = `${workflows ? 'workflow' : 'tool'}-ej-${randomUUID()}`
    /** @type {Job} */
    const job = {
      id,
      toolId,
      exportJobId,
      createdAt: Date.now(),
      polls: 0,
      lastPollAt: 0,
      downloadPath: `/api/v1/account/exports/${exportJobId}`,
      open: true,
      action: 'EXPORT'
    }
    jobs.set(id, job)
    inFlight += 1
    maxInFlight = Math.max(maxInFlight, inFlight)
    const link = options.downloadUrlOn === 'success' ? undefined : downloadUrl(job)
    const common = {
      [idField]: options.namesOtherTool?.['export-answer'] ?? toolId,
      jobType,
      action: 'EXPORT',
      status: caseOf('IN_PROGRESS'),
      exportJobId,
      ...options.exportAnswerExtra
    }
    const style = options.style ?? 'sample'
    if (style === 'sample') {
      return sendJson(res, 200, {
        'dock-statusId': id,
        ...common,
        response: link ? { downloadUrl: ` ${link}` } : {}
      })
    }
    if (style === 'table')
      return sendJson(res, 200, { dockStatusId: id, ...common, downloadURL: link })
    return sendJson(res, 200, { _id: id, ...common, downloadUrl: link })
  }

  /** @param {Job} job */
  function statusRecord(job) {
    job.polls += 1
    if (job.action !== 'EXPORT') return otherJobRecord(job)
    const outcome = options.failingTools?.includes(job.toolId)
      ? 'FAILED'
      : (options.outcome ?? 'SUCCESS')
    const done =
      outcome !== 'NEVER' &&
      job.polls > (options.jobPolls ?? 1) &&
      Date.now() - job.createdAt >= (options.jobMs ?? 0)
    /** @type {Record<string, unknown>} */
    const record = {
      _id: job.id,
      [idField]:
        (done ? undefined : options.namesOtherTool?.['export-status-running']) ??
        options.namesOtherTool?.['export-status'] ??
        job.toolId,
      jobType,
      action: 'EXPORT',
      status: caseOf(done ? outcome : 'IN_PROGRESS'),
      percentageComplete: done ? 100 : Math.min(90, job.polls * 10),
      createdOn: new Date(job.createdAt).toISOString(),
      lMod: new Date().toISOString()
    }
    if (done && outcome === 'FAILED') {
      record.statusLogs = options.failLogs ?? [`Export of ${job.toolId} failed`]
      closeJob(job)
    }
    if (done && outcome === 'SUCCESS' && options.downloadUrlOn !== 'export') {
      record.downloadUrl = downloadUrl(job)
    }
    return record
  }

  /**
   * Import and deploy jobs: the documented fields only.
   * @param {Job} job
   */
  function otherJobRecord(job) {
    const importing = job.action === 'IMPORT'
    const polls = importing
      ? (options.importPolls ?? options.jobPolls ?? 1)
      : (options.deployPolls ?? 0)
    const outcome = importing ? (options.importOutcome ?? 'SUCCESS') : 'SUCCESS'
    const status = job.polls > polls ? outcome : 'IN_PROGRESS'
    const ends = status !== 'IN_PROGRESS' && job.endedAt === undefined
    if (ends) Object.assign(job, { endedAt: Date.now(), endStatus: status })
    const kind = job.action.toLowerCase()
    const running =
      status === 'IN_PROGRESS' ? options.namesOtherTool?.[`${kind}-status-running`] : undefined
    const toolId = running ?? options.namesOtherTool?.[`${kind}-status`] ?? job.toolId
    /** @type {Record<string, unknown>} */
    const record = { _id: job.id, [idField]: toolId, jobType, action: job.action, status }
    if (status === 'FAILED') record.statusLogs = options.failLogs ?? ['Import failed']
    // Once per deploy, however often its end is asked for again.
    if (ends && status === 'SUCCESS' && !importing) deployed.push(job.toolId)
    if (status === 'SUCCESS' && job.imported) held.set(job.toolId, job.imported)
    return record
  }

  /**
   * File Upload: a strict multipart/form-data body (parsed by the platform's own parser) with
   * `file` and `fileContext=bulkImport`.
   * @param {http.IncomingMessage} req
   * @param {http.ServerResponse} res
   * @param {Buffer} body
   */
  async function receiveUpload(req, res, body) {
    const type = req.headers['content-type'] ?? ''
    if (!/^multipart\/form-data;\s*boundary=/i.test(type)) {
      return sendError(res, 400, 'Content-Type must be multipart/form-data')
    }
    /** @type {FormData} */
    let form
    try {
      form = await new Request('http://fake/', {
        method: 'POST',
        headers: { 'content-type': type },
        body
      }).formData()
    } catch {
      return sendError(res, 400, 'Malformed multipart body')
    }
    const file = form.get('file')
    if (form.get('fileContext') !== 'bulkImport') {
      return sendError(res, 400, 'fileContext must be bulkImport')
    }
    if (!file || typeof file === 'string' || !file.name) {
      return sendError(res, 400, 'file is required')
    }
    const fileId = randomUUID().replaceAll('-', '').slice(0, 24)
    uploads.set(fileId, { name: file.name, data: Buffer.from(await file.arrayBuffer()) })
    sendJson(res, 200, {
      url: `${linkOrigin}/api/getMediaStream/orgFiles/f-${fileId}?n=1&fileName=${file.name}`,
      fileId
    })
  }

  /**
   * @param {http.ServerResponse} res
   * @param {string | undefined} existing  the tool imported over; undefined for a new tool
   * @param {Buffer} body
   */
  function startImport(res, existing, body) {
    /** @type {Record<string, unknown>} */
    let request
    try {
      request = JSON.parse(body.toString('utf8'))
    } catch {
      return sendError(res, 400, 'Body must be JSON')
    }
    const required = [dataField, 'flowDataFileId']
    required.push(existing ? 'envVariablesFileId' : nameField)
    const missing = required.filter(key => typeof request[key] !== 'string' || !request[key])
    if (missing.length > 0) return sendError(res, 400, `${missing.join(', ')} is required`)
    if (existing && nameField in request) return sendError(res, 400, `${nameField} is not allowed`)
    const other = workflows ? 'toolDataFileId' : 'workflowDataFileId'
    if (other in request) return sendError(res, 400, `${other} is not a field of this API`)
    const file = (/** @type {unknown} */ id) =>
      typeof id === 'string' ? uploads.get(id) : undefined
    const ids = [dataField, 'flowDataFileId', 'envVariablesFileId']
    for (const key of ids) {
      if (request[key] !== undefined && !file(request[key])) {
        return sendError(res, 400, `File ${String(request[key])} not found`)
      }
    }
    if (existing && options.knownTools && !options.knownTools.includes(existing)) {
      return sendError(res, 404, `Tool ${existing} not found`)
    }
    const failure = importFailures[0]
    if (failure && !failure.afterCreate && misbehave(res, importFailures)) return
    const toolId = existing ?? `a-${randomUUID()}`
    imports.push({
      toolId,
      toolName: existing ? undefined : String(request[nameField]),
      flow: /** @type {Buffer} */ (file(request.flowDataFileId)?.data),
      app: /** @type {Buffer} */ (file(request[dataField])?.data),
      env: file(request.envVariablesFileId)?.data
    })
    const job = newJob(toolId, 'IMPORT')
    job.imported = imports[imports.length - 1]
    if (failure?.afterCreate && misbehave(res, importFailures)) return
    const final = existing && options.importAnswersFinal
    if (final && job.imported) held.set(toolId, job.imported)
    if (final) Object.assign(job, { endedAt: Date.now(), endStatus: 'SUCCESS' })
    sendJson(res, 200, {
      dockStatusId: job.id,
      [idField]: options.namesOtherTool?.['import-answer'] ?? toolId,
      jobType,
      action: 'IMPORT',
      status: final ? 'SUCCESS' : 'IN_PROGRESS'
    })
  }

  /**
   * @param {http.ServerResponse} res
   * @param {string} toolId
   * @param {Buffer} body
   */
  function startDeploy(res, toolId, body) {
    if (body.toString('utf8') !== JSON.stringify({ isAsync: false })) {
      return sendError(res, 400, 'Body must be {"isAsync":false}')
    }
    const known = imports.some(i => i.toolId === toolId) || options.knownTools?.includes(toolId)
    if (!known) return sendError(res, 404, `Tool ${toolId} not found`)
    const job = newJob(toolId, 'DEPLOY')
    const atOnce = options.deployPolls === undefined
    if (atOnce) {
      deployed.push(toolId)
      Object.assign(job, { endedAt: Date.now(), endStatus: 'SUCCESS' })
    }
    // Deploy failures always come once the job exists: the case that must not be repeated.
    if (misbehave(res, deployFailures)) return
    // The hyphenated spelling, as the Deploy page documents it.
    sendJson(res, 200, {
      'dock-statusId': job.id,
      [idField]: options.namesOtherTool?.['deploy-answer'] ?? toolId,
      jobType,
      action: 'DEPLOY',
      status: atOnce ? 'SUCCESS' : 'IN_PROGRESS'
    })
  }

  /**
   * @param {string} toolId
   * @param {'IMPORT'|'DEPLOY'} action
   * @returns {Job}
   */
  function newJob(toolId, action) {
    /** @type {Job} */
    const job = {
      id: `ds-${randomUUID()}`,
      toolId,
      exportJobId: '',
      createdAt: Date.now(),
      polls: 0,
      lastPollAt: 0,
      downloadPath: '',
      open: false,
      action
    }
    jobs.set(job.id, job)
    return job
  }

  /** @param {Job} job */
  function downloadUrl(job) {
    const expires = Date.now() + 15 * 60_000
    return `${linkOrigin}${job.downloadPath}?e=${expires}&s=signature-${job.exportJobId}`
  }

  /** @param {Job} job */
  function closeJob(job) {
    if (job.open) inFlight -= 1
    job.open = false
  }

  /**
   * @param {http.ServerResponse} res
   * @param {Buffer} zip
   * @param {Job} job
   */
  function serveZip(res, zip, job) {
    if (misbehave(res, downloadFailures)) return
    downloadsServed += 1
    if (options.endlessDownloads) return streamForever(res)
    res.writeHead(200, {
      'content-type': 'application/zip',
      'content-length': options.declaredLength ?? zip.length
    })
    if (downloadsServed <= (options.truncateDownloads ?? 0)) {
      res.write(zip.subarray(0, Math.floor(zip.length / 2)))
      setTimeout(() => res.destroy(), 20)
      return
    }
    if (downloadsServed <= (options.stallDownloads ?? 0)) {
      res.write(zip.subarray(0, Math.floor(zip.length / 2)))
      return
    }
    res.end(zip, () => closeJob(job))
  }

  /**
   * @param {http.IncomingMessage} req
   * @param {http.ServerResponse} res
   */
  function authorised(req, res, scope = '') {
    const key = req.headers['x-api-key']
    if (!key) return (sendError(res, 401, 'API key is missing'), false)
    if (key !== apiKey) return (sendError(res, 401, 'Invalid API key'), false)
    if (scope && options.scopes && !options.scopes.includes(scope)) {
      return (sendError(res, 403, 'API scope is not allowed for this app'), false)
    }
    return true
  }

  /** @param {string} status */
  function caseOf(status) {
    return options.lowerCase ? status.toLowerCase() : status
  }

  await listen(server, options.host ?? '127.0.0.1', options.port)
  const origin = originOf(server, options.host ?? '127.0.0.1', options.tls ? 'https' : 'http')
  // The origin the links it hands out name: its own, or a proxy's in front of it.
  let linkOrigin = origin
  return {
    url: origin,
    /**
     * Serves behind a proxy: download and file links name this origin instead of the server's.
     * @param {string} url
     */
    linkThrough(url) {
      linkOrigin = url
    },
    apiKey,
    requests,
    jobs,
    /** Files received by File Upload, by file id. */
    uploads,
    /** What each import received. */
    imports,
    /** Tool id → what its last successful import brought in (see stateful). */
    held,
    /** Tools deployed, in order. */
    deployed,
    /** What each app import fetched (kore-apps.js). */
    appImports: apps.appImports,
    /** App id → the zip its last import brought in. */
    appsHeld: apps.appsHeld,
    /** The most exports that were in flight at once. */
    maxInFlight: () => maxInFlight,
    /**
     * Requests to one kind of endpoint.
     * @param {'export'|'status'|'download'|'upload'|'import'|'deploy'|'app-export'|'app-file'|'app-import'} kind
     */
    requestsTo(kind) {
      const matches = {
        export: (/** @type {string} */ p) =>
          /^\/api\/public\/(tools|workflows?)\/[^/]+\/export$/.test(p),
        status: (/** @type {string} */ p) => p.startsWith('/api/public/dock-status/'),
        download: (/** @type {string} */ p) => p.startsWith('/api/v1/account/exports/'),
        upload: (/** @type {string} */ p) => p === '/api/public/files',
        import: (/** @type {string} */ p) =>
          /^\/api\/public\/(tools|workflows)(\/[^/]+)?\/import$/.test(p),
        deploy: (/** @type {string} */ p) =>
          /^\/api\/public\/(tools|workflows)\/[^/]+\/deploy$/.test(p),
        'app-export': (/** @type {string} */ p) =>
          /^\/api\/public\/apps\/[^/]+\/versions\/[^/]+\/export$/.test(p),
        'app-file': (/** @type {string} */ p) => p.startsWith('/aaa/api/v1/getMediaStream/'),
        'app-import': (/** @type {string} */ p) => p === '/api/public/apps/import'
      }[kind]
      return requests.filter(r => matches(r.path))
    },
    close: () => close(server)
  }
}

/**
 * A second origin holding the exported files, as a storage service would: it must never be
 * sent the Kore.ai API key.
 * @param {{ host?: string, zipFor?: (exportJobId: string) => Buffer }} [options]
 */
export async function startStorageServer(options = {}) {
  /** @type {RecordedRequest[]} */
  const requests = []
  const zipFor = options.zipFor ?? (() => sampleExport('a-from-storage'))
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake')
    requests.push({
      method: req.method ?? '',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      at: Date.now()
    })
    const match = url.pathname.match(/^\/blob\/([^/]+)$/)
    if (req.headers['x-api-key']) return sendError(res, 400, 'Unexpected credentials')
    if (!match || url.searchParams.get('sig') !== 'abc') return sendError(res, 403, 'Bad signature')
    const zip = zipFor(match[1] ?? '')
    res.writeHead(200, { 'content-type': 'application/zip', 'content-length': zip.length })
    res.end(zip)
  })
  await listen(server, options.host ?? '127.0.0.2')
  return {
    url: originOf(server, options.host ?? '127.0.0.2'),
    requests,
    close: () => close(server)
  }
}

/**
 * @param {http.ServerResponse} res
 * @param {Failure[]} queue
 * @returns {boolean} whether a misbehaviour was served
 */
function misbehave(res, queue) {
  const failure = queue.shift()
  if (!failure) return false
  if (failure.reset) {
    res.socket?.destroy()
    return true
  }
  if (failure.hang) return true
  if (failure.trickle) {
    const socket = res.socket
    socket?.write('HTTP/1.1 200 OK\r\nx-slow: ')
    const timer = setInterval(() => socket?.write('a'), 100)
    socket?.on('close', () => clearInterval(timer))
    return true
  }
  if (failure.retryAfter !== undefined) res.setHeader('retry-after', String(failure.retryAfter))
  if (failure.garbled) {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end('{"status": "IN_PROG')
    return true
  }
  if (failure.body !== undefined) {
    res.writeHead(failure.status ?? 500, { 'content-type': 'application/json' })
    res.end(failure.body)
    return true
  }
  sendError(res, failure.status ?? 500, 'Something went wrong')
  return true
}

/**
 * A body that never ends: 64 KiB of zeros whenever the socket can take them.
 * @param {http.ServerResponse} res
 */
function streamForever(res) {
  res.writeHead(200, { 'content-type': 'application/zip' })
  const chunk = Buffer.alloc(64 * 1024)
  const pump = () => {
    while (!res.destroyed && res.write(chunk));
  }
  res.on('drain', pump)
  pump()
}

/**
 * Kore.ai's error shape: `{ errors: [{ msg, code }] }`.
 * @param {http.ServerResponse} res
 * @param {number} status
 * @param {string} message
 */
function sendError(res, status, message) {
  sendJson(res, status, { errors: [{ msg: message, code: status }] })
}

/**
 * @param {http.ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 */
function sendJson(res, status, body) {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text)
  })
  res.end(text)
}

/**
 * @param {http.Server} server
 * @param {string} host
 * @param {number} [port]
 * @returns {Promise<void>}
 */
function listen(server, host, port = 0) {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve())
  })
}

/**
 * @param {http.Server} server
 * @param {string} host
 * @param {string} [scheme]
 */
function originOf(server, host, scheme = 'http') {
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('server is not listening')
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${address.port}`
}

/** @param {http.Server} server @returns {Promise<void>} */
function close(server) {
  return new Promise(resolve => {
    server.closeAllConnections()
    server.close(() => resolve())
  })
}
