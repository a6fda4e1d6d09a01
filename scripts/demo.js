// `npm run demo`: the bundled actions, end to end, against the project's own fake Kore.ai
// server on 127.0.0.1: an export, then a restore of that export as a new tool, deployed. No
// credentials, no network.
import { startKoreServer } from '../__tests__/fakes/kore-server.js'
import * as fs from 'node:fs'
import { RESTORE_ENTRY, runAction } from './run-action.js'

const kore = await startKoreServer({ apiKey: 'demo-api-key', jobPolls: 2 })
/** The runs' RUNNER_TEMP folders, removed at the end: a demo leaves nothing behind. */
const temps = []
console.log(`Fake Kore.ai listening on ${kore.url}\n`)
try {
  const exported = await runAction({
    host: kore.url,
    'tool-id': 'a-demo0001-tool',
    'api-key': 'demo-api-key',
    'poll-interval': '1',
    'upload-artifact': 'false'
  })
  temps.push(exported.runnerTemp)
  show('Export (action.yml)', exported)
  process.exitCode = exported.exitCode ?? 1
  if (exported.exitCode === 0) {
    const restored = await runAction(
      {
        host: kore.url,
        'api-key': 'demo-api-key',
        source: exported.outputs.file ?? '',
        'tool-name': 'Demo tool (restored)',
        deploy: 'true',
        'poll-interval': '1'
      },
      { entry: RESTORE_ENTRY }
    )
    temps.push(restored.runnerTemp)
    show('Restore (restore/action.yml)', restored)
    process.exitCode = restored.exitCode ?? 1
  }
} finally {
  await kore.close()
  for (const folder of temps) fs.rmSync(folder, { recursive: true, force: true })
}

/**
 * Prints a run as the runner shows it: ::add-mask:: lines consumed, ::debug:: ones hidden.
 * @param {string} title
 * @param {import('./run-action.js').ActionRun} run
 */
function show(title, run) {
  console.log(`\n=== ${title}\n`)
  process.stdout.write(run.stdout.replace(/^::(debug|add-mask)::.*\n/gm, ''))
  process.stderr.write(run.stderr)
  console.log('\nOutputs:')
  for (const [name, value] of Object.entries(run.outputs)) console.log(`  ${name} = ${value}`)
  console.log('\nJob summary (as plain text; the runner renders it as HTML):')
  console.log(indent(plainText(run.summary)))
  console.log(`Exit code ${run.exitCode} after ${(run.wallMs / 1000).toFixed(1)} s`)
}

/** The summary's HTML as readable lines: table rows one per line, tags dropped. @param {string} html */
function plainText(html) {
  return html
    .replace(/<\/(tr|h\d|p)>/g, '\n')
    .replace(/<\/t[dh]>/g, '  ')
    .replace(/<br>/g, '; ')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\n{2,}/g, '\n')
    .trim()
}

/** @param {string} text */
function indent(text) {
  return text
    .split('\n')
    .map(line => `  ${line.trimEnd()}`)
    .join('\n')
}
