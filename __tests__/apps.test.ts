// The apps API client and the app backup's pieces, over real sockets: the odd answers the docs
// leave open, the app list, the filling of secure values across an app's files.
import { afterEach, describe, expect, it } from '@jest/globals'
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import { parseAppList } from '../src/app-list.js'
import { exportApp, importApp } from '../src/kore/apps.js'
import { KoreClient } from '../src/kore/client.js'
import { fillAppValues } from '../src/restore/app-backup.js'
import { FAST_RETRY } from './helpers/setup.js'

/** A host answering each path with the JSON given for it, recording what it was sent. */
async function answering(routes: Record<string, unknown>) {
  const seen: { method: string; url: string; body: string }[] = []
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', chunk => chunks.push(chunk))
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        body: Buffer.concat(chunks).toString()
      })
      const body = routes[(req.url ?? '').split('?')[0] ?? '']
      res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body ?? { errors: [{ msg: 'Route not found' }] }))
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    seen,
    client: new KoreClient(url, 'k', { retry: FAST_RETRY, minStatusGapMs: 0, resource: 'app' }),
    close: () => new Promise(resolve => server.close(resolve))
  }
}

describe('the apps API', () => {
  let host: Awaited<ReturnType<typeof answering>> | undefined
  afterEach(async () => {
    await host?.close()
    host = undefined
  })
  const deadline = () => Date.now() + 10_000

  it('polls an export answer that carries a dock status instead of a file_url', async () => {
    host = await answering({
      '/api/public/apps/aa-1/versions/v1/export': {
        'dock-statusId': 'ds-9',
        status: 'IN_PROGRESS'
      },
      '/api/public/dock-status/ds-9': { status: 'SUCCESS', downloadUrl: 'https://h/f.zip' }
    })
    const exported = await exportApp(host.client, 'aa-1', 'v1', {
      deadline: deadline(),
      pollIntervalMs: 10
    })
    expect(exported).toEqual({ appId: 'aa-1', version: '', fileUrl: 'https://h/f.zip' })
    expect(host.seen[0]?.method).toBe('GET')
  })

  it('refuses an export answer with neither a file_url nor a job, or naming another app', async () => {
    host = await answering({
      '/api/public/apps/aa-1/versions/v1/export': { app_id: 'aa-1', note: 'later' },
      '/api/public/apps/aa-2/versions/v1/export': { app_id: 'aa-x', file_url: 'https://h/f' }
    })
    await expect(exportApp(host.client, 'aa-1', 'v1', { deadline: deadline() })).rejects.toThrow(
      'has no file_url and no dock status id; keys sent: app_id, note'
    )
    await expect(exportApp(host.client, 'aa-2', 'v1', { deadline: deadline() })).rejects.toThrow(
      'names app aa-x, not aa-2: nothing was kept'
    )
  })

  it('imports with importType FULL and the file URL, and takes only a success for the app asked', async () => {
    host = await answering({
      '/api/public/apps/import': {
        status: 'Success',
        appId: 'aa-1',
        message: 'App imported successfully'
      }
    })
    const done = await importApp(host.client, 'aa-1', 'https://h/f.zip?s=1', deadline())
    expect(done.message).toBe('App imported successfully')
    expect(host.seen[0]?.url).toBe('/api/public/apps/import?importType=FULL')
    expect(JSON.parse(host.seen[0]?.body ?? '')).toEqual({
      app_id: 'aa-1',
      file_url: 'https://h/f.zip?s=1'
    })
    await expect(importApp(host.client, 'aa-2', 'u', deadline())).rejects.toThrow(
      "Kore.ai's answer names app aa-1, not aa-2"
    )
    await host.close()
    host = await answering({ '/api/public/apps/import': { message: 'queued' } })
    await expect(importApp(host.client, 'aa-1', 'u', deadline())).rejects.toThrow(
      'did not say it succeeded: Kore.ai answered status "(none)": queued'
    )
  })

  it('names app-id and app-version on a 404', async () => {
    host = await answering({})
    await expect(exportApp(host.client, 'aa-1', 'v1', { deadline: deadline() })).rejects.toThrow(
      'check app-id and app-version'
    )
  })
})

