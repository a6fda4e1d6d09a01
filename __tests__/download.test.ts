import { afterEach, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { downloadExport, DownloadOptions, resolveDownloadUrl } from '../src/kore/download.js'
import { verifyExport } from '../src/backup/importable.js'
import { KoreClient } from '../src/kore/client.js'
import { startKoreServer, startStorageServer } from './fakes/kore-server.js'
import { buildZip, sampleExport } from './fakes/zip.js'
import { FAST_RETRY, filesIn, tempDir } from './helpers/setup.js'

type Fake = Awaited<ReturnType<typeof startKoreServer>>

/** The check the export step gives the download. */
const verify = async (file: string): Promise<void> =>
  void (await verifyExport(file, 1024 * 1024, true))
type Storage = Awaited<ReturnType<typeof startStorageServer>>

describe('downloadExport', () => {
  let kore: Fake
  let storage: Storage | undefined
  afterEach(async () => {
    await kore.close()
    await storage?.close()
    storage = undefined
  })

  /** Starts an export on the fake and downloads it into a fresh directory. */
  async function exportAndDownload(requestTimeoutMs = 2000, extra: Partial<DownloadOptions> = {}) {
    const client = new KoreClient(kore.url, kore.apiKey, { retry: FAST_RETRY })
    const started = await client.startExport('a-1', '')
    const dir = tempDir()
    const destination = path.join(dir, 'kore-tool-a-1.zip')
    const result = downloadExport(started.downloadUrl, {
      host: kore.url,
      apiKey: kore.apiKey,
      destination,
      retry: FAST_RETRY,
      requestTimeoutMs,
      maxBytes: 1024 * 1024,
      verify,
      ...extra
    })
    return { dir, destination, result }
  }

  it('streams the zip into place with its size and sha256, sending the key', async () => {
    kore = await startKoreServer()
    const { dir, destination, result } = await exportAndDownload()
    const file = await result
    const served = sampleExport('a-1')
    expect(fs.readFileSync(destination).equals(served)).toBe(true)
    expect(file).toMatchObject({
      file: destination,
      size: served.length,
      sha256: createHash('sha256').update(served).digest('hex')
    })
    expect(filesIn(dir)).toEqual(['kore-tool-a-1.zip'])
    expect(kore.requestsTo('download')[0]?.headers['x-api-key']).toBe(kore.apiKey)
  })

  it('follows a redirect to another origin without sending it the key', async () => {
    storage = await startStorageServer({ zipFor: () => sampleExport('a-1') })
    kore = await startKoreServer({ redirectDownloadTo: storage.url })
    const { destination, result } = await exportAndDownload()
    await result
    expect(fs.readFileSync(destination).equals(sampleExport('a-1'))).toBe(true)
    expect(kore.requestsTo('download')[0]?.headers['x-api-key']).toBe(kore.apiKey)
    expect(storage.requests).toHaveLength(1)
    expect(storage.requests[0]?.headers['x-api-key']).toBeUndefined()
  })

  it('retries a truncated transfer and keeps only the complete file', async () => {
    kore = await startKoreServer({ truncateDownloads: 2 })
    const { dir, destination, result } = await exportAndDownload()
    await result
    expect(kore.requestsTo('download')).toHaveLength(3)
    expect(fs.readFileSync(destination).equals(sampleExport('a-1'))).toBe(true)
    expect(filesIn(dir)).toEqual(['kore-tool-a-1.zip'])
  })

  it('gives up on a transfer that stalls, and tries again', async () => {
    kore = await startKoreServer({ stallDownloads: 1 })
    const { destination, result } = await exportAndDownload(500)
    await result
    expect(kore.requestsTo('download')).toHaveLength(2)
    expect(fs.readFileSync(destination).equals(sampleExport('a-1'))).toBe(true)
  })

  it('retries a 503 on the download', async () => {
    kore = await startKoreServer({ downloadFailures: [{ status: 503 }, { reset: true }] })
    const { result } = await exportAndDownload()
    await expect(result).resolves.toMatchObject({ size: sampleExport('a-1').length })
    expect(kore.requestsTo('download')).toHaveLength(3)
  })

  it('leaves nothing behind when every try is truncated', async () => {
    kore = await startKoreServer({ truncateDownloads: 100 })
    const { dir, result } = await exportAndDownload()
    await expect(result).rejects.toThrow(/transfer (truncated|broke off).*gave up after 4 tries/)
    expect(filesIn(dir)).toEqual([])
  })

  it('fails on a corrupt archive without retrying, leaving no file', async () => {
    const corrupt = buildZip([{ name: 'flow_definition.json', data: '{"a":1}', crc: 12345 }])
    kore = await startKoreServer({ zipFor: () => corrupt })
    const { dir, result } = await exportAndDownload()
    await expect(result).rejects.toThrow('entry flow_definition.json fails its CRC-32 check')
    expect(kore.requestsTo('download')).toHaveLength(1)
    expect(filesIn(dir)).toEqual([])
  })

  it('fails on something that is not a zip', async () => {
    kore = await startKoreServer({ zipFor: () => Buffer.from('<html>Sign in</html>') })
    const { dir, result } = await exportAndDownload()
    await expect(result).rejects.toThrow('the download is not a valid zip')
    expect(filesIn(dir)).toEqual([])
  })

  it('explains an expired link (410) without retrying', async () => {
    kore = await startKoreServer({ downloadFailures: [{ status: 410 }] })
    const { dir, result } = await exportAndDownload()
    await expect(result).rejects.toThrow('answered HTTP 410: it may have expired')
    expect(kore.requestsTo('download')).toHaveLength(1)
    expect(filesIn(dir)).toEqual([])
  })

  it('does not leave a temporary file next to an older export when it fails', async () => {
    kore = await startKoreServer({ downloadFailures: [{ status: 404 }] })
    const { dir, destination, result } = await exportAndDownload()
    fs.writeFileSync(destination, 'old backup')
    await expect(result).rejects.toThrow('HTTP 404')
    expect(filesIn(dir)).toEqual(['kore-tool-a-1.zip'])
    expect(fs.readFileSync(destination, 'utf8')).toBe('old backup')
  })
})

describe('downloadExport: bounds', () => {
  let kore: Fake
  afterEach(() => kore.close())

  async function download(extra: Partial<DownloadOptions> = {}) {
    const client = new KoreClient(kore.url, kore.apiKey, { retry: FAST_RETRY })
    const started = await client.startExport('a-1', '')
    const dir = tempDir()
    const result = downloadExport(started.downloadUrl, {
      host: kore.url,
      apiKey: kore.apiKey,
      destination: path.join(dir, 'kore-tool-a-1.zip'),
      retry: FAST_RETRY,
      requestTimeoutMs: 2000,
      maxBytes: 1024 * 1024,
      verify,
      ...extra
    })
    return { dir, result }
  }

  it('cuts an endless body at max-download-size, once, and removes what it wrote', async () => {
    kore = await startKoreServer({ endlessDownloads: true })
    const { dir, result } = await download({
      maxBytes: 5 * 1024 * 1024,
      maxBytesInput: 'max-download-size'
    })
    await expect(result).rejects.toThrow(
      /larger than max-download-size \(5242880 bytes\): the body went on; raise max-download-size/
    )
    expect(kore.requestsTo('download')).toHaveLength(1)
    expect(filesIn(dir)).toEqual([])
  })

  it('refuses at once an export whose announced length is over the limit', async () => {
    kore = await startKoreServer({ declaredLength: 2 * 1024 * 1024 })
    const { dir, result } = await download()
    await expect(result).rejects.toThrow('it is 2097152 bytes')
    expect(kore.requestsTo('download')).toHaveLength(1)
    expect(filesIn(dir)).toEqual([])
  })

  it('reports a local write error as it is, without retrying it', async () => {
    kore = await startKoreServer()
    const client = new KoreClient(kore.url, kore.apiKey, { retry: FAST_RETRY })
    const started = await client.startExport('a-1', '')
    const tooLong = path.join(tempDir(), 'x'.repeat(300), 'kore-tool-a-1.zip')
    await expect(
      downloadExport(started.downloadUrl, {
        host: kore.url,
        apiKey: kore.apiKey,
        destination: tooLong,
        retry: FAST_RETRY,
        maxBytes: 1024 * 1024,
        verify
      })
    ).rejects.toThrow(/^ENAMETOOLONG: name too long/)
    expect(kore.requestsTo('download')).toHaveLength(0)
  })

  it('ends a download that trickles its headers when the deadline comes', async () => {
    kore = await startKoreServer({ downloadFailures: Array(10).fill({ trickle: true }) })
    const before = Date.now()
    const { dir, result } = await download({ deadline: Date.now() + 1500 })
    await expect(result).rejects.toThrow(/no complete answer within/)
    expect(Date.now() - before).toBeLessThan(2500)
    expect(filesIn(dir)).toEqual([])
  })
})

describe('resolveDownloadUrl', () => {
  it('trims the padding and resolves a path against the host', () => {
    expect(resolveDownloadUrl(' https://a.example/x ', 'https://h.example').href).toBe(
      'https://a.example/x'
    )
    expect(resolveDownloadUrl('/api/v1/account/x', 'https://h.example/base').href).toBe(
      'https://h.example/api/v1/account/x'
    )
  })

  it('refuses plain http unless host itself is plain http on loopback, and then off loopback', () => {
    expect(() => resolveDownloadUrl('http://files.example/x', 'https://h.example')).toThrow(
      'https only'
    )
    expect(() => resolveDownloadUrl('http://127.0.0.2:9/x', 'https://h.example')).toThrow(
      'https only'
    )
    expect(() => resolveDownloadUrl('http://files.example/x', 'http://127.0.0.1:8')).toThrow(
      'https only'
    )
    expect(resolveDownloadUrl('http://127.0.0.2:9/x', 'http://127.0.0.1:8').protocol).toBe('http:')
    expect(resolveDownloadUrl('http://[::1]:9/x', 'http://[::1]:8').protocol).toBe('http:')
  })
})
