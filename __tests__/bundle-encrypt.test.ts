// env-variables: encrypt, run as the runner runs both bundles: the secure values reach the
// branch only inside env_variables.secrets.age (age, to secrets-key's recipient); an unchanged
// export commits nothing; a rotated value is named; the restore brings them back with only
// secrets-key, and refuses a wrong key or a damaged file before any request.
import { afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import * as age from 'age-encryption'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { RESTORE_ENTRY, runAction } from '../scripts/run-action.js'
import { startGithubApi } from './fakes/github-api.js'
import { startKoreServer } from './fakes/kore-server.js'
import { buildZip } from './fakes/zip.js'
import { tempDir } from './helpers/setup.js'

type Kore = Awaited<ReturnType<typeof startKoreServer>>
type Github = Awaited<ReturnType<typeof startGithubApi>>

const TOOL = 'a-sealed'
const FOLDER = `kore-tools/${TOOL}`
const SECRETS = 'env_variables.secrets.age'
let key = ''
let recipient = ''

beforeAll(async () => {
  key = await age.generateIdentity()
  recipient = await age.identityToRecipient(key)
})

/** The tool as Kore.ai exports it, with `token` as its secure value. */
function exportWith(token: string): Buffer {
  return buildZip([
    { name: 'flow_definition.json', data: `{"toolId":"${TOOL}","nodes":[]}` },
    { name: 'app_definition.json', data: '{"name":"Sealed"}' },
    {
      name: 'env_variables.json',
      data: `[{"key":"BASE_URL","value":"https://example.com","isSecured":false},{"key":"TOKEN","value":"${token}","isSecured":true},{"key":"PORT","value":8443,"isSecured":true}]`
    }
  ])
}

async function decrypted(text: string | undefined, identity = key): Promise<unknown> {
  const decrypter = new age.Decrypter()
  decrypter.addIdentity(identity)
  return JSON.parse(await decrypter.decrypt(age.armor.decode(text ?? ''), 'text'))
}

/** A commit of someone's own on main, through the fake's Git Data API, as a person would push. */
async function commitByHand(github: Github, files: Record<string, string>): Promise<void> {
  const api = `${github.url}/repos/${github.repository}`
  const call = async (method: string, path: string, body: object) => {
    const answer = await fetch(`${api}${path}`, {
      method,
      headers: { authorization: `Bearer ${github.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body)
    })
    return (await answer.json()) as { sha: string; tree: { sha: string } }
  }
  const head = github.head('main') ?? ''
  const parent = github.commits.get(head) as { tree: string }
  const tree = Object.entries(files).map(([path, content]) => ({
    path,
    mode: '100644',
    type: 'blob',
    content
  }))
  const made = await call('POST', '/git/trees', { base_tree: parent.tree, tree })
  const commit = await call('POST', '/git/commits', {
    message: 'by hand',
    tree: made.sha,
    parents: [head]
  })
  await call('PATCH', '/git/refs/heads/main', { sha: commit.sha })
}

describe('env-variables: encrypt, exported and restored', () => {
  let kore: Kore
  let github: Github
  let token = 'secret-token'
  afterEach(async () => {
    await kore.close()
    await github.close()
  })

  const backUp = (extra: Record<string, string> = {}) =>
    runAction(
      {
        host: kore.url,
        'tool-id': TOOL,
        'api-key': kore.apiKey,
        'poll-interval': '1',
        'upload-artifact': 'false',
        commit: 'true',
        'github-token': github.token,
        'env-variables': 'encrypt',
        'secrets-key': key,
        ...extra
      },
      { env: github.env }
    )

  it('commits the values encrypted, nothing while they are the same, and names a rotated one', async () => {
    token = 'secret-token'
    kore = await startKoreServer({ jobPolls: 0, zipFor: () => exportWith(token) })
    github = await startGithubApi()
    const first = await backUp()
    expect(first.stderr).toBe('')
    expect(first.exitCode).toBe(0)
    const stored = github.files('main', FOLDER)
    expect(Object.keys(stored).sort()).toEqual([
      '.kore-tool-export.json',
      'app_definition.json',
      'env_variables.json',
      SECRETS,
      'flow_definition.json'
    ])
    expect(stored[SECRETS]).toMatch(/^-----BEGIN AGE ENCRYPTED FILE-----\n/)
    expect(await decrypted(stored[SECRETS])).toEqual({
      format: 'kore-tool-export/secure-values@1',
      values: { PORT: ['8443'], TOKEN: ['"secret-token"'] }
    })
    expect(JSON.parse(stored['.kore-tool-export.json'] ?? '{}').secretsRecipient).toBe(recipient)
    expect(stored['env_variables.json']).toContain('"value": "<redacted>"')
    const everything = () => [...github.blobs.values()].map(b => b.toString('utf8')).join('\n')
    expect(everything()).not.toContain('secret-token')
    expect(first.stdout.split(key)).toHaveLength(2) // the mask command only

    const second = await backUp()
    expect(second.exitCode).toBe(0)
    expect(second.outputs.changed).toBe('false')
    expect(github.history('main')).toHaveLength(2) // the first commit on top of the initial one

    token = 'rotated-token'
    const third = await backUp()
    expect(third.exitCode).toBe(0)
    expect(third.outputs.changed).toBe('true')
    expect(third.outputs.report).toContain('TOKEN')
    expect(third.outputs.report).toContain('secure value changed (encrypted: not shown)')
    expect(third.outputs.report).not.toContain('PORT')
    const after = github.files('main', FOLDER)
    expect(after['env_variables.json']).toBe(stored['env_variables.json'])
    expect(await decrypted(after[SECRETS])).toMatchObject({
      values: { TOKEN: ['"rotated-token"'] }
    })
    expect(everything()).not.toContain('rotated-token')
    expect(github.history('main')[0]?.message).toContain('secure value changed')
  })

  it('refuses a key of another recipient, naming both and not the key', async () => {
    kore = await startKoreServer({ jobPolls: 0, zipFor: () => exportWith('secret-token') })
    github = await startGithubApi()
    expect((await backUp()).exitCode).toBe(0)
    const head = github.head('main')
    const other = await age.generateIdentity()
    const run = await backUp({ 'secrets-key': other })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain(`is encrypted to ${recipient}`)
    expect(run.stdout).toContain(`recipient is ${await age.identityToRecipient(other)}`)
    expect(run.stdout.split(other)).toHaveLength(2)
    expect(github.head('main')).toBe(head)
  })

  it('refuses a folder whose file is for another key though the manifest does not say so', async () => {
    kore = await startKoreServer({ jobPolls: 0, zipFor: () => exportWith('secret-token') })
    github = await startGithubApi()
    expect((await backUp()).exitCode).toBe(0)
    const manifest = JSON.parse(github.files('main', FOLDER)['.kore-tool-export.json'] ?? '{}')
    delete manifest.secretsRecipient
    const encrypter = new age.Encrypter()
    encrypter.addRecipient(await age.identityToRecipient(await age.generateIdentity()))
    const foreign = age.armor.encode(await encrypter.encrypt('{}'))
    await commitByHand(github, {
      [`${FOLDER}/.kore-tool-export.json`]: JSON.stringify(manifest),
      [`${FOLDER}/${SECRETS}`]: foreign
    })
    const head = github.head('main')
    const run = await backUp()
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain(`${SECRETS} is encrypted to another recipient`)
    expect(github.head('main')).toBe(head)
  })

  it('refuses, in encrypt mode, a nameless secure variable and a second variables file', async () => {
    const zips = [
      [{ name: 'env_variables.json', data: '[{"value":"nameless","isSecured":true}]' }],
      [
        { name: 'env_variables.json', data: '[{"key":"T","value":"one","isSecured":true}]' },
        { name: 'old/env_variables.json', data: '[{"key":"T","value":"two","isSecured":true}]' }
      ]
    ]
    let next = 0
    kore = await startKoreServer({
      jobPolls: 0,
      zipFor: () =>
        buildZip([
          { name: 'flow_definition.json', data: '{"nodes":[]}' },
          { name: 'app_definition.json', data: '{"name":"x"}' },
          ...(zips[next++] ?? [])
        ])
    })
    github = await startGithubApi()
    const nameless = await backUp()
    expect(nameless.exitCode).toBe(1)
    expect(nameless.stdout).toContain('a secure variable has no name')
    const twice = await backUp()
    expect(twice.exitCode).toBe(1)
    expect(twice.stdout).toContain('the export has two')
    expect(github.writes()).toHaveLength(0)
  })

  it('refuses encrypt without secrets-key, and a key that is not one, before any request', async () => {
    kore = await startKoreServer({ jobPolls: 0 })
    github = await startGithubApi()
    const without = await backUp({ 'secrets-key': '' })
    expect(without.exitCode).toBe(1)
    expect(without.stdout).toContain('::error::env-variables: encrypt needs secrets-key')
    const wrong = await backUp({ 'secrets-key': 'AGE-SECRET-KEY-1NOTAKEY' })
    expect(wrong.exitCode).toBe(1)
    expect(wrong.stdout).toContain('::error::secrets-key: is not an age identity')
    expect(kore.requests).toHaveLength(0)
  })

  describe('the restore', () => {
    /** A committed backup as a checkout has it, after one encrypted export. */
    const checkout = async (): Promise<string> => {
      kore = await startKoreServer({ jobPolls: 0, zipFor: () => exportWith('secret-token') })
      github = await startGithubApi()
      expect((await backUp()).exitCode).toBe(0)
      const workspace = tempDir('kore-workspace-')
      fs.mkdirSync(path.join(workspace, 'b'))
      for (const [name, text] of Object.entries(github.files('main', FOLDER))) {
        fs.writeFileSync(path.join(workspace, 'b', name), text)
      }
      await kore.close()
      return workspace
    }
    const restore = (workspace: string, inputs: Record<string, string>) =>
      runAction(
        {
          host: kore.url,
          'api-key': kore.apiKey,
          'poll-interval': '1',
          source: 'b',
          'tool-id': TOOL,
          'backup-before': 'false',
          ...inputs
        },
        { entry: RESTORE_ENTRY, env: { GITHUB_WORKSPACE: workspace } }
      )

    it('fills every redacted value from the encrypted file with only secrets-key', async () => {
      const workspace = await checkout()
      kore = await startKoreServer({ knownTools: [TOOL], jobPolls: 0, stateful: true })
      const run = await restore(workspace, { 'secrets-key': key })
      expect(run.stderr).toBe('')
      expect(run.exitCode).toBe(0)
      const held = kore.held.get(TOOL)
      expect(JSON.parse(held?.env?.toString('utf8') ?? '[]')).toEqual([
        { key: 'BASE_URL', value: 'https://example.com', isSecured: false },
        { key: 'TOKEN', value: 'secret-token', isSecured: true },
        { key: 'PORT', value: 8443, isSecured: true }
      ])
      expect(run.summary).toContain('Variables set from secrets-key')
      expect(run.stdout).not.toContain('secret-token')
    })

    it('lets env-values win, and says the key is needed when it is not given', async () => {
      const workspace = await checkout()
      kore = await startKoreServer({ knownTools: [TOOL], jobPolls: 0, stateful: true })
      const without = await restore(workspace, {})
      expect(without.exitCode).toBe(1)
      expect(without.stdout).toContain('or give secrets-key')
      const both = await restore(workspace, { 'secrets-key': key, 'env-values': 'TOKEN=given' })
      expect(both.exitCode).toBe(0)
      const held = JSON.parse(kore.held.get(TOOL)?.env?.toString('utf8') ?? '[]')
      expect(held[1]).toEqual({ key: 'TOKEN', value: 'given', isSecured: true })
      expect(held[2]).toEqual({ key: 'PORT', value: 8443, isSecured: true })
    })

    it.each([
      ['a wrong key', async () => ({ key: await age.generateIdentity() }), 'another recipient'],
      ['a truncated file', async () => ({ cut: true }), 'cannot be decrypted'],
      ['a file in clear', async () => ({ clear: true }), 'cannot be decrypted'],
      ['a key that is not one', async () => ({ key: 'AGE-SECRET-KEY-1XYZ' }), 'not an age identity']
    ])('refuses %s before any request', async (_what, make, said) => {
      const workspace = await checkout()
      const made = (await make()) as { key?: string; cut?: boolean; clear?: boolean }
      const { key: given = key, cut = false, clear = false } = made
      if (clear) {
        // age -d's output left in place of the file: refused without quoting it.
        const text =
          '{"format":"kore-tool-export/secure-values@1","values":{"TOKEN":["\\"plain-leak\\""]}}\n'
        fs.writeFileSync(path.join(workspace, 'b', SECRETS), text)
      }
      if (cut) {
        const file = path.join(workspace, 'b', SECRETS)
        const text = fs.readFileSync(file, 'utf8')
        fs.writeFileSync(
          file,
          text.slice(0, text.length - 80) + '\n-----END AGE ENCRYPTED FILE-----\n'
        )
      }
      kore = await startKoreServer({ knownTools: [TOOL], jobPolls: 0 })
      const run = await restore(workspace, { 'secrets-key': given })
      expect(run.exitCode).toBe(1)
      expect(run.stdout).toContain(said)
      expect(run.stdout + run.summary).not.toContain('plain-leak')
      expect(kore.requests).toHaveLength(0)
    })
  })
})
