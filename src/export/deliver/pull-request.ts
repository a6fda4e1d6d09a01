import * as core from '@actions/core'
import { inert, printable } from '../../text.js'
import type { Octokit, Repo } from './git-data.js'

/** The pull request of pull-request mode: opened or updated, and closed once it is stale. */

/**
 * The target branch holds the export: a pull request still proposing an older one would, once
 * merged, commit what Kore.ai no longer has. It is closed with a comment saying why, and its
 * branch (the action's own) deleted. Returns its number, or undefined when none was open.
 */
export async function closeStalePullRequest(
  octokit: Octokit,
  repo: Repo,
  base: string,
  head: string
): Promise<number | undefined> {
  const stale = await findOpenPullRequest(octokit, repo, base, head)
  if (!stale) return undefined
  // The action's branch is one commit on top of the target; more means someone added theirs.
  const { data: pull } = await octokit.rest.pulls.get({ ...repo, pull_number: stale.number })
  if (pull.commits !== 1) {
    core.info(
      `Pull request #${stale.number} is stale but holds ${pull.commits} commits, not only the action's: left open`
    )
    return undefined
  }
  await octokit.rest.pulls.update({ ...repo, pull_number: stale.number, state: 'closed' })
  await octokit.rest.git.deleteRef({ ...repo, ref: `heads/${head}` }).catch(error => {
    // Already gone (deleted by hand, or on merge): nothing left to clean.
    if ((error as { status?: number }).status !== 422) throw error
  })
  await octokit.rest.issues.createComment({
    ...repo,
    issue_number: stale.number,
    body: `Closed by kore-tool-export: the target branch ${inert(printable(base))} already holds what Kore.ai exports now, so this pull request no longer proposes anything current.`
  })
  return stale.number
}

async function findOpenPullRequest(
  octokit: Octokit,
  repo: Repo,
  base: string,
  head: string
): Promise<{ number: number; html_url: string } | undefined> {
  const { data: open } = await octokit.rest.pulls.list({
    ...repo,
    head: `${repo.owner}:${head}`,
    base,
    state: 'open'
  })
  return open[0]
}

/** `opened` when this call made it: a run after one whose create was refused says so. */
export async function upsertPullRequest(
  octokit: Octokit,
  repo: Repo,
  base: string,
  head: string,
  pull: { title: string; body: string }
): Promise<{ number: number; html_url: string; opened: boolean }> {
  const existing = await findOpenPullRequest(octokit, repo, base, head)
  if (existing) {
    await octokit.rest.pulls.update({ ...repo, pull_number: existing.number, ...pull })
    return { ...existing, opened: false }
  }
  try {
    const { data } = await octokit.rest.pulls.create({ ...repo, head, base, ...pull })
    return { ...data, opened: true }
  } catch (error) {
    // A create whose answer was lost (a 502) and was sent again finds its own pull request.
    const { status, message } = error as { status?: number; message?: string }
    if (status !== 422 || !/already exists/i.test(message ?? '')) throw error
    const created = await findOpenPullRequest(octokit, repo, base, head)
    if (!created) throw error
    return { ...created, opened: true }
  }
}
