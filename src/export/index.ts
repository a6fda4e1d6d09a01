import { runStep } from '../step.js'
import { run } from './main.js'

await runStep(run)
