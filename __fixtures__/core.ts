// A typed mock of @actions/core in the style of actions/typescript-action: the calls a test
// observes are jest.fn()s; everything else (getInput, summary…) is the real module, so inputs
// are read from INPUT_* exactly as the runner passes them.
import { jest } from '@jest/globals'
import * as actual from '@actions/core'

export const setOutput = jest.fn<typeof actual.setOutput>()
export const setFailed = jest.fn<typeof actual.setFailed>()
export const setSecret = jest.fn<typeof actual.setSecret>()
export const info = jest.fn<typeof actual.info>()
export const warning = jest.fn<typeof actual.warning>()
export const debug = jest.fn<typeof actual.debug>()
export const error = jest.fn<typeof actual.error>()

export const core = { ...actual, setOutput, setFailed, setSecret, info, warning, debug, error }

/** The outputs set so far, by name (the last value wins, as on the runner). */
export function outputs(): Record<string, string> {
  return Object.fromEntries(setOutput.mock.calls.map(([name, value]) => [name, String(value)]))
}
