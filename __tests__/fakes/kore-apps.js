// The agentic apps part of the fake Kore.ai host (Agent Platform → Import and Export Agentic
// Apps): a synchronous export that answers a signed, expiring file URL on the host's origin,
// and an import by URL into an existing app that fetches the file as the real host would.
import { createHmac, randomUUID } from 'node:crypto'
import { buildZip } from './zip.js'

/**
 * @typedef {object} AppsOptions
 * @property {(appId: string, version: string) => Buffer} [appZipFor]  the export of a version
 * @property {string[]} [knownApps]  when set, other app ids answer 404 (import included)
 * @property {Record<string, string[]>} [appVersions]  app id → the only versions it has
 * @property {number} [fileUrlTtlSeconds]  how long a file_url stays valid (default 300)
 * @property {boolean} [refuseUploadUrls]  import accepts only URLs its export handed out
 * @property {Record<string, unknown>} [appExportAnswerExtra]  fields laid over the export answer
 * @property {Record<string, unknown>} [appImportAnswer]  the import's answer instead of success
 * @property {boolean} [appImportReset]  the import is done, then the connection is cut
 * @property {boolean} [appImportHang]  the import is done, and never answered
 *
 * @typedef {object} AppImport
 * @property {string} appId
 * @property {string} fileUrl
 * @property {Buffer} data  the zip the import fetched
 * @property {URLSearchParams} query
 */

/**
 * @param {AppsOptions} options
 * @param {{ authorised: Function, uploads: Map<string, { name: string, data: Buffer }>,
 *   linkOrigin: () => string }} host
 */
export function newAppsHost(options, host) {
  const secret = randomUUID()
  /** @type {Map<string, Buffer>} export files handed out, by name */
  const files = new Map()
  /** @type {AppImport[]} */
  const appImports = []
  /** @type {Map<string, Buffer>} app id → what its last import brought in */
  const appsHeld = new Map()
  const zipFor = options.appZipFor ?? sampleAppExport
  const sign = (/** @type {string} */ name, /** @type {string} */ expires) =>
    createHmac('sha256', secret).update(`${name}:${expires}`).digest('hex').slice(0, 32)

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   * @param {URL} url
   * @param {Buffer} body
   * @returns {boolean} whether the request was an apps request (and answered)
   */
  function route(req, res, url, body) {
    const exportMatch = url.pathname.match(
      /^\/api\/public\/apps\/([^/]+)\/versions\/([^/]+)\/export$/
    )
    const mediaMatch = url.pathname.match(/^\/aaa\/api\/v1\/getMediaStream\/orgFiles\/([^/]+)$/)
    if (exportMatch) {
      if (req.method !== 'GET') return (sendError(res, 405, 'Method not allowed'), true)
      if (!host.authorised(req, res, 'Import/Export')) return true
      const appId = decodeURIComponent(exportMatch[1] ?? '')
      const version = decodeURIComponent(exportMatch[2] ?? '')
      if (!knows(appId)) return (sendError(res, 404, `App ${appId} not found`), true)
      const versions = options.appVersions?.[appId]
      if (versions && !versions.includes(version)) {
        return (sendError(res, 404, `Version ${version} not found`), true)
      }
      const name = `f-${randomUUID()}.zip`
      files.set(name, appsHeld.get(appId) ?? zipFor(appId, version))
      const expires = String(Math.floor(Date.now() / 1000) + (options.fileUrlTtlSeconds ?? 300))
      const query = new URLSearchParams({
        n: '1',
        e: expires,
        repeatableUrl: 'true',
        filename: name,
        s: sign(name, expires)
      })
      const fileUrl = `${host.linkOrigin()}/aaa/api/v1/getMediaStream/orgFiles/${name}?${query}`
      sendJson(res, 200, {
        app_id: appId,
        version,
        file_url: fileUrl,
        ...options.appExportAnswerExtra
      })
      return true
    }
    if (mediaMatch) {
      const data = exportFile(mediaMatch[1] ?? '', url.searchParams)
      if (typeof data === 'string') return (sendError(res, 403, data), true)
      res.writeHead(200, { 'content-type': 'application/zip', 'content-length': data.length })
      res.end(data)
      return true
    }
    if (url.pathname === '/api/public/apps/import') {
      if (req.method !== 'POST') return (sendError(res, 405, 'Method not allowed'), true)
      if (!host.authorised(req, res, 'Import/Export')) return true
      void importApp(res, url.searchParams, body)
      return true
    }
    return false
  }

  /** @param {string} appId */
  function knows(appId) {
    return !options.knownApps || options.knownApps.includes(appId)
  }

  /**
   * An export file by its signed link; a string says why it is refused.
   * @param {string} name @param {URLSearchParams} query @returns {Buffer | string}
   */
  function exportFile(name, query) {
    const expires = query.get('e') ?? ''
    const data = files.get(name)
    if (!data || query.get('s') !== sign(name, expires)) return 'Invalid signature'
    if (Number(expires) * 1000 < Date.now()) return 'The link has expired'
    return data
  }

  /**
   * What a file_url points at: an export's file or a File Upload's on this host, or another
   * environment's export link, fetched as the real host would (a promotion).
   * @param {string} raw @returns {Promise<Buffer | string>}
   */
  async function fetchFileUrl(raw) {
    let url
    try {
      url = new URL(raw)
    } catch {
      return 'file_url is not a URL'
    }
    if (url.origin !== host.linkOrigin()) {
      try {
        const answer = await fetch(url)
        if (!answer.ok) return `Could not fetch file_url (HTTP ${answer.status})`
        return Buffer.from(await answer.arrayBuffer())
      } catch {
        return 'Could not fetch file_url'
      }
    }
    const media = url.pathname.match(/^\/aaa\/api\/v1\/getMediaStream\/orgFiles\/([^/]+)$/)
    if (media) return exportFile(media[1] ?? '', url.searchParams)
    const upload = url.pathname.match(/^\/api\/getMediaStream\/orgFiles\/f-([^/]+)$/)
    if (upload && !options.refuseUploadUrls) {
      return host.uploads.get(upload[1] ?? '')?.data ?? 'Uploaded file not found'
    }
    return 'Invalid file URL: use the file URL returned by the Export API'
  }

  /**
   * @param {import('node:http').ServerResponse} res
   * @param {URLSearchParams} query
   * @param {Buffer} body
   */
  async function importApp(res, query, body) {
    if (query.get('importType') !== 'FULL') {
      return sendError(res, 400, 'importType must be FULL')
    }
    /** @type {Record<string, unknown>} */
    let request
    try {
      request = JSON.parse(body.toString('utf8'))
    } catch {
      return sendError(res, 400, 'Body must be JSON')
    }
    const appId = typeof request.app_id === 'string' ? request.app_id : ''
    const fileUrl = typeof request.file_url === 'string' ? request.file_url : ''
    if (!appId || !fileUrl) return sendError(res, 400, 'app_id and file_url are required')
    if (!knows(appId)) return sendError(res, 404, `App ${appId} not found`)
    const data = await fetchFileUrl(fileUrl)
    if (typeof data === 'string') return sendError(res, 400, data)
    if (data.subarray(0, 2).toString('latin1') !== 'PK') {
      return sendError(res, 400, 'The file is not an app export')
    }
    if (options.appImportAnswer) return sendJson(res, 200, options.appImportAnswer)
    appImports.push({ appId, fileUrl, data, query })
    appsHeld.set(appId, data)
    if (options.appImportReset) return void res.socket?.destroy()
    if (options.appImportHang) return
    sendJson(res, 200, { status: 'success', appId, message: 'App imported successfully' })
  }

  return { route, appImports, appsHeld }
}

