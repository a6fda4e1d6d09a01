import { describe, expect, it } from '@jest/globals'
import { commitBody, reportMarkdown } from '../src/backup/report/compose.js'
import { reportTool } from '../src/backup/report/render.js'

const flow = (nodes: object[], extra = '') =>
  Buffer.from(
    `{"nodes":${JSON.stringify(nodes)}${extra},"hyperParameters":{"maxTokens":12345678901234567890}}`
  )
const node = (id: string, type: string, more: object = {}) => ({ id, type, ...more })
const files = (entries: Record<string, Buffer | string>) =>
  new Map(Object.entries(entries).map(([k, v]) => [k, Buffer.isBuffer(v) ? v : Buffer.from(v)]))

const report = (before: Record<string, Buffer | string>, after: Record<string, Buffer | string>) =>
  reportTool('a-1', files(before), files(after))

describe('reportTool', () => {
  const three = [node('start', 'start'), node('ai', 'genai', { prompt: 'Hi' }), node('end', 'end')]

  it('reports a node inserted in the middle as one addition, not every later node changed', () => {
    const inserted = [three[0]!, node('escalate', 'agent'), three[1]!, three[2]!]
    const { plain } = report(
      { 'flow_definition.json': flow(three) },
      { 'flow_definition.json': flow(inserted) }
    )
    expect(plain).toEqual(['node "escalate" (agent) added'])
  })

  it('says when only the order changed', () => {
    const { plain } = report(
      { 'flow_definition.json': flow(three) },
      { 'flow_definition.json': flow([three[2]!, three[0]!, three[1]!]) }
    )
    expect(plain).toEqual(['flow: nodes: order changed'])
  })

  it('reads a renamed node as one removed and one added', () => {
    const renamed = [three[0]!, node('assistant', 'genai', { prompt: 'Hi' }), three[2]!]
    const { plain } = report(
      { 'flow_definition.json': flow(three) },
      { 'flow_definition.json': flow(renamed) }
    )
    expect(plain).toEqual(['node "assistant" (genai) added', 'node "ai" (genai) removed'])
  })

  it('shows a short value old → new, and a long prompt as a folded word diff', () => {
    const long = 'You are a helpful assistant for the billing team. Answer politely and briefly.'
    const edited = long.replace('politely', 'formally')
    const { markdown, plain } = report(
      { 'flow_definition.json': flow([node('ai', 'genai', { prompt: long, temperature: 0.7 })]) },
      { 'flow_definition.json': flow([node('ai', 'genai', { prompt: edited, temperature: 0.9 })]) }
    )
    expect(plain).toEqual([
      'node "ai" (genai): prompt changed',
      'node "ai" (genai): temperature changed: 0.7 -> 0.9'
    ])
    // A short word diff is shown open.
    expect(markdown[0]).toMatch(/^node "ai" \(genai\): prompt changed <details open>/)
    expect(markdown[0]).toContain('<del>politely</del><ins>formally</ins>')
    expect(markdown[1]).toBe(
      'node "ai" (genai): temperature changed: <code>0.7</code> → <code>0.9</code>'
    )
  })

  it('sees a big number change that JSON.parse cannot tell apart', () => {
    const before = '{"maxTokens":12345678901234567890}'
    const after = '{"maxTokens":12345678901234567891}'
    expect(JSON.parse(before)).toEqual(JSON.parse(after))
    const { plain } = report({ 'app_definition.json': before }, { 'app_definition.json': after })
    expect(plain).toEqual(['app: maxTokens changed: 12345678901234567890 -> 12345678901234567891'])
  })

  it('never shows a secure variable value, old or new, only that it changed', () => {
    const env = (token: string, region?: string) =>
      JSON.stringify([
        { key: 'TOKEN', value: token, isSecured: true },
        ...(region ? [{ key: 'REGION', value: region }] : [])
      ])
    const { markdown, plain } = report(
      { 'env_variables.json': env('old-secret-1') },
      { 'env_variables.json': env('new-secret-2', 'eu') }
    )
    expect(plain).toEqual(['variable "TOKEN": value changed', 'variable "REGION" added'])
    expect(markdown.join('\n')).not.toMatch(/secret-/)
    expect(plain.join('\n')).not.toMatch(/secret-/)
  })

  it.each([
    [
      'a map of variables',
      '{"TOKEN":{"value":"old-secret-1","isSecured":false}}',
      '{"TOKEN":{"value":"new-secret-2","isSecured":true}}'
    ],
    [
      'a list named by variableName',
      '[{"variableName":"TOKEN","value":"old-secret-1"}]',
      '[{"variableName":"TOKEN","value":"new-secret-2","isSecured":true}]'
    ],
    [
      'a list named by varName whose shape changed',
      '[{"varName":"T","value":"old-secret-1","secure":1}]',
      '{"T":{"value":"new-secret-2","secure":1}}'
    ],
    [
      'a secure variable inside a group',
      '[{"name":"g","value":"x","items":[{"key":"P","value":"old-secret-1","isSecured":true}]}]',
      '[{"name":"g","value":"x","items":[{"key":"P","value":"new-secret-2","isSecured":true}]}]'
    ],
    [
      'a secure value that holds named items',
      '[{"key":"CREDS","isSecured":true,"value":[{"name":"alice-secret-1"}]}]',
      '[{"key":"CREDS","isSecured":true,"value":[{"name":"bob-secret-2"},{"user-secret-3":1}]}]'
    ],
    [
      'a file whose flags cannot be read',
      '[{"key":"T","value":"old-secret-1","isSecured":"maybe"}]',
      '[{"key":"T","value":"new-secret-2","isSecured":"maybe"}]'
    ]
  ])('hides a secure value on either side in %s', (_what, before, after) => {
    const { markdown, plain } = report(
      { 'env_variables.json': before },
      { 'env_variables.json': after }
    )
    expect(markdown.length).toBeGreaterThan(0)
    expect([...markdown, ...plain].join('\n')).not.toMatch(/secret-/)
  })

  it('counts the words of a string too long or too changed to diff word by word', () => {
    const words = Array.from({ length: 40_000 }, (_, i) => `w${i % 997}`)
    const prompt = (list: string[]) => flow([node('ai', 'genai', { prompt: list.join(' ') })])
    const { markdown } = report(
      { 'flow_definition.json': prompt(words) },
      { 'flow_definition.json': prompt([...words].reverse()) }
    )
    expect(markdown).toEqual(['node "ai" (genai): prompt changed (40000 → 40000 words)'])
    const few = words.slice(0, 3000)
    const shuffled = [...few].reverse()
    const { markdown: edits } = report(
      { 'flow_definition.json': prompt(few) },
      { 'flow_definition.json': prompt(shuffled) }
    )
    expect(edits).toEqual(['node "ai" (genai): prompt changed (3000 → 3000 words)'])
  })

  it('stops diffing word by word once the run-wide budget is spent', () => {
    const budget = { charsLeft: 200 }
    const before = files({
      'flow_definition.json': flow([
        node('ai', 'genai', { prompt: `a long first prompt ${'here '.repeat(12)}` })
      ])
    })
    const after = files({
      'flow_definition.json': flow([
        node('ai', 'genai', { prompt: `a long second prompt ${'here '.repeat(12)}` })
      ])
    })
    expect(reportTool('a-1', before, after, { budget }).markdown[0]).toContain('word diff')
    expect(reportTool('a-1', before, after, { budget }).markdown[0]).toContain(
      'changed (16 → 16 words)'
    )
  })

  it('says a file that is not JSON changed, without detail', () => {
    const { plain } = report({ 'notes.txt': 'a' }, { 'notes.txt': 'b' })
    expect(plain).toEqual(['notes.txt changed'])
  })

  it('gives a first backup an inventory instead of everything added', () => {
    const { plain } = reportTool(
      'a-1',
      undefined,
      files({
        'flow_definition.json': flow([...three, node('ai2', 'genai', { model: 'gpt-4o' })]),
        'env_variables.json': '[{"key":"A","value":"1"},{"key":"T","value":"x","isSecured":true}]'
      })
    )
    expect(plain).toEqual([
      'first backup: 4 nodes (1 start, 2 genai, 1 end); models: gpt-4o; 2 variables (1 secure)'
    ])
  })

  it('disarms Markdown and HTML written by a tool author', () => {
    const { markdown } = report(
      { 'flow_definition.json': flow([node('a', 't')]) },
      { 'flow_definition.json': flow([node('a', 't'), node('[x](https://evil)<img>', 't')]) }
    )
    expect(markdown[0]).not.toMatch(/\[x\]|<img/)
  })
})

