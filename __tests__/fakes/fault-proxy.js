// A fault-injecting HTTP proxy on loopback, put in front of a fake (Kore.ai, the GitHub API):
// the actions are pointed at its URL and it forwards each request to the fake, or, at a
// configurable rate, misbehaves the way networks and gateways do. Faults are drawn from a
// seeded PRNG (mulberry32), one stream per kind of request, so a seed gives the same faults to
// the same requests: with one request in flight at a time a run replays exactly; with parallel
// tools the arrival order of requests of one kind can vary between runs.
import * as http from 'node:http'

/**
 * @typedef {'http-500'|'http-502'|'http-503'|'http-504'|'429-retry-after'|'429-bare'|'reset'|'lost-answer'|'slow'} FaultKind
 *
 * @typedef {object} ProxyOptions
 * @property {string} target  origin of the server behind the proxy (http only)
 * @property {number} [seed]  default 1
 * @property {number} [rate]  share of requests that get a fault, 0–1 (default 0.3)
 * @property {('5xx'|'429'|'reset'|'lost-answer'|'slow')[]} [families]  which faults to draw
 *   from, each equally likely (default all five)
 * @property {number} [maxDelayMs]  longest delay of a slow answer (default 2000)
 * @property {number} [maxRetryAfter]  longest Retry-After sent with a 429, in seconds (default 2)
 *
 * @typedef {object} ProxiedRequest
 * @property {string} method
 * @property {string} path  without the query
 * @property {FaultKind | undefined} fault
 * @property {number} at
 */

const FAMILIES = /** @type {const} */ (['5xx', '429', 'reset', 'lost-answer', 'slow'])

/** @param {ProxyOptions} options */
export async function startFaultProxy(options) {
  const target = new URL(options.target)
  const seed = options.seed ?? 1
  let rate = options.rate ?? 0.3
  const families = options.families ?? FAMILIES
  const maxDelayMs = options.maxDelayMs ?? 2000
  const maxRetryAfter = options.maxRetryAfter ?? 2
  /** @type {Map<string, number>} draws made so far, per kind of request */
  const drawn = new Map()
  /** @type {Partial<Record<FaultKind, number>>} */
  const counts = {}
  /** @type {ProxiedRequest[]} */
  const log = []

  /**
   * The next numbers of this kind of request's stream: its nth request always gets the same.
   * @param {string} method
   * @param {string} path
   */
  function dice(method, path) {
    const key = `${method} ${streamOf(path)}`
    const n = drawn.get(key) ?? 0
    drawn.set(key, n + 1)
    return mulberry32(hash32(`${seed}|${key}|${n}`))
  }

  /** @param {() => number} random @returns {FaultKind | undefined} */
  function pickFault(random) {
    if (random() >= rate) return undefined
    const family = families[Math.floor(random() * families.length)]
    if (family === '5xx') {
      return /** @type {FaultKind} */ (`http-${[500, 502, 503, 504][Math.floor(random() * 4)]}`)
    }
    if (family === '429') return random() < 0.5 ? '429-retry-after' : '429-bare'
    return family
  }

  const server = http.createServer((req, res) => {
    /** @type {Buffer[]} */
    const chunks = []
    req.on('data', chunk => chunks.push(chunk))
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://proxy').pathname
      const random = dice(req.method ?? 'GET', path)
      const fault = pickFault(random)
      log.push({ method: req.method ?? '', path, fault, at: Date.now() })
      if (fault) counts[fault] = (counts[fault] ?? 0) + 1
      void serve(req, res, Buffer.concat(chunks), fault, random)
    })
  })

  /**
   * @param {http.IncomingMessage} req
   * @param {http.ServerResponse} res
   * @param {Buffer} body
   * @param {FaultKind | undefined} fault
   * @param {() => number} random
   */
  async function serve(req, res, body, fault, random) {
    if (fault === 'reset') return void req.socket.destroy()
    if (fault?.startsWith('http-')) {
      return answer(res, Number(fault.slice(5)), { message: 'Injected fault' })
    }
    if (fault === '429-retry-after' || fault === '429-bare') {
      const wait = String(Math.floor(random() * (maxRetryAfter + 1)))
      /** @type {Record<string, string>} */
      const headers = fault === '429-retry-after' ? { 'retry-after': wait } : {}
      return answer(res, 429, { message: 'Too many requests (injected)' }, headers)
    }
    /** @type {Upstream} */
    let upstream
    try {
      upstream = await forward(target, req, body)
    } catch {
      return void req.socket.destroy()
    }
    // The server acted; its answer never reaches the client.
    if (fault === 'lost-answer') return void req.socket.destroy()
    if (fault === 'slow') await new Promise(r => setTimeout(r, 100 + random() * maxDelayMs))
    if (res.destroyed) return
    res.writeHead(upstream.status, { ...upstream.headers, 'content-length': upstream.body.length })
    res.end(upstream.body)
  }

  await new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve(undefined)))
  const address = /** @type {import('node:net').AddressInfo} */ (server.address())
  return {
    url: `http://127.0.0.1:${address.port}`,
    /** Faults injected so far, by kind. */
    counts: () => ({ ...counts }),
    /** Every request seen, with the fault it got. */
    log,
    /** @param {number} value  the share of requests that get a fault from now on */
    setRate(value) {
      rate = value
    },
    close: () =>
      new Promise(resolve => {
        server.closeAllConnections()
        server.close(() => resolve(undefined))
      })
  }
}

/**
 * @typedef {{ status: number, headers: http.IncomingHttpHeaders, body: Buffer }} Upstream
 */

const HOP_BY_HOP = ['connection', 'keep-alive', 'transfer-encoding', 'content-length']

/**
 * Sends the request on to the target, as it came (Host header included), and reads the answer.
 * @param {URL} target
 * @param {http.IncomingMessage} req
 * @param {Buffer} body
 * @returns {Promise<Upstream>}
 */
function forward(target, req, body) {
  const headers = withoutHopByHop(req.headers)
  if (body.length > 0) headers['content-length'] = String(body.length)
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers,
        agent: false
      },
      response => {
        /** @type {Buffer[]} */
        const chunks = []
        response.on('data', chunk => chunks.push(chunk))
        response.on('error', reject)
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 502,
            headers: withoutHopByHop(response.headers),
            body: Buffer.concat(chunks)
          })
        )
      }
    )
    outgoing.on('error', reject)
    outgoing.end(body)
  })
}

/** @param {http.IncomingHttpHeaders} headers */
function withoutHopByHop(headers) {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => !HOP_BY_HOP.includes(name.toLowerCase()))
  )
}

/**
 * @param {http.ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 * @param {Record<string, string>} [headers]
 */
function answer(res, status, body, headers = {}) {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers
  })
  res.end(text)
}

/**
 * A request's kind: its path with ids (uuids, git SHAs, numbers) made generic, so that the nth
 * status check draws the same whatever the job's id.
 * @param {string} path
 */
export function streamOf(path) {
  return path
    .replace(/[0-9a-f]{40}/g, ':sha')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, ':uuid')
    .replace(/\/\d+(?=\/|$)/g, '/:n')
}

/** mulberry32: a small, fast PRNG with 32 bits of state. @param {number} state */
export function mulberry32(state) {
  let a = state >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** FNV-1a over a string's UTF-16 units: a seed for mulberry32. @param {string} text */
export function hash32(text) {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}
