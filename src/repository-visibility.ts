import * as fs from 'node:fs'
import { messageOf } from './errors.js'
import { isTransientStatus, readText, send, transientStatusError } from './http.js'
import { withRetries } from './retry.js'
import { printable } from './text.js'

/**
 * Whether the repository is public: an artifact is open to every reader of the repository, so
 * what may go in one depends on it. GitHub's API is asked with the job's token, since it says
 * what holds now; the event payload (which a re-run replays) may only tell that it is public.
 */

export type Visibility = 'public' | 'private' | 'internal'

/** The repository's visibility, or why it could not be told. */
export type VisibilityAnswer = { visibility: Visibility } | { unknown: string }

/** Asking GitHub, retries included, takes at most this long. */
const API_BUDGET_MS = 30_000

export async function repositoryVisibility(token: string): Promise<VisibilityAnswer> {
  const repository = process.env.GITHUB_REPOSITORY ?? ''
  if (!/^[^/\s]+\/[^/\s]+$/.test(repository)) {
    return { unknown: 'GITHUB_REPOSITORY is not set (this is not a GitHub Actions job)' }
  }
  // A re-run replays its first event: "public" there is enough to refuse, "private" is not.
  if (visibilityOf(readEvent()?.repository, repository) === 'public') {
    return { visibility: 'public' }
  }
  if (!token) return { unknown: 'no github-token was given to ask GitHub' }
  try {
    const deadline = Date.now() + API_BUDGET_MS
    const answer = await withRetries(
      'Reading the repository',
      { attempts: 3, baseDelayMs: 1000, maxDelayMs: 5000 },
      () => readRepository(repository, token, Math.max(1000, deadline - Date.now())),
      { deadline }
    )
    const visibility = visibilityOf(answer, repository)
    return visibility
      ? { visibility }
      : { unknown: 'GitHub answered without saying whether the repository is public' }
  } catch (error) {
    return { unknown: `GitHub could not be asked (${messageOf(error)})` }
  }
}

function readEvent(): { repository?: unknown } | undefined {
  const file = process.env.GITHUB_EVENT_PATH
  if (!file) return undefined
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as { repository?: unknown }
  } catch {
    return undefined
  }
}

/** `visibility` when GitHub gives it (internal exists only there), else `private`. */
function visibilityOf(value: unknown, repository: string): Visibility | undefined {
  const repo = (value ?? {}) as { full_name?: unknown; private?: unknown; visibility?: unknown }
  if (typeof repo.full_name !== 'string') return undefined
  if (repo.full_name.toLowerCase() !== repository.toLowerCase()) return undefined
  const { visibility } = repo
  if (visibility === 'public' || visibility === 'private' || visibility === 'internal') {
    // A repository said to be public in one field and private in the other is public.
    return repo.private === false ? 'public' : visibility
  }
  if (typeof repo.private !== 'boolean') return undefined
  return repo.private ? 'private' : 'public'
}

async function readRepository(
  repository: string,
  token: string,
  totalMs: number
): Promise<unknown> {
  const api = (process.env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '')
  const response = await send(
    'GET',
    `${api}/repos/${repository}`,
    {
      authorization: `Bearer ${token}`,
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28'
    },
    { totalMs }
  )
  const status = response.message.statusCode ?? 0
  if (isTransientStatus(status, true)) {
    response.message.resume()
    throw transientStatusError(response)
  }
  const text = await readText(response.message)
  if (status !== 200) throw new Error(`HTTP ${status}: ${printable(text, 200)}`)
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw new Error('the answer is not JSON')
  }
}