describe('reportMarkdown and commitBody', () => {
  const long = {
    toolId: 'a-1',
    markdown: Array.from({ length: 5000 }, (_, i) => `node "n${i}" added`),
    plain: Array.from({ length: 5000 }, (_, i) => `node "n${i}" added`)
  }

  it('cuts a report past the limit at a line, with a note, instead of failing', () => {
    const markdown = reportMarkdown([long], 10_000)
    expect(markdown.length).toBeLessThanOrEqual(10_000)
    expect(markdown).toMatch(/- node "n\d+" added\n\n_The report was cut here/)
  })

  it('lets GitHub act on none of the author text in a commit message or pull request', () => {
    const tool = reportTool(
      'a-1',
      files({ 'flow_definition.json': flow([node('ai', 'genai', { prompt: 'x' })]) }),
      files({
        'flow_definition.json': flow([
          node('ai', 'genai', { prompt: 'fixes #12 [skip ci] @acme/oncall' }),
          node('https://github.com/acme/x/issues/7', 'genai'),
          node('Closes GH-3 [ci skip] skip-checks: true', 'genai')
        ])
      })
    )
    const texts = [commitBody([tool]), reportMarkdown([tool], 10_000)]
    for (const text of texts) {
      expect(text).toContain('\u200d')
      expect(text).not.toMatch(/@acme|#12|GH-3|\[skip ci\]|\[ci skip\]|skip-checks:|github\.com/i)
      expect(text).not.toMatch(/\b(fixes|closes)\b/i)
    }
  })

  it('puts only the first lines in the commit message body', () => {
    const body = commitBody([long]).split('\n')
    expect(body).toHaveLength(21)
    expect(body[20]).toBe('- … and 4980 more (see the job summary)')
  })
})

// Each case here was a mutant that survived StrykerJS over src/backup/report (see README).
describe('reportTool, line by line', () => {
  const app = (before: string, after: string) =>
    report({ 'app_definition.json': before }, { 'app_definition.json': after })

  it('says a property was added or removed, with its short value in Markdown', () => {
    const added = app('{"name":"x"}', '{"name":"x","description":"d"}')
    expect(added.plain).toEqual(['app: description added'])
    expect(added.markdown).toEqual(['app: description added: <code>"d"</code>'])
    expect(app('{"name":"x","description":"d"}', '{"name":"x"}').plain).toEqual([
      'app: description removed'
    ])
  })

  it('says a value changed when it changed type', () => {
    expect(app('{"timeout":30}', '{"timeout":{"ms":30}}').plain).toEqual([
      'app: timeout changed: 30 -> {"ms":30}'
    ])
  })

  it('matches items without ids by position, the longer list counting', () => {
    expect(app('{"tags":[{"a":1}]}', '{"tags":[{"a":1},{"a":2}]}').plain).toEqual([
      'app: tags[1] added'
    ])
    expect(app('{"tags":[{"a":1},{"a":2}]}', '{"tags":[{"a":1}]}').plain).toEqual([
      'app: tags[1] removed'
    ])
  })

  it('does not match by an id that two items share', () => {
    const twice = (a: number) => `{"tags":[{"id":"t","a":1},{"id":"t","a":${a}}]}`
    expect(app(twice(2), twice(3)).plain).toEqual(['app: tags[1].a changed: 2 -> 3'])
  })

  it('names an item by the singular of its list: policies, guardrails, but status', () => {
    const lists = (extra: string) =>
      `{"policies":[{"id":"p1"}${extra && ',{"id":"p2"}'}],"guardrails":[{"id":"g1"}${extra && ',{"id":"g2"}'}],"status":[{"id":"s"}${extra && ',{"id":"s2"}'}]}`
    expect(app(lists(''), lists('more')).plain).toEqual([
      'policy "p2" added',
      'guardrail "g2" added',
      'status "s2" added'
    ])
  })

  it('says a whole file was added or removed', () => {
    const base = { 'app_definition.json': '{}' }
    expect(report(base, { ...base, 'extra.json': '{}' }).plain).toEqual(['file extra.json added'])
    expect(report({ ...base, 'extra.json': '{}' }, base).markdown).toEqual([
      'file <code>extra.json</code> removed'
    ])
  })

  it("shows a plain variable's value old → new, next to a secure one that stays hidden", () => {
    const variables = (region: string, token: string) =>
      `[{"key":"REGION","value":"${region}","isSecured":false},{"key":"T","value":"${token}","isSecured":true}]`
    const { markdown } = report(
      { 'env_variables.json': variables('eu', 'secret-one') },
      { 'env_variables.json': variables('us', 'secret-two') }
    )
    expect(markdown).toEqual([
      'variable "REGION": value changed: <code>"eu"</code> → <code>"us"</code>',
      'variable "T": value changed (secure: not shown)'
    ])
  })

  it('hides both values of a variable made secure or made plain: one secret side is enough', () => {
    const region = (value: string, secure: boolean) =>
      `[{"key":"REGION","value":"${value}","isSecured":${secure}}]`
    for (const [before, after] of [
      [region('old-value-1', false), region('new-value-2', true)],
      [region('old-value-1', true), region('new-value-2', false)]
    ] as const) {
      const { markdown, plain } = report(
        { 'env_variables.json': before },
        { 'env_variables.json': after }
      )
      expect(markdown).toEqual(['variable "REGION": value changed (secure: not shown)'])
      expect(JSON.stringify(plain)).not.toMatch(/old-value|new-value/)
    }
  })

  it('says nothing of a secure variable exported again unchanged', () => {
    const same = '[{"key":"T","value":"secret-same","isSecured":true},{"key":"N","value":"1"}]'
    const next = '[{"key":"T","value":"secret-same","isSecured":true},{"key":"N","value":"2"}]'
    expect(report({ 'env_variables.json': same }, { 'env_variables.json': next }).plain).toEqual([
      'variable "N": value changed: "1" -> "2"'
    ])
  })

  it("escapes every Markdown and HTML mark in an author's value as a character reference", () => {
    const { markdown } = app('{"name":"a"}', '{"name":"<b>*x*_y_`z`[l]|t~</b>"}')
    expect(markdown).toEqual([
      'app: name changed: <code>"a"</code> → <code>"&#60;b&#62;&#42;x&#42;&#95;y&#95;&#96;z&#96;&#91;l&#93;&#124;t&#126;&#60;/b&#62;"</code>'
    ])
  })
})

describe('commitBody, several tools', () => {
  const change = (toolId: string, keys: number) =>
    reportTool(
      toolId,
      files({ 'app_definition.json': JSON.stringify(numbered(keys, 1)) }),
      files({ 'app_definition.json': JSON.stringify(numbered(keys, 2)) })
    )
  const numbered = (keys: number, value: number) =>
    Object.fromEntries(Array.from({ length: keys }, (_, i) => [`k${i}`, value]))

  it("puts each line under its tool's id when there are several", () => {
    expect(commitBody([change('a-1', 1), change('a-2', 1)])).toBe(
      '- a-1: app: k0 changed: 1 -> 2\n- a-2: app: k0 changed: 1 -> 2'
    )
    expect(commitBody([change('a-1', 1)])).toBe('- app: k0 changed: 1 -> 2')
  })

  it('says how many lines the commit message leaves to the summary', () => {
    const lines = commitBody([change('a-1', 25)]).split('\n')
    expect(lines).toHaveLength(21)
    expect(lines[20]).toBe('- … and 5 more (see the job summary)')
  })
})

describe('the inventory of a first backup', () => {
  const first = (entries: Record<string, string>) => reportTool('a-1', undefined, files(entries))
  const flowOf = (nodes: object[], extra = '') => `{"nodes":${JSON.stringify(nodes)}${extra}}`

  it('counts nodes by type, lists models once and counts variables, in the singular for one', () => {
    const { plain } = first({
      'flow_definition.json': flowOf(
        [node('start', 'start'), node('ai', 'genai', { model: 'gpt-4o' }), { id: 'x' }],
        ',"settings":{"modelName":"claude","ModelId":"gpt-4o","mymodel":"not-a-model"}'
      ),
      'env_variables.json': '[{"key":"T","value":"s","isSecured":true}]'
    })
    expect(plain).toEqual([
      'first backup: 3 nodes (1 start, 1 genai, 1 untyped); models: gpt-4o, claude; 1 variable (1 secure)'
    ])
  })

  it('leaves out what a backup does not have', () => {
    expect(first({ 'flow_definition.json': flowOf([node('s', 'start')]) }).plain).toEqual([
      'first backup: 1 node (1 start)'
    ])
    expect(
      first({ 'app_definition.json': '{"nodes":"not a list"}', 'env_variables.json': '[]' }).plain
    ).toEqual(['first backup: 0 variables'])
    expect(first({ 'notes.txt': 'not JSON' }).plain).toEqual(['first backup: files added'])
  })
})

describe('reportMarkdown', () => {
  const changed = (toolId: string, a: string, b: string) =>
    reportTool(toolId, files({ 'app_definition.json': a }), files({ 'app_definition.json': b }))

  it('leaves out a tool with nothing to say, and keeps a text exactly at the limit whole', () => {
    const quiet = changed('a-quiet', '{"n":1}', '{"n": 1}')
    const loud = changed('a-loud', '{"n":1}', '{"n":2}')
    const text = reportMarkdown([quiet, loud], 100_000)
    expect(text).toBe(
      '#### What changed in <code>a-loud</code>\n\n- app: n changed: <code>1</code> → <code>2</code>\n'
    )
    expect(reportMarkdown([loud, loud], 100_000)).toBe(`${text}\n${text}`)
    expect(reportMarkdown([loud], text.length)).toBe(text)
    expect(reportMarkdown([loud], text.length - 1)).toContain('The report was cut here')
  })
})

describe('the Markdown lines of a report', () => {
  const app = (before: string, after: string) =>
    report({ 'app_definition.json': before }, { 'app_definition.json': after }).markdown
  const variables = (before: string, after: string) =>
    report({ 'env_variables.json': before }, { 'env_variables.json': after }).markdown
  const secure = (value: string) => `[{"key":"T","value":"${value}","isSecured":true}]`

  it('says an order change, and a removed value as it was', () => {
    expect(
      report(
        { 'flow_definition.json': '{"nodes":[{"id":"a"},{"id":"b"}]}' },
        { 'flow_definition.json': '{"nodes":[{"id":"b"},{"id":"a"}]}' }
      ).markdown
    ).toEqual(['flow: nodes: order changed'])
    expect(app('{"d":"x"}', '{}')).toEqual(['app: d removed: <code>"x"</code>'])
  })

  it('adds or removes a secure variable without its value', () => {
    expect(variables('[]', secure('value-added-1'))).toEqual(['variable "T" added'])
    expect(variables(secure('value-removed-1'), '[]')).toEqual(['variable "T" removed'])
  })

  it('folds a long value into a word diff on either side', () => {
    const long = 'word '.repeat(40).trim()
    for (const [before, after] of [
      [long, 'short'],
      ['short', long]
    ]) {
      const [line] = app(`{"d":"${before}"}`, `{"d":"${after}"}`)
      expect(line).toMatch(/^app: d changed <details open><summary>word diff<\/summary>/)
      expect(line).not.toContain('<code>')
    }
  })

  it('says a file became or stopped being JSON without detail', () => {
    const line = '<code>app&#95;definition.json</code> changed (not JSON: see the diff)'
    expect(app('{"d":1}', 'not json')).toEqual([line])
    expect(app('not json', '{"d":1}')).toEqual([line])
  })
})

describe('names in the change report', () => {
  it('names a node by its display name, with its id and type after it', () => {
    const before = '{"nodes":[{"id":"ai","name":"Answer","type":"aiNode","timeout":30}]}'
    const after = '{"nodes":[{"id":"ai","name":"Answer","type":"aiNode","timeout":45}]}'
    const report = reportTool(
      'a-1',
      new Map([['flow_definition.json', Buffer.from(before)]]),
      new Map([['flow_definition.json', Buffer.from(after)]])
    )
    expect(report.plain.join('\n')).toContain('node "Answer" (ai, aiNode): timeout changed')
  })

  it('keeps a long word diff folded', () => {
    // Every third word changed: no unchanged run to elide.
    const words = (tag: string) =>
      Array.from({ length: 300 }, (_, i) => (i % 3 ? `w${i}` : `${tag}${i}`)).join(' ')
    const report = reportTool(
      'a-1',
      new Map([['app_definition.json', Buffer.from(`{"d":"${words('old')}"}`)]]),
      new Map([['app_definition.json', Buffer.from(`{"d":"${words('new')}"}`)]])
    )
    expect(report.markdown[0]).toContain('<details><summary>word diff')
  })
})
