import * as core from '@actions/core'
import { createHash } from 'node:crypto'
import { messageOf } from '../../errors.js'
import { forTool } from '../../input-parsers.js'
import type { Inputs } from '../inputs.js'
import { commitBody, MAX_PULL_REQUEST_BODY, reportMarkdown } from '../../backup/report/compose.js'
import { newWordDiffBudget, reportTool, ToolReport } from '../../backup/report/render.js'
import type { ChangeDescription, CommitResult } from './commit.js'
import { checkDeadline, StageDeadline } from './deadline.js'
import type { BranchDiff, FileChanges } from './git-data.js'
import { ENV_VARIABLES_FILE } from '../../backup/env-variables.js'
import { lostImportableFiles } from '../../backup/importable.js'
import { inert } from '../../text.js'
import { readyTools } from './prepare.js'
import { checkDescription, checkReports } from './secret-check.js'
import { foreignFilesProblem, MANIFEST_FILE, manifestField } from './manifest.js'
import { SECRETS_FILE } from '../../backup/secrets-file.js'
import { newSealing } from './sealed-secrets.js'

/**
 * The most file content one run commits (what it holds in memory to do so). Tool exports are
 * kilobytes to a few megabytes: this is hundreds of large tools.
 */
const MAX_COMMIT_BYTES = 512 * 1024 * 1024

/** What the repository stage needs of the action's inputs. */
export type RepositoryInputs = Pick<
  Inputs,
  | 'apiKey'
  | 'batch'
  | 'check'
  | 'commitBranch'
  | 'commitMessage'
  | 'commitPath'
  | 'commitTimeoutSeconds'
  | 'envVariables'
  | 'githubToken'
  | 'pullRequest'
  | 'resource'
  | 'secretScan'
  | 'secretsKey'
  | 'tools'
>

/** A tool exported this run, as the commit sees it. */
export interface ExportedZip {
  toolId: string
  file: string
  /** The app version (resource: app); undefined for a tool. */
  version?: string
  /** Named in the commit message; empty when Kore.ai gave none. */
  exportJobId: string
}

/** What the repository stage did with one tool. */
export interface ToolDelivery {
  /** Secure variables whose values the commit redacted. */
  redacted: string[]
  /** Whether the commit changed this tool's files; undefined when it was not committed. */
  changed?: boolean
  changes?: FileChanges
  /** What changed inside the tool, when this run's commit changed it. */
  report?: ToolReport
  /** Why the tool is not (or not surely) committed; empty when it is. */
  errors: string[]
}

export interface Delivery {
  /** Undefined when nothing could be committed or the commit failed. */
  commit?: CommitResult
  /** By tool id, for every tool given. */
  tools: Map<string, ToolDelivery>
}

/**
 * Commits every exported tool in one commit, each under its own commit-path. A tool whose
 * archive is unsafe is left out (and marked failed) before anything is sent to GitHub; a
 * failed commit is recorded against every tool it held.
 */
export async function deliverToRepository(
  inputs: RepositoryInputs,
  exported: ExportedZip[],
  maxCommitBytes = MAX_COMMIT_BYTES
): Promise<Delivery> {
  const pending = exported.map(zip => ({ zip, delivery: { redacted: [], errors: [] } }))
  const commit = await commitTools(inputs, pending, maxCommitBytes)
  return { commit, tools: new Map(pending.map(({ zip, delivery }) => [zip.toolId, delivery])) }
}

interface Pending {
  zip: ExportedZip
  delivery: ToolDelivery
}

