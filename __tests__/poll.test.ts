import { afterEach, describe, expect, it } from '@jest/globals'
import { KoreClient } from '../src/kore/client.js'
import { JobFailedError, JobTimeoutError, waitForJob } from '../src/kore/poll.js'
import { startKoreServer } from './fakes/kore-server.js'
import { FAST_RETRY } from './helpers/setup.js'

type Fake = Awaited<ReturnType<typeof startKoreServer>>

describe('waitForJob', () => {
  let kore: Fake
  afterEach(() => kore.close())

  async function startJob(
    options: Parameters<typeof startKoreServer>[0],
    poll: { intervalMs?: number; timeoutMs?: number } = {}
  ) {
    kore = await startKoreServer(options)
    const client = new KoreClient(kore.url, kore.apiKey, { retry: FAST_RETRY, minStatusGapMs: 50 })
    const startedAt = Date.now()
    const started = await client.startExport('a-1', '')
    return waitForJob(client, started.dockStatusId, {
      pollIntervalMs: poll.intervalMs ?? 50,
      timeoutMs: poll.timeoutMs ?? 5000,
      startedAt,
      firstCheckAfterMs: 50
    })
  }

  it('polls a slow job until SUCCESS, with the link from the SUCCESS record', async () => {
    const status = await startJob({ jobPolls: 3, downloadUrlOn: 'success' })
    expect(status.state).toBe('SUCCESS')
    expect(status.downloadUrl).toContain('/api/v1/account/exports/')
    expect(kore.requestsTo('status')).toHaveLength(4)
  })

  it('accepts lower-case statuses', async () => {
    await expect(startJob({ lowerCase: true })).resolves.toMatchObject({ rawStatus: 'success' })
  })

  it('fails with the server reason when the job FAILED', async () => {
    const error = await startJob({
      outcome: 'FAILED',
      failLogs: [{ message: 'Call flow is not deployed' }]
    }).catch(e => e)
    expect(error).toBeInstanceOf(JobFailedError)
    expect(error.message).toMatch(/export job ds-.* FAILED: Call flow is not deployed/)
  })

  it('times out on a job that never ends, saying how long it waited and the last status', async () => {
    const started = Date.now()
    const error = await startJob({ outcome: 'NEVER' }, { intervalMs: 100, timeoutMs: 1000 }).catch(
      e => e
    )
    expect(error).toBeInstanceOf(JobTimeoutError)
    expect(error.message).toMatch(/did not finish within 1 s \(last status: IN_PROGRESS \(\d+%\)\)/)
    expect(error.lastStatus).toBe('IN_PROGRESS')
    expect(Date.now() - started).toBeLessThan(3000)
  })

  it('waits the poll interval between checks and the first delay before the first one', async () => {
    kore = await startKoreServer({ jobPolls: 2 })
    const client = new KoreClient(kore.url, kore.apiKey, { retry: FAST_RETRY, minStatusGapMs: 50 })
    const startedAt = Date.now()
    const started = await client.startExport('a-1', '')
    await waitForJob(client, started.dockStatusId, {
      pollIntervalMs: 300,
      timeoutMs: 5000,
      startedAt,
      firstCheckAfterMs: 200
    })
    // Checked against the schedule, not the gaps: a late check under load must not make the
    // next one early, and none may come before its time.
    const times = kore.requestsTo('status').map(r => r.at)
    expect(times).toHaveLength(3)
    times.forEach((at, i) => expect(at - startedAt).toBeGreaterThanOrEqual(200 + 300 * i - 5))
  })

  it('rides out a 429 and 5xx burst while polling', async () => {
    const status = await startJob({
      statusFailures: [{ status: 429, retryAfter: 0 }, { status: 503 }, { garbled: true }]
    })
    expect(status.state).toBe('SUCCESS')
  })
})