/**
 * An app version's export, in a layout of our own making (Kore.ai's is not documented): the
 * app, an agent, a tool whose variables hold a secure one, and an MCP server with a secret
 * header. The numbers' text must survive re-indenting.
 * @param {string} appId @param {string} version
 */
export function sampleAppExport(appId, version) {
  return buildZip([
    {
      name: 'app.json',
      data: `{"appId":"${appId}","name":"Support app","version":"${version}","temperature":0.70}`
    },
    {
      name: 'agents/triage.json',
      data: `{"id":"ag-1","name":"Triage","prompt":"Route the customer to the right team (${version}).","tools":["t-1"]}`
    },
    {
      name: 'tools/t-1.json',
      data: '{"id":"t-1","name":"Lookup","nodes":[{"id":"start","name":"Start","type":"start"}],"envVariables":[{"key":"BASE_URL","value":"https://example.com","isSecured":false},{"key":"LOOKUP_TOKEN","value":"app-secret-token","isSecured":true}]}'
    },
    {
      name: 'mcp_servers.json',
      data: '[{"id":"mcp-1","name":"CRM","url":"https://crm.example.com/mcp","headers":[{"name":"Authorization","value":"Bearer mcp-secret-header","isSecured":true}]}]'
    }
  ])
}

/** @param {import('node:http').ServerResponse} res @param {number} status @param {unknown} body */
function sendJson(res, status, body) {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text)
  })
  res.end(text)
}

/** @param {import('node:http').ServerResponse} res @param {number} status @param {string} message */
function sendError(res, status, message) {
  sendJson(res, status, { errors: [{ msg: message, code: status }] })
}
