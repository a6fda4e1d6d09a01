import { runThenExit } from '../exit.js'
import { run } from './main.js'

await runThenExit(run)
