// Starts the fake Kore.ai server on 127.0.0.1 until interrupted, for trying the action by
// hand (`npm run fake-kore`, then `npm run local-action`) or from a workflow (`uses: ./`).
// Prints its URL on the first line. The port is 48080 unless FAKE_KORE_PORT says otherwise
// (0: any free port).
//   node scripts/fake-kore.js [api-key]
import { startKoreServer } from '../__tests__/fakes/kore-server.js'

const port = Number(process.env.FAKE_KORE_PORT ?? 48080)
const kore = await startKoreServer({
  apiKey: process.argv[2] ?? 'fake-api-key',
  jobPolls: 2,
  port
}).catch(error => {
  if (error?.code !== 'EADDRINUSE') throw error
  console.error(
    `Port ${port} is in use (another fake server?). Stop it, or pick another port: FAKE_KORE_PORT=48081 npm run fake-kore (0: any free port), and set INPUT_HOST to match.`
  )
  process.exit(1)
})
console.log(`Fake Kore.ai listening on ${kore.url} (api key: ${kore.apiKey})`)
const stop = () => kore.close().then(() => process.exit(0))
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
