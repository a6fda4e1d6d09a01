import * as core from '@actions/core'
import { messageOf } from '../../errors.js'
import {
  BranchDiff,
  BranchHead,
  BranchNotFoundError,
  ChangeSet,
  diffDirectories,
  DirectoryCheck,
  DirectorySettle,
  Octokit,
  readBranch,
  Repo
} from './git-data.js'
import { writeCommit } from './git-write.js'
import { closeStalePullRequest, upsertPullRequest } from './pull-request.js'
import { retryDelay, RetryPolicy, sleep } from '../../retry.js'
import { checkDeadline, StageDeadline } from './deadline.js'
import { createOctokit, defaultTargetBranch, explain, parseRepository } from './github.js'

export interface CommitRequest {
  token: string
  /** `owner/repo`. */
  repository: string
  /** Target branch; empty means the workflow's branch, else the default branch. */
  branch: string
  /** Directory in the repository → the files it must hold exactly (one per tool). */
  directories: Map<string, Map<string, Buffer>>
  /**
   * The commit message and pull request body, once the changes and what the branch held before
   * them are known (called before anything is written).
   */
  describe: (diff: BranchDiff) => Promise<ChangeDescription>
  /**
   * Commit to the branch this names (given the target branch) and open a pull request into the
   * target branch instead.
   */
  pullRequestBranch?: (base: string) => string
  pullRequestTitle: string
  /** Time limit of each GitHub call (default GITHUB_REQUEST_TIMEOUT_MS). */
  requestTimeoutMs?: number
  /**
   * Whether every tool the pull request covers is in `directories` (none failed this run): only
   * then may an open pull request be closed as stale.
   */
  mayCloseStale?: boolean
  /** When the whole commit stage must be over; no request starts or lasts past it. */
  deadline?: StageDeadline
  /** Directories it refuses are left out of the commit, the others go on. */
  check?: DirectoryCheck
  /** Lets a directory keep the branch's bytes of files that mean the same (see DirectorySettle). */
  settle?: DirectorySettle
  /** Compare with the target branch and describe, but write nothing (a drift check). */
  checkOnly?: boolean
}

export interface ChangeDescription {
  message: string
  pullRequestBody: string
}

export interface CommitResult {
  /** Why the pull request could not be opened, after its branch got the commit. */
  pullRequestError?: string
  changed: boolean
  branch: string
  commitSha: string
  commitUrl: string
  /** Per directory that changed (compared with the target branch). */
  changes: ChangeSet
  /** Directories `check` refused, with the reason. */
  refused: Map<string, string>
  pullRequestNumber?: number
  pullRequestUrl?: string
  /** This run opened the pull request (false: it updated one already open). */
  pullRequestOpened?: boolean
  /** A pull request closed because the target branch already holds the export. */
  closedPullRequestNumber?: number
  /** checkOnly: whether the export differs from what the target branch holds. */
  drifted?: boolean
}

/**
 * How often a commit is rebuilt on a branch that moved under it before giving up, and how long
 * to wait in between (jittered, so that racing runs fall out of step). Enough for the README's
 * 8-way matrix, whose jobs all commit within seconds of each other.
 */
const MAX_RACE_RETRIES = 12
const RACE_BACKOFF: RetryPolicy = { attempts: MAX_RACE_RETRIES, baseDelayMs: 300, maxDelayMs: 5000 }

export async function commitExport(request: CommitRequest): Promise<CommitResult> {
  const repo = parseRepository(request.repository)
  const octokit = createOctokit(request.token, request.requestTimeoutMs, request.deadline)
  try {
    const branch = request.branch || (await defaultTargetBranch(octokit, repo))
    if (request.checkOnly) return await compareOnly(octokit, repo, branch, request)
    return request.pullRequestBranch
      ? await commitAsPullRequest(octokit, repo, branch, request, request.pullRequestBranch(branch))
      : await commitToBranch(octokit, repo, branch, request)
  } catch (error) {
    throw explain(error, request)
  }
}

/** What a commit would change on the branch, described as it would be; nothing is written. */
async function compareOnly(
  octokit: Octokit,
  repo: Repo,
  branch: string,
  request: CommitRequest
): Promise<CommitResult> {
  const head = await readBranch(octokit, repo, branch)
  const diff = await diffDirectories(octokit, repo, head, request.directories, {
    check: request.check,
    settle: request.settle
  })
  if (diff.changes.size > 0) await request.describe(diff)
  return { ...unchanged(branch, diff), drifted: diff.changes.size > 0 }
}