describe('the app list', () => {
  const none = { 'tool-id': '', 'flow-id': '', tools: '' }
  it('reads app-id with app-version, or apps lines, as tools are read', () => {
    expect(parseAppList({ appId: 'aa-1', appVersion: 'v1', apps: '', toolInputs: none })).toEqual([
      { toolId: 'aa-1', flowId: '', version: 'v1' }
    ])
    const apps = 'aa-1 v1\n\n  # skip\naa-2   version2.0\r\n'
    expect(parseAppList({ appId: '', appVersion: '', apps, toolInputs: none })).toEqual([
      { toolId: 'aa-1', flowId: '', version: 'v1' },
      { toolId: 'aa-2', flowId: '', version: 'version2.0' }
    ])
  })

  it('refuses each mistake naming the input or the line', () => {
    const parse = (given: Partial<Parameters<typeof parseAppList>[0]>) => () =>
      parseAppList({ appId: '', appVersion: '', apps: '', toolInputs: none, ...given })
    expect(parse({ apps: 'aa-1' })).toThrow('apps: line 1: "aa-1" is not "<app-id> <version-id>"')
    expect(parse({ apps: 'aa-1 v1\naa-1 v2' })).toThrow('apps: line 2: app aa-1 is listed twice')
    expect(parse({ appId: 'aa-1', appVersion: 'v 1' })).toThrow(
      'app-version: "v 1" is not a version id'
    )
    expect(parse({ appId: 'aa-1', appVersion: 'v1', apps: 'aa-2 v1' })).toThrow('not both')
    expect(parse({ appVersion: 'v1', apps: 'aa-2 v1' })).toThrow('app-version: applies to app-id')
    expect(parse({})).toThrow('app-id: is required with resource: app')
    expect(parse({ apps: '# only a comment' })).toThrow('apps: lists no app')
    expect(
      parse({ appId: 'aa-1', appVersion: 'v1', toolInputs: { ...none, tools: 'a-1' } })
    ).toThrow('tools: names a tool, and resource is app')
  })
})

describe('filling an app backup', () => {
  const files = () =>
    new Map([
      ['a.json', Buffer.from('[{"key":"TOKEN","value":"<redacted>","isSecured":true}]')],
      [
        'b.json',
        Buffer.from('{"headers":[{"name":"TOKEN","value":"<redacted>","isSecured":true}]}')
      ],
      ['c.txt', Buffer.from('text is left alone')]
    ])
  const values = (text: string) =>
    new Map(
      text
        .split('\n')
        .map((line, i) => [
          line.split('=')[0] ?? '',
          { value: line.split('=')[1] ?? '', line: i + 1 }
        ])
    )

  it('asks per file for a secret redacted in several files, and sets each where it is named', () => {
    expect(() => fillAppValues(files(), values('TOKEN=t0k3n'))).toThrow(
      'env-values: line 1: sets a secret the backup holds redacted in 2 files (a.json, b.json)'
    )
    const given = values('a.json:TOKEN=t0k3n\nb.json:TOKEN=other')
    const { files: filled, filled: names } = fillAppValues(files(), given)
    expect(filled.get('a.json')?.toString()).toBe(
      '[{"key":"TOKEN","value":"t0k3n","isSecured":true}]'
    )
    expect(filled.get('b.json')?.toString()).toContain('"value":"other"')
    expect(filled.get('c.txt')?.toString()).toBe('text is left alone')
    expect(names).toEqual(['TOKEN'])
  })

  it('sets a secret only where it is redacted, and a credential field by its key', () => {
    const mixed = new Map([
      ['a.json', Buffer.from('[{"key":"TOKEN","value":"<redacted>","isSecured":true}]')],
      ['b.json', Buffer.from('[{"key":"TOKEN","value":"public-sandbox","isSecured":false}]')],
      ['mcp.json', Buffer.from('{"headers":{"Authorization":"<redacted>"}}')]
    ])
    const { files: filled } = fillAppValues(mixed, values('TOKEN=t0k3n\nAuthorization=Bearer x'))
    expect(filled.get('b.json')?.toString()).toContain('"public-sandbox"')
    expect(filled.get('a.json')?.toString()).toContain('"t0k3n"')
    expect(filled.get('mcp.json')?.toString()).toBe('{"headers":{"Authorization":"Bearer x"}}')
  })

  it('refuses a placeholder left in any file, and a name no file has, by line', () => {
    expect(() => fillAppValues(files(), new Map())).toThrow('env-values: must set TOKEN')
    const text = new Map([...files(), ['c.txt', Buffer.from('KEY=<redacted>')]])
    expect(() => fillAppValues(text, values('a.json:TOKEN=x\nb.json:TOKEN=y'))).toThrow(
      'its c.txt holds "<redacted>", which only a JSON file\'s variables can be filled in'
    )
    expect(() => fillAppValues(files(), values('a.json:TOKEN=x\nb.json:TOKEN=y\nOTHER=z'))).toThrow(
      'env-values: line 3: names a variable no file of the app backup has'
    )
  })
})
