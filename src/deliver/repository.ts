import * as core from '@actions/core'
import { extractZip } from '../archive.js'
import type { ExportRecord } from '../export-tool.js'
import type { Inputs } from '../inputs.js'
import type { CommitResult } from './commit.js'
import { prepareExportFiles, REDACTED } from './export-files.js'

export interface RepositoryDelivery extends CommitResult {
  /** Variables whose values were replaced in env_variables.json. */
  redacted: string[]
}

/** Extracts the export (refusing unsafe archives), prepares readable files, commits them. */
export async function deliverToRepository(
  inputs: Inputs,
  record: ExportRecord
): Promise<RepositoryDelivery> {
  const entries = await extractZip(record.file)
  const { files, redacted } = prepareExportFiles(entries, inputs.envVariables)
  if (redacted.length > 0) {
    core.info(
      `env-variables: redact: the values of ${redacted.length} secure variable(s) (${redacted.join(', ')}) are stored as "${REDACTED}"; the artifact keeps the original`
    )
  }
  const what = `Kore.ai tool ${record.toolId}`
  const job = record.exportJobId ? ` (export ${record.exportJobId})` : ''
  // Loaded only for commits: Octokit and its plugins are a large part of start-up time.
  const { commitExport } = await import('./commit.js')
  const result = await commitExport({
    token: inputs.githubToken,
    repository: process.env.GITHUB_REPOSITORY ?? '',
    branch: inputs.commitBranch,
    directory: inputs.commitPath,
    files,
    message: inputs.commitMessage || `Back up ${what}${job}`,
    pullRequestBranch: inputs.pullRequest ? `kore-tool-export/${record.toolId}` : undefined,
    pullRequestTitle: `Back up ${what}`,
    pullRequestBody: `Automated backup of ${what}${job} into \`${inputs.commitPath}\` by kore-tool-export.`
  })
  const { added, modified, removed } = result.changes
  if (result.changed) {
    core.info(
      `Committed ${result.commitSha} to ${result.branch}: ${added.length} added, ${modified.length} modified, ${removed.length} removed under ${inputs.commitPath}`
    )
  } else {
    core.info(`No changes under ${inputs.commitPath}: nothing committed`)
  }
  if (result.pullRequestUrl) core.info(`Pull request: ${result.pullRequestUrl}`)
  return { ...result, redacted }
}
