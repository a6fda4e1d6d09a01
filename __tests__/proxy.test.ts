// The README says the action works behind a proxy: every request it makes honours HTTPS_PROXY
// (HTTP_PROXY for http URLs) and NO_PROXY. Checked here against a real proxy on 127.0.0.1 for
// each kind of client the action uses: @actions/http-client (Kore.ai, the download, the
// repository-visibility check), Octokit through @actions/github, and @actions/artifact. Hosts
// under .invalid resolve nowhere, so a request that reaches a server went through the proxy;
// the proxy maps them to 127.0.0.1, keeping their port. http-client never proxies loopback
// hosts (localhost, 127.*, [::1]), whatever NO_PROXY says: checked too.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as http from 'node:http'
import * as net from 'node:net'
import type { AddressInfo } from 'node:net'
import * as path from 'node:path'
import { uploadExportArtifact } from '../src/artifact.js'
import { send } from '../src/http.js'
import { startArtifactService } from './fakes/artifact-service.js'
import { sampleExport } from './fakes/zip.js'
import { tempDir } from './helpers/setup.js'

const PROXY_ENV = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy']
const OTHER_ENV = ['GITHUB_API_URL', 'ACTIONS_RUNTIME_TOKEN', 'ACTIONS_RESULTS_URL']

/** A forward proxy: CONNECT tunnels and absolute-form requests, each logged. */
async function startProxy() {
  const seen: string[] = []
  /** *.proxy-test.invalid:<port> and 127.0.0.1:<port> lead to 127.0.0.1:<port>; others nowhere. */
  const portOf = (host: string) => {
    const match = host.match(/^(?:[a-z.-]+\.proxy-test\.invalid|127\.0\.0\.1):(\d+)$/)
    return match && match[1] !== '443' ? Number(match[1]) : undefined
  }
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`)
    const url = new URL(req.url ?? '')
    const port = portOf(url.host)
    if (!port) return void res.writeHead(502).end()
    const onward = http.request(
      { host: '127.0.0.1', port, method: req.method, path: url.pathname + url.search },
      answer => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      }
    )
    onward.setHeader('host', url.host)
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && !/^(host|proxy-|connection)/.test(name)) {
        onward.setHeader(name, value)
      }
    }
    req.pipe(onward)
  })
  server.on('connect', (req: http.IncomingMessage, client: net.Socket) => {
    seen.push(`CONNECT ${req.url}`)
    const port = portOf(req.url ?? '')
    if (!port) return void client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n')
    const upstream = net.connect(port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.pipe(client)
      client.pipe(upstream)
    })
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
  })
  await new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve(undefined)))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => {
      server.closeAllConnections()
      return new Promise(resolve => server.close(resolve))
    }
  }
}

/** A server that says who it is, and what it was asked. */
async function startServer(answer = '{"full_name":"acme/backups","private":true}') {
  const seen: string[] = []
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url} host=${req.headers.host}`)
    res.writeHead(200, { 'content-type': 'application/json' }).end(answer)
  })
  await new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve(undefined)))
  const { port } = server.address() as AddressInfo
  return {
    port,
    seen,
    close: () => {
      server.closeAllConnections()
      return new Promise(resolve => server.close(resolve))
    }
  }
}