/** Commits straight onto the branch; re-reads and rebuilds when another run got there first. */
async function commitToBranch(
  octokit: Octokit,
  repo: Repo,
  branch: string,
  request: CommitRequest
): Promise<CommitResult> {
  // Blobs this run already put on GitHub: a rebuilt commit refers to them instead of resending.
  const stored = new Set<string>()
  const blobCache = new Map<string, Buffer>()
  for (let attempt = 1; ; attempt++) {
    const head = await readBranch(octokit, repo, branch)
    const diff = await diffDirectories(octokit, repo, head, request.directories, {
      blobCache,
      check: request.check,
      settle: request.settle
    })
    const { changes, refused } = diff
    if (changes.size === 0) return unchanged(branch, diff)
    const { message } = await request.describe(diff)
    const sha = await writeCommit(
      octokit,
      repo,
      head,
      request.directories,
      changes,
      message,
      stored
    )
    try {
      await octokit.rest.git.updateRef({ ...repo, ref: `heads/${branch}`, sha, force: false })
      return {
        changed: true,
        branch,
        commitSha: sha,
        commitUrl: commitUrl(repo, sha),
        changes,
        refused
      }
    } catch (error) {
      if (!isNotFastForward(error) || attempt >= MAX_RACE_RETRIES) throw error
      const delay = retryDelay(RACE_BACKOFF, attempt)
      checkDeadline(request.deadline && { ...request.deadline, at: request.deadline.at - delay })
      core.info(
        `Branch ${branch} moved while committing (another run?); rebuilding the commit on its new head in ${(delay / 1000).toFixed(1)} s`
      )
      await sleep(delay)
    }
  }
}

/**
 * Puts the export on its own branch, one commit on top of the target branch, and opens (or
 * updates) a pull request. The branch is the action's own, so it is reset freely; the target
 * branch is never written.
 */
async function commitAsPullRequest(
  octokit: Octokit,
  repo: Repo,
  base: string,
  request: CommitRequest,
  headBranch: string
): Promise<CommitResult> {
  const baseHead = await readBranch(octokit, repo, base)
  const diff = await diffDirectories(octokit, repo, baseHead, request.directories, {
    check: request.check,
    settle: request.settle
  })
  const { changes, refused } = diff
  if (changes.size === 0) {
    // Stale only when every tool of the pull request was compared: none refused, none failed.
    const closed =
      refused.size === 0 && request.mayCloseStale
        ? await closeStalePullRequest(octokit, repo, base, headBranch)
        : undefined
    return { ...unchanged(headBranch, diff), closedPullRequestNumber: closed }
  }
  const description = await request.describe(diff)

  const current = await readBranch(octokit, repo, headBranch).catch(error => {
    if (error instanceof BranchNotFoundError) return undefined
    throw error
  })
  let commitSha = current?.commitSha ?? ''
  let changed = false
  const accepted = new Map([...request.directories].filter(([d]) => !refused.has(d)))
  if (!current || (await differs(octokit, repo, current, accepted, request.settle))) {
    commitSha = await writeCommit(
      octokit,
      repo,
      baseHead,
      request.directories,
      changes,
      description.message
    )
    if (current) {
      await octokit.rest.git.updateRef({
        ...repo,
        ref: `heads/${headBranch}`,
        sha: commitSha,
        force: true
      })
    } else {
      await createBranch(octokit, repo, headBranch, commitSha)
    }
    changed = true
  }
  const made = {
    changed,
    branch: headBranch,
    commitSha: changed ? commitSha : '',
    commitUrl: changed ? commitUrl(repo, commitSha) : '',
    changes,
    refused
  }
  try {
    const pull = await upsertPullRequest(octokit, repo, base, headBranch, {
      title: request.pullRequestTitle,
      body: description.pullRequestBody
    })
    return {
      ...made,
      pullRequestNumber: pull.number,
      pullRequestUrl: pull.html_url,
      pullRequestOpened: pull.opened
    }
  } catch (error) {
    // The commit exists on the action's branch: say so, and fail for the pull request.
    return { ...made, pullRequestError: messageOf(explain(error, request)) }
  }
}

/**
 * Creates the action's own branch. A create whose answer was lost and that was sent again is
 * told the branch already exists: it is then set to this commit, as an existing one would be.
 */
async function createBranch(octokit: Octokit, repo: Repo, branch: string, sha: string) {
  try {
    await octokit.rest.git.createRef({ ...repo, ref: `refs/heads/${branch}`, sha })
  } catch (error) {
    const { status, message } = error as { status?: number; message?: string }
    if (status !== 422 || !/already exists/i.test(message ?? '')) throw error
    await octokit.rest.git.updateRef({ ...repo, ref: `heads/${branch}`, sha, force: true })
  }
}

async function differs(
  octokit: Octokit,
  repo: Repo,
  head: BranchHead,
  directories: Map<string, Map<string, Buffer>>,
  settle: DirectorySettle | undefined
): Promise<boolean> {
  return (await diffDirectories(octokit, repo, head, directories, { settle })).changes.size > 0
}

function unchanged(branch: string, { changes, refused }: BranchDiff): CommitResult {
  return { changed: false, branch, commitSha: '', commitUrl: '', changes, refused }
}

function commitUrl(repo: Repo, sha: string): string {
  const server = process.env.GITHUB_SERVER_URL || 'https://github.com'
  return `${server}/${repo.owner}/${repo.repo}/commit/${sha}`
}

function isNotFastForward(error: unknown): boolean {
  const { status, message } = error as { status?: number; message?: string }
  return status === 422 && /not a fast.?forward/i.test(message ?? '')
}
