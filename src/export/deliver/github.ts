import * as core from '@actions/core'
import { getOctokit } from '@actions/github'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import { cancellation, throwIfCancelled } from '../../cancel.js'
import { messageOf } from '../../errors.js'
import { printable } from '../../text.js'
import { checkDeadline, StageDeadline, StageDeadlineError } from './deadline.js'
import { BranchNotFoundError, Octokit, Repo } from './git-data.js'

/** The GitHub side of committing: an Octokit that copes with rate limits, and clear errors. */

class CommitError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'CommitError'
  }
}

/** How long one GitHub call may take, its retries included. */
export const GITHUB_REQUEST_TIMEOUT_MS = 120_000

/** Answers that are final: the retry plugin's own default list, given to it explicitly. */
const DO_NOT_RETRY = [400, 401, 403, 404, 410, 422, 451]

/**
 * Octokit with the retry and throttling plugins; GITHUB_API_URL is read now, not at import.
 * Octokit has no time limit of its own, so each call gets one, never past the stage's deadline:
 * a hung connection must not hold the step until the job's timeout.
 */
export function createOctokit(
  token: string,
  timeoutMs = GITHUB_REQUEST_TIMEOUT_MS,
  deadline?: StageDeadline
): Octokit {
  const octokit = getOctokit(
    token,
    {
      baseUrl: process.env.GITHUB_API_URL || 'https://api.github.com',
      log: { debug: core.debug, info: core.debug, warn: core.warning, error: core.error },
      throttle: {
        onRateLimit: retryTwice('rate limit', deadline),
        onSecondaryRateLimit: retryTwice('secondary rate limit', deadline)
      },
      retry: { doNotRetry: DO_NOT_RETRY }
    },
    keepFinalAnswers,
    retry,
    throttling
  )
  // Set in place: options handed on from a wrap hook are not the ones the request uses.
  octokit.hook.before('request', options => {
    if (options.request?.signal) return
    throwIfCancelled()
    checkDeadline(deadline)
    const left = deadline ? deadline.at - Date.now() : Infinity
    const bound = deadline && left < timeoutMs
    const reason = bound
      ? new StageDeadlineError(deadline.seconds)
      : new Error(`GitHub did not answer within ${timeoutMs / 1000} s`)
    options.request = {
      ...options.request,
      // A cancelled step cuts off the call under way too.
      signal: AbortSignal.any([abortAfter(Math.min(timeoutMs, left), reason), cancellation]),
      // The retry plugin runs inside this hook: only the retries whose waits fit are allowed.
      ...(deadline ? { retries: retriesWithin(left) } : {})
    }
  })
  return octokit
}

/**
 * The retry plugin repeats every failure of a request whose options carry `retries` (set below
 * to fit the deadline), final answers included (octokit/plugin-retry.js#576): a 404 for a branch
 * not made yet was asked three more times, and a network fault on one of those replaced the
 * answer and failed the commit. Registered before the plugin, this takes the count off a final
 * answer before the plugin sees it.
 */
function keepFinalAnswers(octokit: Pick<Octokit, 'hook'>): void {
  octokit.hook.error('request', error => {
    const { status, request } = error as { status?: number; request?: { request?: object } }
    if (status !== undefined && DO_NOT_RETRY.includes(status) && request?.request) {
      delete (request.request as { retries?: number }).retries
    }
    throw error
  })
}

/** The retry plugin waits 1, 4, then 9 s before its three retries: how many of them fit. */
function retriesWithin(ms: number): number {
  let retries = 0
  let waited = 0
  while (retries < 3 && waited + (retries + 1) ** 2 * 1000 < ms) {
    retries++
    waited += retries ** 2 * 1000
  }
  return retries
}

/** A signal that aborts with a message saying what happened (AbortSignal.timeout's is vaguer). */
function abortAfter(ms: number, reason: Error): AbortSignal {
  const controller = new AbortController()
  setTimeout(() => controller.abort(reason), ms).unref()
  return controller.signal
}

/** Waits out a rate limit twice at most, and never past the commit stage's deadline. */
function retryTwice(limit: string, deadline: StageDeadline | undefined) {
  return (retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number) => {
    if (deadline && Date.now() + retryAfter * 1000 >= deadline.at) {
      core.info(`GitHub ${limit} hit; its wait (${retryAfter} s) would pass commit-timeout`)
      return false
    }
    core.info(`GitHub ${limit} hit; retrying in ${retryAfter} s`)
    return retryCount < 2
  }
}

/** GITHUB_REF when the workflow runs on a branch, else the repository's default branch. */
export async function defaultTargetBranch(octokit: Octokit, repo: Repo): Promise<string> {
  const ref = process.env.GITHUB_REF ?? ''
  if (ref.startsWith('refs/heads/')) return ref.slice('refs/heads/'.length)
  const { data } = await octokit.rest.repos.get({ ...repo })
  return data.default_branch
}

export function parseRepository(repository: string): Repo {
  const [owner, repo, ...rest] = repository.split('/')
  if (!owner || !repo || rest.length > 0) {
    throw new CommitError(
      `GITHUB_REPOSITORY "${repository}" is not owner/repo: commit needs to run in a GitHub Actions job`
    )
  }
  return { owner, repo }
}

/** Turns GitHub's refusals into what to change in the workflow. */
export function explain(
  error: unknown,
  request: { repository: string; pullRequestBranch?: unknown }
): Error {
  if (error instanceof CommitError || error instanceof StageDeadlineError) return error
  const cause = (error as { cause?: unknown })?.cause
  if (cause instanceof StageDeadlineError) return cause
  if (error instanceof BranchNotFoundError) {
    return new CommitError(
      `commit-branch: branch "${error.branch}" does not exist in ${request.repository}`
    )
  }
  const { status } = error as { status?: number }
  // GitHub's own words are server text too.
  const message = printable(messageOf(error), 500)
  const where = `${request.repository}`
  if (status === 401) {
    return new CommitError(`GitHub rejected github-token (HTTP 401): ${message}`)
  }
  if (status === 403 && /not permitted to create or approve pull requests/i.test(message)) {
    return new CommitError(
      `GitHub refused to open the pull request (HTTP 403: ${message}): allow it in the repository's Settings → Actions → General ("Allow GitHub Actions to create and approve pull requests"), or use a token that may.`
    )
  }
  if (status === 403 || status === 404 || (status === 422 && /protected branch/i.test(message))) {
    const scopes = request.pullRequestBranch
      ? 'contents: write and pull-requests: write'
      : 'contents: write'
    const protectedHint = request.pullRequestBranch
      ? ''
      : ' If the branch is protected, set pull-request: true to propose the change instead.'
    return new CommitError(
      `GitHub refused to write to ${where} (HTTP ${status}: ${message}). Give the job's token ${scopes} in the workflow's permissions: block (or pass github-token with that access).${protectedHint}`
    )
  }
  if (/GitHub did not answer within/.test(message)) {
    return new CommitError(`${message} while committing to ${where}; try again later`)
  }
  return new CommitError(`Committing to ${where} failed: ${message}`)
}