describe('behind a proxy', () => {
  const saved: Record<string, string | undefined> = {}
  const closing: (() => Promise<unknown>)[] = []
  beforeEach(() => {
    for (const name of [...PROXY_ENV, ...OTHER_ENV]) {
      saved[name] = process.env[name]
      delete process.env[name]
    }
  })
  afterEach(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
    await Promise.all(closing.splice(0).map(close => close()))
  })
  async function proxy() {
    const started = await startProxy()
    closing.push(started.close)
    return started
  }
  async function server(answer?: string) {
    const started = await startServer(answer)
    closing.push(started.close)
    return started
  }
  const limits = { totalMs: 5000 }

  it('sends an https request to Kore.ai through HTTPS_PROXY, as a CONNECT tunnel', async () => {
    const { url, seen } = await proxy()
    process.env.HTTPS_PROXY = url
    // The proxy refuses the tunnel: no TLS server here. Seeing the CONNECT is the point.
    await expect(
      send('GET', 'https://kore.proxy-test.invalid/api/public/tools', {}, limits)
    ).rejects.toThrow()
    expect(seen).toEqual(['CONNECT kore.proxy-test.invalid:443'])
  })

  it('goes straight to a host NO_PROXY names, and always to a loopback host', async () => {
    const { url, seen } = await proxy()
    const kore = await server()
    Object.assign(process.env, { HTTPS_PROXY: url, HTTP_PROXY: url })
    process.env.NO_PROXY = 'proxy-test.invalid'
    await expect(
      send('GET', 'https://kore.proxy-test.invalid/api/public/tools', {}, limits)
    ).rejects.toThrow(/network error/)
    delete process.env.NO_PROXY
    const direct = await send('GET', `http://127.0.0.1:${kore.port}/direct`, {}, limits)
    direct.message.resume()
    expect(direct.message.statusCode).toBe(200)
    expect(seen).toEqual([])
    expect(kore.seen).toEqual([`GET /direct host=127.0.0.1:${kore.port}`])
  })

  it('carries the request and its answer through the proxy (HTTP_PROXY, http URL)', async () => {
    const { url, seen } = await proxy()
    const kore = await server()
    process.env.HTTP_PROXY = url
    const host = `kore.proxy-test.invalid:${kore.port}`
    const response = await send('GET', `http://${host}/api/public/tools`, {}, limits)
    expect(await response.readBody()).toContain('acme/backups')
    expect(seen).toEqual([`CONNECT ${host}`])
    expect(kore.seen).toEqual([`GET /api/public/tools host=${host}`])
  })

  it('sends Octokit calls (commits, pull requests, keep-alive) through the proxy', async () => {
    const { url, seen } = await proxy()
    const github = await server()
    const host = `api.proxy-test.invalid:${github.port}`
    // @actions/github picks its proxy when it is loaded, from GITHUB_API_URL: set both first.
    Object.assign(process.env, { HTTP_PROXY: url, GITHUB_API_URL: `http://${host}` })
    const { createOctokit } = await import('../src/export/deliver/github.js')
    const { data } = await createOctokit('ghs_token').rest.repos.get({
      owner: 'acme',
      repo: 'backups'
    })
    expect(data.full_name).toBe('acme/backups')
    expect(seen).toEqual([`CONNECT ${host}`])
    expect(github.seen).toEqual([`GET /repos/acme/backups host=${host}`])
  })

  it('uploads the artifact through the proxy, the results service and the blob alike', async () => {
    const { url, seen } = await proxy()
    const service = await startArtifactService()
    closing.push(() => service.close())
    Object.assign(process.env, service.env)
    const results = new URL(service.env.ACTIONS_RESULTS_URL)
    const host = `results.proxy-test.invalid:${results.port}`
    Object.assign(process.env, { HTTP_PROXY: url, ACTIONS_RESULTS_URL: `http://${host}/` })
    const file = path.join(tempDir(), 'kore-tool-a-1.zip')
    fs.writeFileSync(file, sampleExport('a-1'))
    await uploadExportArtifact({ file, overwrite: false, timeoutSeconds: 30 })
    expect(service.artifacts.filter(a => a.finalized)).toHaveLength(1)
    // Twirp calls tunnel through the proxy; the blob upload (to the signed URL, here a loopback
    // one that @azure/storage-blob does not exempt) goes to it as an absolute-form request.
    expect(seen).toContain(`CONNECT ${host}`)
    expect(seen.some(line => /^PUT http:\/\/127\.0\.0\.1:\d+\/upload\//.test(line))).toBe(true)
  })
})
