import { failureReason, UnexpectedResponseError } from './responses.js'
import { printable } from '../text.js'

/**
 * One Kore.ai API call as the client describes it, and what its answers mean: the errors the
 * client throws and the messages that name the input or the scope to check.
 */

/** Kore.ai answered with an error that another try will not fix. */
export class KoreApiError extends Error {
  constructor(
    message: string,
    readonly status: number
  ) {
    super(message)
    this.name = 'KoreApiError'
  }
}

export interface RequestBody {
  contentType: string
  data: string | Buffer
}

export interface CallSpec {
  method: 'GET' | 'POST'
  /** Under host, query included. */
  path: string
  /** How the call is named in messages, e.g. `Export of tool a-1`. */
  what: string
  /** The API scope the key needs, named when Kore.ai answers 401/403. */
  scope: string
  notFoundHint: string
  body?: RequestBody
  /** Whether sending it twice does no harm. */
  repeatable: boolean
  deadline?: number
}

/** Kore.ai may have acted on a request that failed, so it was not sent again. */
export class AmbiguousRequestError extends Error {
  constructor(what: string, problem: string) {
    super(
      `${what} failed in a way that does not tell whether Kore.ai acted on it (${problem}), so it was not sent again: check in Kore.ai whether it happened before running this step again`
    )
    this.name = 'AmbiguousRequestError'
  }
}

export function json(value: unknown): RequestBody {
  return { contentType: 'application/json', data: JSON.stringify(value) }
}

/** multipart/form-data as the platform's fetch encodes it: no hand-made boundaries. */
export async function encodeForm(form: FormData): Promise<RequestBody> {
  const encoded = new Response(form)
  const contentType = encoded.headers.get('content-type') ?? 'multipart/form-data'
  return { contentType, data: Buffer.from(await encoded.arrayBuffer()) }
}

export function explainStatus(request: CallSpec, status: number, body: string): string {
  const said = serverMessage(body)
  const because = said ? ` Kore.ai said: ${said}` : ''
  switch (status) {
    case 401:
    case 403:
      return `${request.what} was refused (HTTP ${status}): check api-key, and that its API app has the ${request.scope} scope.${because}`
    case 404:
      return `${request.what} was not found (HTTP 404): ${request.notFoundHint}.${because}`
    default:
      return `${request.what} failed (HTTP ${status}).${because}`
  }
}

function serverMessage(body: string): string {
  try {
    const reason = failureReason(JSON.parse(body))
    if (reason) return reason
  } catch {
    // not JSON: quote the text itself
  }
  return printable(body.replace(/\s+/g, ' ').trim())
}

export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw new UnexpectedResponseError(`${what}: the answer is not JSON: ${serverMessage(text)}`)
  }
}
