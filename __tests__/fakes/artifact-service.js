// A fake of the GitHub Actions results service as @actions/artifact talks to it: twirp JSON
// endpoints (CreateArtifact, FinalizeArtifact, ListArtifacts, DeleteArtifact) and an Azure
// blob receiver behind the signed upload URL (Put Block, Put Block List). It keeps state the
// way the real one does: one artifact per name and run, 409 on a second one.
import * as http from 'node:http'

const TWIRP = '/twirp/github.actions.results.api.v1.ArtifactService/'

/**
 * @typedef {object} StoredArtifact
 * @property {number} id
 * @property {string} name
 * @property {string} runId
 * @property {string} jobId
 * @property {string | undefined} expiresAt  ISO time from CreateArtifact, if any
 * @property {string | undefined} mimeType
 * @property {Map<string, Buffer>} blocks  staged, not yet committed
 * @property {Buffer | undefined} blob  committed content
 * @property {boolean} finalized
 * @property {string | undefined} hash  as sent to FinalizeArtifact
 * @property {string | undefined} size
 *
 * @typedef {object} ArtifactOptions
 * @property {string} [runId]
 * @property {string} [jobId]
 * @property {{ name: string }[]} [existing]  artifacts already in the run (e.g. from a first attempt)
 * @property {boolean} [forbidden]  every call answers 403, as for a token without the scope
 * @property {boolean} [hang]  accepts every connection and never answers
 */

