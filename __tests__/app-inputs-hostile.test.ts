// Hostile inputs of resource: app, run against the bundle: each refused before any request.
import { afterEach, describe, expect, it } from '@jest/globals'
import { runAction } from '../scripts/run-action.js'
import { startKoreServer } from './fakes/kore-server.js'

type Kore = Awaited<ReturnType<typeof startKoreServer>>

describe('attack: app inputs', () => {
  let kore: Kore | undefined
  afterEach(async () => {
    await kore?.close()
    kore = undefined
  })
  const run = (inputs: Record<string, string>) =>
    runAction({
      host: kore?.url ?? '',
      resource: 'app',
      'api-key': kore?.apiKey ?? '',
      'upload-artifact': 'false',
      ...inputs
    })

  it('app-version ".." is refused (no dot-segment request path)', async () => {
    kore = await startKoreServer()
    await run({ 'app-id': 'aa-1', 'app-version': '..' })
    const paths = kore.requests.map(r => r.path)
    expect(paths).toEqual([])
  })

  it('odd ids, a missing version in apps, a duplicate app, bad templates are refused before any request', async () => {
    kore = await startKoreServer()
    const cases: [Record<string, string>, string][] = [
      [{ 'app-id': 'aa-1/../x', 'app-version': 'v1' }, 'app-id'],
      [{ 'app-id': 'aa-1', 'app-version': 'v1 x' }, 'app-version'],
      [{ apps: 'aa-1\naa-2 v1' }, 'apps: line 1'],
      [{ apps: 'aa-1 v1\naa-1 v2' }, 'listed twice'],
      [{ apps: 'aa-1 v1\naa-2 v1', 'commit-path': 'kore-apps' }, 'commit-path'],
      [{ apps: 'aa-1 v1\naa-2 v1', 'artifact-name': 'same' }, 'artifact-name'],
      [{ 'app-id': '..', 'app-version': 'v1', commit: 'true', 'github-token': 't' }, 'app-id'],
      [{ 'app-id': 'aa-1', 'app-version': 'v1', 'flow-id': 'f-1' }, 'flow-id'],
      [{ 'app-id': 'aa-1', 'app-version': 'v1', 'env-variables': 'encrypt' }, 'env-variables']
    ]
    for (const [inputs, said] of cases) {
      const done = await run(inputs)
      expect(done.exitCode).toBe(1)
      expect(done.stdout).toContain(said)
    }
    expect(kore.requests).toHaveLength(0)
  })
})
