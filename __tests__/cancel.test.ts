// The step's cancellation in-process, against a real loopback server: once cancelStep runs (the
// runner's first signal), waits end, requests under way are cut off and none is started. A
// process is cancelled once and for good, so the tests run in order: what was under way first,
// then what comes after.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import * as path from 'node:path'
import { CancelledError, cancelStep } from '../src/cancel.js'
import { send } from '../src/http.js'
import { downloadExport } from '../src/kore/download.js'
import { sleep, TransientError, withRetries } from '../src/retry.js'
import { filesUnder, until } from './helpers/cancel.js'
import { tempDir } from './helpers/setup.js'

const REASON = 'The step was cancelled (SIGINT)'

describe('a cancelled step', () => {
  let server: http.Server
  let origin = ''
  const seen: string[] = []

  beforeAll(async () => {
    // /stall sends half of what it announces, then goes silent; /hang never answers.
    server = http.createServer((req, res) => {
      seen.push(req.url ?? '')
      if (req.url?.startsWith('/stall')) {
        res.writeHead(200, { 'content-length': 2048 })
        res.write(Buffer.alloc(1024))
      }
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise(resolve => server.close(resolve))
  })

  it('cuts off what is under way at once: a download (its partial file removed), a request, a wait', async () => {
    const folder = tempDir()
    const download = downloadExport(`${origin}/stall`, {
      host: origin,
      apiKey: 'key',
      destination: path.join(folder, 'export.zip'),
      maxBytes: 1 << 20,
      verify: async () => undefined
    })
    const request = send('GET', `${origin}/hang`, {}, { totalMs: 60_000 })
    const wait = sleep(60_000)
    await until(() => seen.includes('/hang') && filesUnder(folder).length === 1)
    expect(filesUnder(folder)[0]).toMatch(/^\.kore-download-\w+\.part$/)

    const cancelledAt = Date.now()
    cancelStep(REASON)
    await Promise.all(
      [download, request, wait].map(work =>
        expect(work).rejects.toThrow(new CancelledError(REASON))
      )
    )
    expect(Date.now() - cancelledAt).toBeLessThan(500)
    expect(filesUnder(folder)).toEqual([])
  })

  it('starts no request, no wait and no retry afterwards', async () => {
    const before = seen.length
    await expect(send('GET', `${origin}/hang`, {}, { totalMs: 1000 })).rejects.toThrow(REASON)
    await expect(sleep(0)).rejects.toThrow(REASON)
    let tries = 0
    const failing = async (): Promise<never> => {
      tries++
      throw new TransientError('HTTP 502', { status: 502 })
    }
    await expect(
      withRetries('Status', { attempts: 5, baseDelayMs: 1, maxDelayMs: 1 }, failing)
    ).rejects.toThrow(REASON)
    expect(tries).toBe(1)
    expect(seen.length).toBe(before)
  })
})