async function commitTools(
  inputs: RepositoryInputs,
  pending: Pending[],
  maxCommitBytes: number
): Promise<CommitResult | undefined> {
  const seconds = inputs.commitTimeoutSeconds
  const deadline: StageDeadline = { at: Date.now() + seconds * 1000, seconds }
  const sealing =
    inputs.envVariables === 'encrypt' ? await newSealing(inputs.secretsKey) : undefined
  const { directories, toolIn, check } = await readyTools(
    inputs,
    pending,
    deadline,
    maxCommitBytes,
    sealing
  )
  if (directories.size === 0) return undefined

  const single = inputs.batch ? undefined : pending[0]?.zip
  const job = single?.version
    ? ` (version ${inert(single.version)})`
    : single?.exportJobId
      ? ` (export ${inert(single.exportJobId)})`
      : ''
  const noun = inputs.resource
  const subject = single ? `Kore.ai ${noun} ${single.toolId}` : `Kore.ai ${noun}s`
  const pullRequestTitle = `Back up ${subject}`
  const reports = new Map<string, ToolReport>()
  // Called once the branch's old files are known, before anything is written.
  const describe = async ({ changes, previous }: BranchDiff): Promise<ChangeDescription> => {
    reports.clear()
    const budget = newWordDiffBudget()
    for (const [directory, fileChanges] of changes) {
      checkDeadline(deadline)
      const wanted = directories.get(directory) ?? new Map<string, Buffer>()
      // The manifest is the action's bookkeeping, not part of the tool, and the encrypted file
      // is told by the names whose value changed: neither is reported as a file.
      const unreported = (name: string) => name === MANIFEST_FILE || name === SECRETS_FILE
      const written = [...fileChanges.added, ...fileChanges.modified].filter(n => !unreported(n))
      const after = new Map(written.map(name => [name, wanted.get(name) ?? Buffer.alloc(0)]))
      const before = await previous(directory)
      const zip = toolIn.get(directory)?.zip
      const versions = appVersions(before?.get(MANIFEST_FILE), zip?.version)
      for (const name of before?.keys() ?? []) if (unreported(name)) before?.delete(name)
      const toolId = zip?.toolId ?? directory
      const changedSecrets = sealing?.changed.get(directory)
      const everyFile = inputs.resource === 'app'
      const report = reportTool(toolId, before, after, { budget, changedSecrets, everyFile })
      if (versions) {
        report.markdown.unshift(versions)
        report.plain.unshift(versions)
      }
      reports.set(directory, report)
    }
    const changed = [...changes.keys()].map(d => toolIn.get(d)?.zip.toolId).join(', ')
    const subjectLine =
      inputs.commitMessage ||
      (single ? `Back up ${subject}${job}` : `Back up ${subject} ${changed}`)
    if (check) await checkReports(check, reports)
    const body = commitBody([...reports.values()])
    const intro = `Automated backup of ${subject}${job} by kore-tool-export${runLink()}.`
    const details = reportMarkdown([...reports.values()], MAX_PULL_REQUEST_BODY - intro.length - 10)
    const description = {
      message: body ? `${subjectLine}\n\n${body}` : subjectLine,
      pullRequestBody: details ? `${intro}\n\n${details}` : intro
    }
    if (check) {
      await checkDescription(check, {
        'the commit message': description.message,
        'the pull request title': pullRequestTitle,
        'the pull request body': description.pullRequestBody
      })
    }
    return description
  }
  try {
    // Loaded only for commits: Octokit and its plugins are a large part of start-up time.
    const { commitExport } = await import('./commit.js')
    const result = await commitExport({
      token: inputs.githubToken,
      repository: process.env.GITHUB_REPOSITORY ?? '',
      branch: inputs.commitBranch,
      directories,
      describe,
      pullRequestBranch: inputs.pullRequest ? base => pullRequestBranch(inputs, base) : undefined,
      pullRequestTitle,
      deadline,
      // Only a run that prepared every tool may tell that the target holds all of them.
      mayCloseStale: directories.size === inputs.tools.length,
      checkOnly: inputs.check,
      settle: sealing?.settle,
      check: async (directory, existing, wanted, read) => {
        const foreign = await foreignFilesProblem(directory, existing, wanted, read)
        if (foreign) return foreign
        const rekeyed = await sealing?.check(directory, existing, wanted, read)
        if (rekeyed) return rekeyed
        // An app's files come and go with its agents and tools: none is required.
        if (inputs.resource === 'app') return undefined
        const lost = lostImportableFiles(existing, wanted).filter(
          name => inputs.envVariables !== 'omit' || name.toLowerCase() !== ENV_VARIABLES_FILE
        )
        if (lost.length === 0) return undefined
        return `not committed: the export has no ${lost.join(', ')}, which the backup in ${directory} holds, and committing it would leave that backup unable to import over the tool. If the tool no longer has that file, delete it from the backup in a commit of your own, or set env-variables: omit`
      }
    })
    for (const [directory, { delivery }] of toolIn) {
      const refused = result.refused.get(directory)
      if (refused) {
        delivery.errors.push(refused)
        continue
      }
      delivery.changes = result.changes.get(directory)
      delivery.changed = result.changed && result.changes.has(directory)
      // What this run did: a run that found its work already done (a racing twin committed
      // it, or the pull request's branch already held it) reports nothing, unless it opened
      // the pull request that proposes it (an earlier run's was refused).
      const proposed =
        (result.pullRequestOpened === true || result.drifted === true) &&
        result.changes.has(directory)
      delivery.report = delivery.changed || proposed ? reports.get(directory) : undefined
      if (result.pullRequestError) delivery.errors.push(result.pullRequestError)
    }
    // Nothing was compared when every tool was refused: no commit could be made.
    if (result.refused.size === toolIn.size) return undefined
    logResult(result, toolIn)
    return result
  } catch (error) {
    for (const { delivery } of toolIn.values()) delivery.errors.push(messageOf(error))
    return undefined
  }
}

