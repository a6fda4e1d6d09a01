import * as core from '@actions/core'
import { Input, inputError } from './input-names.js'
import { hideSecret } from './text.js'

/** Reads api-key, masking it before anything else can print it. Shared by both actions. */
export function readApiKey(): string {
  const apiKey = core.getInput(Input.ApiKey)
  if (apiKey) hideSecret(apiKey)
  if (!apiKey) {
    throw inputError(
      Input.ApiKey,
      'is empty: pass it from a secret. A secret reads as empty when it is not set in this repository or environment, and in runs from forks and Dependabot, which get no secrets'
    )
  }
  if (/[\s\p{Cc}]/u.test(apiKey)) {
    throw inputError(Input.ApiKey, 'contains whitespace or control characters')
  }
  return apiKey
}
