import { runRestore } from './main.js'

await runRestore()
