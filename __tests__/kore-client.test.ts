import { afterEach, describe, expect, it } from '@jest/globals'
import { KoreApiError } from '../src/kore/call.js'
import { KoreClient } from '../src/kore/client.js'
import { RateGate, sleep } from '../src/retry.js'
import { startKoreServer } from './fakes/kore-server.js'
import { FAST_RETRY } from './helpers/setup.js'

type Fake = Awaited<ReturnType<typeof startKoreServer>>

describe('KoreClient', () => {
  let kore: Fake
  afterEach(() => kore.close())

  const client = (key = kore.apiKey): KoreClient =>
    new KoreClient(kore.url, key, { retry: FAST_RETRY, requestTimeoutMs: 2000 })

  it('starts an export with the key and the flowId, and reads the sample spelling', async () => {
    kore = await startKoreServer({ flowIds: { 'a-1': 'cf-9' } })
    const started = await client().startExport('a-1', 'cf-9')
    expect(started.dockStatusId).toMatch(/^ds-/)
    expect(started.exportJobId).toMatch(/^tool-ej-/)
    expect(started.downloadUrl).toMatch(new RegExp(`^${kore.url}/api/v1/account/exports/`))
    const [request] = kore.requestsTo('export')
    expect(request?.method).toBe('POST')
    expect(request?.path).toBe('/api/public/tools/a-1/export')
    expect(request?.query.get('flowId')).toBe('cf-9')
    expect(request?.headers['x-api-key']).toBe(kore.apiKey)
  })

  it('omits flowId when none is given', async () => {
    kore = await startKoreServer({ style: 'table' })
    const started = await client().startExport('a-2', '')
    expect(started.dockStatusId).toMatch(/^ds-/)
    expect(kore.requestsTo('export')[0]?.query.has('flowId')).toBe(false)
  })

  it('fails at once on 401, pointing at the key and its scope', async () => {
    kore = await startKoreServer()
    const error = await client('wrong-key')
      .startExport('a-1', '')
      .catch(e => e)
    expect(error).toBeInstanceOf(KoreApiError)
    expect(error.status).toBe(401)
    expect(error.message).toContain('check api-key')
    expect(error.message).toContain('Export Tool scope')
    expect(error.message).toContain('Invalid API key')
    expect(error.message).not.toContain('wrong-key')
    expect(kore.requestsTo('export')).toHaveLength(1)
  })

  it('fails at once on 404, pointing at tool-id and flow-id', async () => {
    kore = await startKoreServer({ knownTools: ['a-1'] })
    await expect(client().startExport('a-404', '')).rejects.toThrow(
      /not found \(HTTP 404\): check tool-id and flow-id.*Tool a-404 not found/
    )
    expect(kore.requestsTo('export')).toHaveLength(1)
  })

  it('fails at once on 400 with the server message', async () => {
    kore = await startKoreServer({
      exportFailures: [{ status: 400, body: '{"errors":[{"msg":"flowId is invalid"}]}' }]
    })
    await expect(client().startExport('a-1', 'x')).rejects.toThrow(
      'failed (HTTP 400). Kore.ai said: flowId is invalid'
    )
    expect(kore.requestsTo('export')).toHaveLength(1)
  })

  it('retries 429, 502, 503, 504 and a reset connection', async () => {
    kore = await startKoreServer({
      exportFailures: [
        { status: 429 },
        { status: 502 },
        { reset: true },
        { status: 503 },
        { status: 504 }
      ]
    })
    const fast = new KoreClient(kore.url, kore.apiKey, {
      retry: { ...FAST_RETRY, attempts: 6 },
      requestTimeoutMs: 2000
    })
    await expect(fast.startExport('a-1', '')).resolves.toMatchObject({ status: 'IN_PROGRESS' })
    expect(kore.requestsTo('export')).toHaveLength(6)
  })

  it('gives each request a time limit and retries one that hangs', async () => {
    kore = await startKoreServer({ statusFailures: [{ hang: true }], jobPolls: 0 })
    const quick = new KoreClient(kore.url, kore.apiKey, {
      retry: FAST_RETRY,
      requestTimeoutMs: 300
    })
    const started = await quick.startExport('a-1', '')
    const before = Date.now()
    await expect(quick.getDockStatus(started.dockStatusId)).resolves.toMatchObject({
      state: 'SUCCESS'
    })
    expect(Date.now() - before).toBeGreaterThanOrEqual(290)
    expect(kore.requestsTo('status')).toHaveLength(2)
  })

  it('honours Retry-After', async () => {
    kore = await startKoreServer({ exportFailures: [{ status: 429, retryAfter: 1 }] })
    await client().startExport('a-1', '')
    const [first, second] = kore.requestsTo('export')
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950)
  })

  it('gives up on a 5xx burst longer than the retry policy', async () => {
    kore = await startKoreServer({ exportFailures: Array(10).fill({ status: 503 }) })
    await expect(client().startExport('a-1', '')).rejects.toThrow(/\(gave up after \d+ tries\)$/)
    expect(kore.requestsTo('export')).toHaveLength(FAST_RETRY.attempts)
  })

  it('retries a 500 and a reset on the export request: starting an export changes nothing', async () => {
    kore = await startKoreServer({ exportFailures: [{ status: 500 }, { reset: true }] })
    await expect(client().startExport('a-1', '')).resolves.toMatchObject({ toolId: 'a-1' })
    expect(kore.requestsTo('export')).toHaveLength(3)
  })

  it('never repeats an import or a deploy after a 500: either may have acted', async () => {
    kore = await startKoreServer({ importFailures: [{ status: 500 }] })
    const { fileId } = await client().uploadFile('flow_definition.json', Buffer.from('{}'))
    const importing = client().importTool({
      toolName: 'x',
      flowDataFileId: fileId,
      appFileId: fileId
    })
    await expect(importing).rejects.toThrow('failed (HTTP 500)')
    expect(kore.requestsTo('import')).toHaveLength(1)
  })

  it('retries a garbled status answer, still at most one status request a second', async () => {
    kore = await startKoreServer({ statusFailures: [{ garbled: true }], jobPolls: 0 })
    const started = await client().startExport('a-1', '')
    const status = await client().getDockStatus(started.dockStatusId)
    expect(status.state).toBe('SUCCESS')
    const [first, second] = kore.requestsTo('status')
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(990)
  })

  it('pauses every export sharing the gate after one gets a 429, without using up its tries', async () => {
    kore = await startKoreServer({ exportFailures: [{ status: 429, retryAfter: 1 }] })
    const gate = new RateGate()
    const limited = new KoreClient(kore.url, kore.apiKey, { retry: FAST_RETRY, gate })
    const other = new KoreClient(kore.url, kore.apiKey, { retry: FAST_RETRY, gate })
    const first = limited.startExport('a-1', '', Date.now() + 10_000)
    while (kore.requests[0]?.servedMs === undefined) await sleep(5)
    await sleep(20)
    await other.startExport('a-2', '', Date.now() + 10_000)
    await first
    const [limitedAt, ...later] = kore.requestsTo('export').map(r => r.at)
    expect(later).toHaveLength(2)
    for (const at of later) expect(at - limitedAt!).toBeGreaterThanOrEqual(950)
  })

  it('does not count 429s against the tries while a deadline bounds the wait', async () => {
    kore = await startKoreServer({ exportFailures: Array(6).fill({ status: 429, retryAfter: 0 }) })
    const deadline = Date.now() + 10_000
    await expect(client().startExport('a-1', '', deadline)).resolves.toMatchObject({
      status: 'IN_PROGRESS'
    })
    expect(kore.requestsTo('export')).toHaveLength(7)
  })

  it("does not wait out another export's long Retry-After past its own deadline", async () => {
    kore = await startKoreServer({ exportFailures: [{ status: 429, retryAfter: 120 }] })
    const gate = new RateGate()
    const limited = new KoreClient(kore.url, kore.apiKey, { retry: FAST_RETRY, gate })
    const other = new KoreClient(kore.url, kore.apiKey, { retry: FAST_RETRY, gate })
    // The first gives up at once (120 s is past its deadline) but leaves the gate paused.
    await expect(limited.startExport('a-1', '', Date.now() + 5000)).rejects.toThrow(/HTTP 429/)
    const before = Date.now()
    await expect(other.startExport('a-2', '', Date.now() + 800)).rejects.toThrow(
      'the time allowed (timeout) ran out'
    )
    expect(Date.now() - before).toBeLessThan(1500)
    expect(kore.requestsTo('export')).toHaveLength(1)
  })

  it('retries a 500 on a status check', async () => {
    kore = await startKoreServer({ statusFailures: [{ status: 500 }], jobPolls: 0 })
    const started = await client().startExport('a-1', '')
    await expect(client().getDockStatus(started.dockStatusId)).resolves.toMatchObject({
      state: 'SUCCESS'
    })
    expect(kore.requestsTo('status')).toHaveLength(2)
  })

  it('limits each request in total: trickled headers do not hold it', async () => {
    kore = await startKoreServer({ exportFailures: [{ trickle: true }] })
    const quick = new KoreClient(kore.url, kore.apiKey, {
      retry: FAST_RETRY,
      requestTimeoutMs: 500
    })
    const before = Date.now()
    await expect(quick.startExport('a-1', '')).resolves.toMatchObject({ status: 'IN_PROGRESS' })
    expect(Date.now() - before).toBeLessThan(1500)
    expect(kore.requestsTo('export')).toHaveLength(2)
  })

  it('stops at the deadline, however slowly the server answers', async () => {
    kore = await startKoreServer({ exportFailures: Array(20).fill({ trickle: true }) })
    const before = Date.now()
    await expect(client().startExport('a-1', '', Date.now() + 800)).rejects.toThrow(
      /no complete answer within 0\.\d s/
    )
    expect(Date.now() - before).toBeLessThan(1300)
  })

  it('reaches a host written as an IPv6 literal', async () => {
    kore = await startKoreServer({ host: '::1' })
    expect(kore.url).toMatch(/^http:\/\/\[::1\]:\d+$/)
    await expect(client().startExport('a-1', '')).resolves.toMatchObject({
      dockStatusId: expect.stringMatching(/^ds-/)
    })
  })

  it('treats a refused connection as transient and gives up', async () => {
    kore = await startKoreServer()
    const url = kore.url
    await kore.close()
    const dead = new KoreClient(url, 'k', { retry: FAST_RETRY, requestTimeoutMs: 1000 })
    await expect(dead.startExport('a-1', '')).rejects.toThrow(/ECONNREFUSED.*gave up after 4 tries/)
    kore = await startKoreServer()
  })
})