/**
 * The pull-request branch, per target branch: the tool's id, or for several tools a digest of
 * their commit paths, so that two workflows backing up different sets, or one tool proposed to
 * two branches, never share (and reset) one branch.
 */
export function pullRequestBranch(
  inputs: Pick<Inputs, 'batch' | 'commitPath' | 'tools'>,
  base: string
): string {
  const [first] = inputs.tools
  if (!inputs.batch && first) return `kore-tool-export/into-${base}/${first.toolId}`
  const paths = inputs.tools.map(tool => forTool(inputs.commitPath, tool.toolId)).sort()
  const digest = createHash('sha256').update(paths.join('\n')).digest('hex').slice(0, 12)
  return `kore-tool-export/into-${base}/batch-${digest}`
}

/** Which app version the backup holds, and held before: `app version v1 → v2`. */
function appVersions(manifest: Buffer | undefined, version: string | undefined): string {
  if (!version) return ''
  const was = manifest && manifestField(manifest, 'appVersion')
  const now = `\`${inert(version)}\``
  if (was === undefined || was === version) return `app version ${now}`
  return `app version \`${inert(was)}\` → ${now}`
}

/** The workflow run that made the pull request, for a reviewer to find its log and summary. */
function runLink(): string {
  const { GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID } = process.env
  if (!GITHUB_REPOSITORY || !GITHUB_RUN_ID || !/^\d+$/.test(GITHUB_RUN_ID)) return ''
  const server = GITHUB_SERVER_URL || 'https://github.com'
  return ` in [run ${GITHUB_RUN_ID}](${server}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID})`
}

function logResult(result: CommitResult, toolIn: Map<string, Pending>): void {
  if (!result.changed) core.info('No changes to commit')
  else core.info(`Committed ${result.commitSha} to ${result.branch}`)
  for (const [directory, changes] of result.changes) {
    const { added, modified, removed } = changes
    core.info(
      `  ${toolIn.get(directory)?.zip.toolId} (${directory}): ${added.length} added, ${modified.length} modified, ${removed.length} removed`
    )
  }
  if (result.pullRequestUrl) core.info(`Pull request: ${result.pullRequestUrl}`)
  if (result.closedPullRequestNumber !== undefined) {
    core.info(
      `Closed pull request #${result.closedPullRequestNumber}: the target branch already holds the export`
    )
  }
}