/** @param {ArtifactOptions} [options] */
export async function startArtifactService(options = {}) {
  const runId = options.runId ?? 'run-backend-1'
  const jobId = options.jobId ?? 'job-backend-1'
  /** @type {StoredArtifact[]} */
  const artifacts = []
  /** @type {{ method: string, path: string, body: unknown }[]} */
  const calls = []
  let nextId = 1000

  for (const { name } of options.existing ?? []) {
    artifacts.push(stored(name, undefined, undefined))
    const last = artifacts[artifacts.length - 1]
    if (last) Object.assign(last, { finalized: true, blob: Buffer.from('earlier attempt') })
  }

  /**
   * @param {string} name
   * @param {string | undefined} expiresAt
   * @param {string | undefined} mimeType
   * @returns {StoredArtifact}
   */
  function stored(name, expiresAt, mimeType) {
    return {
      id: nextId++,
      name,
      runId,
      jobId,
      expiresAt,
      mimeType,
      blocks: new Map(),
      blob: undefined,
      finalized: false,
      hash: undefined,
      size: undefined
    }
  }

  const server = http.createServer(async (req, res) => {
    const body = await readBody(req)
    const url = new URL(req.url ?? '/', 'http://fake')
    if (options.hang) {
      calls.push({ method: 'hang', path: url.pathname, body: undefined })
      return
    }
    if (url.pathname.startsWith('/upload/')) return blob(req, res, url, body)
    if (req.method !== 'POST' || !url.pathname.startsWith(TWIRP)) {
      return twirpError(res, 404, 'bad_route', `no handler for ${req.method} ${url.pathname}`)
    }
    if (!/^Bearer [\w-]+\.[\w-]+\.[\w-]*$/.test(req.headers.authorization ?? '')) {
      return twirpError(res, 401, 'unauthenticated', 'missing or malformed runtime token')
    }
    /** @type {Record<string, any>} */
    let request
    try {
      request = JSON.parse(body.toString('utf8'))
    } catch {
      return twirpError(res, 400, 'malformed', 'body is not JSON')
    }
    const method = url.pathname.slice(TWIRP.length)
    calls.push({ method, path: url.pathname, body: request })
    if (
      options.forbidden ||
      request.workflow_run_backend_id !== runId ||
      request.workflow_job_run_backend_id !== jobId
    ) {
      return twirpError(res, 403, 'permission_denied', 'backend ids do not match the token')
    }
    switch (method) {
      case 'CreateArtifact': {
        if (request.version !== 7) {
          return twirpError(res, 400, 'invalid_argument', 'unsupported artifact version')
        }
        if (artifacts.some(a => a.name === request.name && a.finalized)) {
          return twirpError(
            res,
            409,
            'already_exists',
            'an artifact with this name already exists on the workflow run'
          )
        }
        const artifact = stored(request.name, request.expires_at, request.mime_type)
        artifacts.push(artifact)
        const origin = `http://127.0.0.1:${port()}`
        return json(res, 200, {
          ok: true,
          signed_upload_url: `${origin}/upload/${artifact.id}?sv=2023-11-03&sig=fake-signature`
        })
      }
      case 'FinalizeArtifact': {
        const artifact = artifacts.find(a => a.name === request.name && !a.finalized)
        if (!artifact) return twirpError(res, 404, 'not_found', 'artifact not found')
        if (!artifact.blob) return twirpError(res, 400, 'failed_precondition', 'nothing uploaded')
        if (String(artifact.blob.length) !== String(request.size)) {
          return twirpError(res, 400, 'invalid_argument', 'size does not match the upload')
        }
        Object.assign(artifact, { finalized: true, hash: request.hash, size: request.size })
        return json(res, 200, { ok: true, artifact_id: String(artifact.id) })
      }
      case 'ListArtifacts': {
        const found = artifacts.filter(
          a => a.finalized && (!request.name_filter || a.name === request.name_filter)
        )
        return json(res, 200, {
          artifacts: found.map(a => ({
            workflow_run_backend_id: a.runId,
            workflow_job_run_backend_id: a.jobId,
            database_id: String(a.id),
            name: a.name,
            size: String(a.blob?.length ?? 0),
            created_at: new Date().toISOString()
          }))
        })
      }
      case 'DeleteArtifact': {
        const index = artifacts.findIndex(a => a.name === request.name && a.finalized)
        if (index < 0) return twirpError(res, 404, 'not_found', 'artifact not found')
        const [removed] = artifacts.splice(index, 1)
        return json(res, 200, { ok: true, artifact_id: String(removed?.id) })
      }
      default:
        return twirpError(res, 404, 'bad_route', `unknown method ${method}`)
    }
  })

  /**
   * Azure Blob Storage's Put Block / Put Block List (and a single-shot Put Blob).
   * @param {http.IncomingMessage} req
   * @param {http.ServerResponse} res
   * @param {URL} url
   * @param {Buffer} body
   */
  function blob(req, res, url, body) {
    const artifact = artifacts.find(a => `/upload/${a.id}` === url.pathname)
    if (req.method !== 'PUT' || !artifact || url.searchParams.get('sig') !== 'fake-signature') {
      res.writeHead(403).end()
      return
    }
    const comp = url.searchParams.get('comp')
    if (comp === 'block') {
      artifact.blocks.set(url.searchParams.get('blockid') ?? '', body)
    } else if (comp === 'blocklist') {
      const ids = [...body.toString('utf8').matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]*)</g)]
      const parts = ids.map(match => artifact.blocks.get(match[1] ?? ''))
      if (parts.some(part => !part)) {
        res.writeHead(400, { 'x-ms-error-code': 'InvalidBlockList' }).end()
        return
      }
      artifact.blob = Buffer.concat(/** @type {Buffer[]} */ (parts))
    } else {
      artifact.blob = body
    }
    res.writeHead(201, {
      etag: `"0x${artifact.id}"`,
      'last-modified': new Date().toUTCString(),
      'x-ms-request-id': `req-${artifact.id}`,
      'x-ms-version': '2023-11-03',
      'x-ms-request-server-encrypted': 'true'
    })
    res.end()
  }

  function port() {
    const address = server.address()
    return address && typeof address === 'object' ? address.port : 0
  }

  await new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve(undefined)))
  const url = `http://127.0.0.1:${port()}`
  return {
    url,
    artifacts,
    calls,
    /** The environment the runner gives a step that may upload artifacts. */
    env: {
      ACTIONS_RUNTIME_TOKEN: runtimeToken(runId, jobId),
      ACTIONS_RESULTS_URL: `${url}/`
    },
    close: () =>
      new Promise(resolve => {
        server.closeAllConnections()
        server.close(() => resolve(undefined))
      })
  }
}

/**
 * A JWT shaped like the runner's: @actions/artifact decodes it (no signature check) for the
 * `Actions.Results:<run>:<job>` scope.
 * @param {string} runId
 * @param {string} jobId
 */
export function runtimeToken(runId, jobId) {
  const part = (/** @type {object} */ value) =>
    Buffer.from(JSON.stringify(value)).toString('base64url')
  const claims = { scp: `Actions.GenericRead:x Actions.Results:${runId}:${jobId}`, exp: 4102444800 }
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part(claims)}.c2lnbmF0dXJl`
}

/**
 * @param {http.IncomingMessage} req
 * @returns {Promise<Buffer>}
 */
function readBody(req) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = []
    req.on('data', chunk => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

/**
 * @param {http.ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 */
function json(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

/**
 * @param {http.ServerResponse} res
 * @param {number} status
 * @param {string} code
 * @param {string} msg
 */
function twirpError(res, status, code, msg) {
  json(res, status, { code, msg })
}
