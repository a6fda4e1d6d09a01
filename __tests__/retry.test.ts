import { describe, expect, it } from '@jest/globals'
import { parseRetryAfter, retryDelay, TransientError, withRetries } from '../src/retry.js'

const policy = { attempts: 3, baseDelayMs: 100, maxDelayMs: 1000 }

describe('withRetries', () => {
  it('retries transient errors, then succeeds', async () => {
    const waits: number[] = []
    let tries = 0
    const result = await withRetries(
      'thing',
      policy,
      async () => {
        if (++tries < 3) throw new TransientError('HTTP 503')
        return 'done'
      },
      { sleep: async ms => void waits.push(ms) }
    )
    expect(result).toBe('done')
    expect(waits).toHaveLength(2)
    expect(waits[0]).toBeGreaterThanOrEqual(50)
    expect(waits[0]).toBeLessThanOrEqual(100)
    expect(waits[1]).toBeGreaterThanOrEqual(100)
    expect(waits[1]).toBeLessThanOrEqual(200)
  })

  it('gives up after the last try, saying what failed', async () => {
    const attempt = async (): Promise<never> => {
      throw new TransientError('HTTP 502')
    }
    const retrying = withRetries('Status of job', policy, attempt, { sleep: async () => undefined })
    await expect(retrying).rejects.toThrow(/\(gave up after \d+ tries\)$/)
    await expect(
      withRetries('Status of job', policy, attempt, { sleep: async () => undefined })
    ).rejects.toThrow('Status of job: HTTP 502 (gave up after 3 tries)')
  })

  it('does not retry other errors', async () => {
    let tries = 0
    await expect(
      withRetries('thing', policy, async () => {
        tries++
        throw new Error('HTTP 401')
      })
    ).rejects.toThrow('HTTP 401')
    expect(tries).toBe(1)
  })

  it('stops early rather than wait past the deadline', async () => {
    let tries = 0
    await expect(
      withRetries(
        'thing',
        policy,
        async () => {
          tries++
          throw new TransientError('HTTP 429', { status: 429, retryAfterMs: 60_000 })
        },
        { deadline: Date.now() + 5000 }
      )
    ).rejects.toThrow('gave up after 1 tries')
    expect(tries).toBe(1)
  })
})

describe('retryDelay', () => {
  it('never waits less than Retry-After asks, and caps growth', () => {
    expect(retryDelay(policy, 1, 5000)).toBe(5000)
    for (let i = 0; i < 20; i++) expect(retryDelay(policy, 10)).toBeLessThanOrEqual(1000)
  })
})

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3000)
    const date = new Date(Date.now() + 10_000).toUTCString()
    expect(parseRetryAfter(date)).toBeGreaterThan(8000)
    expect(parseRetryAfter(undefined)).toBeUndefined()
    expect(parseRetryAfter('soon')).toBeUndefined()
  })
})
