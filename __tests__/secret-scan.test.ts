import { describe, expect, it } from '@jest/globals'
import { listFindings, loadSecretScanner, SecretScanner, Span } from '../src/secret-scan.js'
import { AWS_SECRET, GITHUB_TOKEN, privateKeyPem } from './helpers/secrets.js'

/** The findings in one text. */
const scanned = async (scanner: SecretScanner, name: string, text: string, allowed?: Span[]) =>
  (await scanner.scan([{ name, text, allowed }]))[0]?.findings ?? []

const prompt = (text: string) =>
  JSON.stringify({ nodes: [{ id: 'start' }, { id: 'ai', prompt: text }] }, null, 2)

describe('the secret scan', () => {
  it.each([
    ['a GitHub token', `Use ${GITHUB_TOKEN} to call the API`, 'secretlint-rule-github#'],
    ['an AWS key pair', `AWS_SECRET_ACCESS_KEY=${AWS_SECRET}`, 'secretlint-rule-aws#'],
    ['a PEM private key', privateKeyPem(), 'secretlint-rule-privatekey#'],
    ['a basic-auth URL', 'POST https://admin:hunter2hunter2@api.example.org/x', 'basicauth#']
  ])(
    'finds %s in a prompt, naming the JSON path, line and rule, never the value',
    async (_, text, rule) => {
      const scanner = await loadSecretScanner([])
      const findings = await scanned(scanner, 'flow_definition.json', prompt(text))
      expect(findings).toEqual([
        { where: 'nodes[1].prompt (line 8)', rule: expect.stringContaining(rule) }
      ])
      const told = listFindings([{ name: 'flow_definition.json', findings }])
      expect(told).toMatch(/^flow_definition\.json at nodes\[1\]\.prompt \(line 8\): @secretlint\//)
      for (const part of text.split(/\s+/).filter(p => p.length > 8))
        expect(told).not.toContain(part)
    }
  )

  it('is not switched off by a secretlint-disable comment in the scanned text', async () => {
    const scanner = await loadSecretScanner([])
    const text = `// secretlint-disable\n${prompt(GITHUB_TOKEN)}`
    expect(await scanned(scanner, 'notes.txt', text)).toHaveLength(1)
  })

  it('finds a known secret as written and as JSON escapes it, outside the allowed spans', async () => {
    const secret = 'pa"ss\\word-1234'
    const scanner = await loadSecretScanner([
      { label: 'api-key', value: secret },
      { label: 'short', value: 'abc' }
    ])
    const text = prompt(`the key is ${secret}; abc`)
    expect(await scanned(scanner, 'flow_definition.json', text)).toEqual([
      { where: 'nodes[1].prompt (line 8)', rule: 'known secret: api-key' }
    ])
    expect(await scanned(scanner, 'message', `key: ${secret}`)).toEqual([
      { where: 'line 1', rule: 'known secret: api-key' }
    ])
    const at = text.indexOf('"the key')
    const allowed = [{ start: at, end: text.indexOf('"', at + 20) + 1 }]
    expect(await scanned(scanner, 'flow_definition.json', text, allowed)).toEqual([])
  })

  it('hides a key that is itself the secret, and gives lines for text that is not JSON', async () => {
    const scanner = await loadSecretScanner([])
    const text = JSON.stringify({ vars: { [GITHUB_TOKEN]: true } })
    const [found] = await scanned(scanner, 'app_definition.json', text)
    expect(found?.where).toBe('vars.<key> (line 1)')
    expect(await scanned(scanner, 'code.js', `const a = 1\nconst t = '${GITHUB_TOKEN}'\n`)).toEqual(
      [{ where: 'line 2', rule: expect.stringContaining('github') }]
    )
  })

  it('finds nothing in an ordinary export', async () => {
    const scanner = await loadSecretScanner([{ label: 'api-key', value: 'kore-api-key-1' }])
    const text = prompt('Say "hi" to https://example.com/docs and call getWeather(city)')
    expect(await scanned(scanner, 'flow_definition.json', text)).toEqual([])
  })

  it('scans several texts in one pass, each finding on its own text', async () => {
    const scanner = await loadSecretScanner([{ label: 'api-key', value: 'kore-api-key-1' }])
    const found = await scanner.scan([
      { name: 'a.json', text: '{"a": 1}' },
      { name: 'b.txt', text: `${GITHUB_TOKEN} first\nkore-api-key-1` },
      { name: 'c.json', text: '{}' },
      { name: 'd.txt', text: `ends with ${GITHUB_TOKEN}` }
    ])
    expect(found).toEqual([
      {
        name: 'b.txt',
        index: 1,
        findings: [
          { where: 'line 1', rule: '@secretlint/secretlint-rule-github#GITHUB_TOKEN' },
          { where: 'line 2', rule: 'known secret: api-key' }
        ]
      },
      {
        name: 'd.txt',
        index: 3,
        findings: [{ where: 'line 1', rule: '@secretlint/secretlint-rule-github#GITHUB_TOKEN' }]
      }
    ])
  })

  it('reads rendered Markdown as people will: entities and zero-width joiners do not hide', async () => {
    const scanner = await loadSecretScanner([])
    const escaped = `<code>${GITHUB_TOKEN.replace('_', '&#95;')}</code>\n@\u200dsomeone`
    expect(await scanned(scanner, 'body', escaped)).toEqual([])
    expect(await scanner.scanRendered([{ name: 'body', text: escaped }])).toEqual([
      {
        name: 'body',
        index: 0,
        findings: [{ where: 'line 1', rule: '@secretlint/secretlint-rule-github#GITHUB_TOKEN' }]
      }
    ])
  })
})
