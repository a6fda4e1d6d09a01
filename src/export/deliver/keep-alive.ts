import * as core from '@actions/core'
import { messageOf } from '../../errors.js'
import { printable } from '../../text.js'
import { createOctokit, defaultTargetBranch, parseRepository } from './github.js'

export interface KeepAliveRequest {
  token: string
  /** `owner/repo`. */
  repository: string
  /** Branch whose last commit is checked; empty: the workflow's, else the default branch. */
  branch: string
  /** Re-enable the workflow when that commit is older than this. */
  afterDays: number
}

/**
 * GitHub disables a scheduled workflow of a public repository after 60 days without activity,
 * and a backup that finds nothing to commit makes none. When the branch's last commit is older
 * than `afterDays`, the running workflow is enabled again through the REST API (which counts as
 * activity): no empty commits. Problems are warnings: the backup itself is done.
 * Returns whether the workflow was enabled.
 */
export async function keepWorkflowAlive(request: KeepAliveRequest): Promise<boolean> {
  const workflow = workflowFile(process.env.GITHUB_WORKFLOW_REF ?? '')
  if (!workflow) {
    core.warning(
      'keep-alive: GITHUB_WORKFLOW_REF does not name a workflow file, so this is not a workflow run that can be kept alive'
    )
    return false
  }
  const repo = parseRepository(request.repository)
  const octokit = createOctokit(request.token)
  try {
    const branch = request.branch || (await defaultTargetBranch(octokit, repo))
    const { data } = await octokit.rest.repos.getCommit({ ...repo, ref: branch })
    const date = Date.parse(data.commit.committer?.date ?? data.commit.author?.date ?? '')
    const days = (Date.now() - date) / 86_400_000
    if (Number.isFinite(days) && days < request.afterDays) {
      core.info(
        `keep-alive: the last commit on ${branch} is ${Math.floor(days)} day(s) old (keep-alive-days: ${request.afterDays}); nothing to do`
      )
      return false
    }
    await octokit.rest.actions.enableWorkflow({ ...repo, workflow_id: workflow })
    core.info(
      `keep-alive: the last commit on ${branch} is ${Number.isFinite(days) ? Math.floor(days) : 'an unknown number of'} day(s) old; re-enabled ${workflow} so that GitHub does not disable its schedule`
    )
    return true
  } catch (error) {
    const { status } = error as { status?: number }
    const advice =
      status === 403 || status === 404
        ? ' Give the job "actions: write" in the workflow\'s permissions: block (or pass github-token with that access).'
        : ''
    core.warning(
      `keep-alive: could not re-enable the workflow ${workflow} (${printable(messageOf(error), 300)}).${advice}`
    )
    return false
  }
}

/** `owner/repo/.github/workflows/backup.yml@refs/heads/main` → `backup.yml`. */
function workflowFile(workflowRef: string): string {
  const match = workflowRef.match(/\/\.github\/workflows\/([^/@]+\.ya?ml)@/)
  return match?.[1] ?? ''
}
