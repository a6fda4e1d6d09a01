// `npm run demo`: the bundled action, end to end, against the project's own fake Kore.ai
// server on 127.0.0.1. No credentials, no network.
import { startKoreServer } from '../__tests__/fakes/kore-server.js'
import { runAction } from './run-action.js'

const kore = await startKoreServer({ apiKey: 'demo-api-key', jobPolls: 2 })
console.log(`Fake Kore.ai listening on ${kore.url}\n`)
try {
  const run = await runAction({
    host: kore.url,
    'tool-id': 'a-demo0001-tool',
    'api-key': 'demo-api-key',
    'poll-interval': '1',
    'upload-artifact': 'false'
  })
  // The runner consumes ::add-mask:: lines and hides ::debug:: ones (unless step debugging is
  // on); so does the demo.
  process.stdout.write(run.stdout.replace(/^::(debug|add-mask)::.*\n/gm, ''))
  process.stderr.write(run.stderr)
  console.log('\nOutputs:')
  for (const [name, value] of Object.entries(run.outputs)) console.log(`  ${name} = ${value}`)
  console.log(`\nThe exported zip is at ${run.outputs.file || '(none)'}`)
  console.log(`Exit code ${run.exitCode} after ${(run.wallMs / 1000).toFixed(1)} s`)
  process.exitCode = run.exitCode ?? 1
} finally {
  await kore.close()
}
