// `npm run demo`: the bundled actions, end to end, against the project's own fake Kore.ai
// server on 127.0.0.1: an export, then a restore of that export as a new tool, deployed. No
// credentials, no network.
import { startKoreServer } from '../__tests__/fakes/kore-server.js'
import { RESTORE_ENTRY, runAction } from './run-action.js'

const kore = await startKoreServer({ apiKey: 'demo-api-key', jobPolls: 2 })
console.log(`Fake Kore.ai listening on ${kore.url}\n`)
try {
  const exported = await runAction({
    host: kore.url,
    'tool-id': 'a-demo0001-tool',
    'api-key': 'demo-api-key',
    'poll-interval': '1',
    'upload-artifact': 'false'
  })
  show('Export (action.yml)', exported)
  console.log(`\nThe exported zip is at ${exported.outputs.file || '(none)'}`)
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
    show('Restore (restore/action.yml)', restored)
    process.exitCode = restored.exitCode ?? 1
  }
} finally {
  await kore.close()
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
  console.log(`Exit code ${run.exitCode} after ${(run.wallMs / 1000).toFixed(1)} s`)
}
