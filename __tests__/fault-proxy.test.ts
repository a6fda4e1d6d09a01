// The fault campaign's proxy, on real sockets: a seed gives the same faults again, a reset
// never reaches the server, a lost answer does.
import { afterEach, describe, expect, it } from '@jest/globals'
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import { startFaultProxy, streamOf } from './fakes/fault-proxy.js'

type Proxy = Awaited<ReturnType<typeof startFaultProxy>>

describe('the fault proxy', () => {
  let upstream: http.Server
  let seen: string[]
  const proxies: Proxy[] = []
  afterEach(async () => {
    await Promise.all(proxies.splice(0).map(proxy => proxy.close()))
    upstream.closeAllConnections()
    await new Promise(resolve => upstream.close(resolve))
  })

  async function start(options: Omit<Parameters<typeof startFaultProxy>[0], 'target'>) {
    seen = []
    upstream = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url} host=${req.headers.host}`)
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.end('from upstream')
    })
    await new Promise(resolve => upstream.listen(0, '127.0.0.1', () => resolve(undefined)))
    const { port } = upstream.address() as AddressInfo
    return startFaultProxy({ target: `http://127.0.0.1:${port}`, ...options })
  }
  const another = async (options: Omit<Parameters<typeof startFaultProxy>[0], 'target'>) => {
    const { port } = upstream.address() as AddressInfo
    const proxy = await startFaultProxy({ target: `http://127.0.0.1:${port}`, ...options })
    proxies.push(proxy)
    return proxy
  }

  /** What the client gets for each path, in order: a status, or `error`. */
  async function outcomes(proxy: Proxy, paths: string[]): Promise<string[]> {
    const got: string[] = []
    for (const path of paths) {
      got.push(
        await fetch(`${proxy.url}${path}`, { method: 'POST', body: 'x' }).then(
          response => response.text().then(() => String(response.status)),
          () => 'error'
        )
      )
    }
    return got
  }

  const paths = Array.from({ length: 40 }, (_, i) => `/api/public/dock-status/ds-${i % 3}`)

  it('injects the same faults for the same seed, and others for another', async () => {
    // Slow answers left out: they would only make the test slow.
    const families = ['5xx', '429', 'reset', 'lost-answer'] as const
    const first = await start({ seed: 7, rate: 0.5, families: [...families] })
    proxies.push(first)
    const again = await another({ seed: 7, rate: 0.5, families: [...families] })
    const other = await another({ seed: 8, rate: 0.5, families: [...families] })
    const faults = await outcomes(first, paths)
    expect(await outcomes(again, paths)).toEqual(faults)
    expect(await outcomes(other, paths)).not.toEqual(faults)
    expect(faults.filter(outcome => outcome !== '200').length).toBeGreaterThan(5)
    expect(first.counts()).toEqual(again.counts())
    const injected = Object.values(first.counts()).reduce((a, b) => a + b, 0)
    expect(injected).toBe(first.log.filter(entry => entry.fault).length)
  })

  it('forwards everything untouched at rate 0, Host header included', async () => {
    const proxy = await start({ rate: 0 })
    proxies.push(proxy)
    expect(await outcomes(proxy, ['/a?b=1'])).toEqual(['200'])
    expect(seen).toEqual([`POST /a?b=1 host=${new URL(proxy.url).host}`])
    expect(proxy.counts()).toEqual({})
  })

  it('resets before the server sees the request, and loses the answer after it acted', async () => {
    const reset = await start({ rate: 1, families: ['reset'] })
    proxies.push(reset)
    expect(await outcomes(reset, ['/import'])).toEqual(['error'])
    expect(seen).toEqual([])
    const lost = await another({ rate: 1, families: ['lost-answer'] })
    expect(await outcomes(lost, ['/import'])).toEqual(['error'])
    expect(seen).toHaveLength(1)
    expect(lost.counts()).toEqual({ 'lost-answer': 1 })
  })

  it('draws per kind of request, whatever the ids in the path', () => {
    expect(streamOf('/api/public/dock-status/ds-0b0e5bd4-54b6-4e55-9d1a-6f7e0b1c2d3e')).toBe(
      '/api/public/dock-status/ds-:uuid'
    )
    expect(streamOf(`/repos/a/b/git/blobs/${'ab'.repeat(20)}`)).toBe('/repos/a/b/git/blobs/:sha')
    expect(streamOf('/repos/a/b/pulls/12')).toBe('/repos/a/b/pulls/:n')
  })
})
