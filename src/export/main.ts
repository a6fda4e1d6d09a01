/**
 * src/export/ is the backup action (action.yml): it owns its inputs, outputs and job summary,
 * one tool's export (export-tool.ts: kore/'s export job, its zip checked as a backup)
 * and the delivery of the verified zips (deliver/: the artifact, the commit or pull request
 * through GitHub's REST API, the keep-alive). It uses kore/ for the API, backup/ for what a
 * backup is, and plumbing; never the restore.
 */
import * as core from '@actions/core'
import * as path from 'node:path'
import { isCancelled } from '../cancel.js'
import { forEachWithLimit } from '../concurrency.js'
import type { CommitResult } from './deliver/commit.js'
import { refuseKeepUnlessPrivate, uploadArtifactCopy } from '../backup/artifact-copy.js'
import { warnAboutSecretsInArtifact } from './deliver/artifact.js'
import { deliverToRepository } from './deliver/repository.js'
import { messageOf } from '../errors.js'
import { inputError } from '../input-names.js'
import { exportTool } from './export-tool.js'
import { ExportRecord, newExportRecord } from './record.js'
import { forTool } from '../input-parsers.js'
import { Input, Inputs, readInputs } from './inputs.js'
import { driftedOutput, reportResults } from './outputs.js'
import type { KoreClientOptions } from '../kore/client.js'
import { RateGate } from '../retry.js'
import { newReport } from '../step.js'
import { writeErrorSummary } from '../summary-html.js'
import { reportWhenCancelled } from './cancelled.js'

/** The action: everything below throws or records failures; only this reports, once. */
export async function run(): Promise<void> {
  const report = newReport()
  let inputs: Inputs | undefined
  let records: ExportRecord[] = []
  let commit: CommitResult | undefined
  let failure = ''
  try {
    const given = (inputs = readInputs())
    records = given.tools.map(tool => newExportRecord(tool.toolId, tool.flowId, tool.version))
    reportWhenCancelled(report, given, records, () => commit)
    if (given.envVariables === 'encrypt') await checkSecretsKey(given.secretsKey)
    if (given.uploadArtifact && given.artifactSecrets === 'keep') {
      await refuseKeepUnlessPrivate(Input.ArtifactSecrets, given.githubToken)
    }
    // Shared by every tool of the run: one pause on a 429, one export path spelling.
    const shared: KoreClientOptions = { gate: new RateGate(), exportSpelling: {} }
    await forEachWithLimit(records, given.maxParallel, record =>
      exportAndUpload(given, record, shared)
    )
    if (given.commit || given.check) commit = await commitExports(given, records)
    if (given.keepAlive) await keepAlive(given)
    const failed = records.filter(record => record.errors.length > 0)
    if (failed.length > 0) throw new Error(describeFailures(given, records, failed))
    if (given.failOnDrift && driftedOutput(records, commit) === 'true') {
      throw new Error(
        `Drift: what Kore.ai exports differs from ${commit?.branch ?? 'the branch'} (fail-on-drift: true); the summary and the report output say what`
      )
    }
  } catch (error) {
    failure = messageOf(error)
    // A cancellation already said what happened; what it cut off is no news.
    if (!isCancelled()) core.setFailed(failure)
  } finally {
    const known = inputs
    await report.write(() =>
      known ? reportResults(known, records, commit) : reportInvalidInputs(failure)
    )
  }
}

/** A key that is not an age identity stops the step before any export. */
async function checkSecretsKey(key: string): Promise<void> {
  const { recipientOf } = await import('../backup/secrets-file.js')
  await recipientOf(key).catch((error: unknown) => {
    throw inputError(Input.SecretsKey, messageOf(error))
  })
}

/** An input error stops the step before any tool: no tool to report, only why. */
async function reportInvalidInputs(error: string): Promise<void> {
  core.setOutput('results', '[]')
  await writeErrorSummary('Kore.ai tool export', error)
}

/** One tool's export and artifact; a failure is recorded, so the other tools carry on. */
async function exportAndUpload(
  inputs: Inputs,
  record: ExportRecord,
  shared: KoreClientOptions
): Promise<void> {
  const name = forTool(inputs.artifactName, record.toolId)
  const label = inputs.batch ? `[${record.toolId}] ` : ''
  const startedAt = Date.now()
  try {
    const exported = await exportTool(
      {
        host: inputs.host,
        apiKey: inputs.apiKey,
        toolId: record.toolId,
        flowId: record.flowId,
        version: record.version,
        destination: path.join(inputs.directory, `${name}.zip`),
        pollIntervalMs: inputs.pollIntervalSeconds * 1000,
        timeoutMs: inputs.timeoutSeconds * 1000,
        maxDownloadBytes: inputs.maxDownloadBytes,
        withVariables: inputs.envVariables !== 'omit',
        label,
        onJob: job => (record.job = job)
      },
      { ...shared, resource: inputs.resource }
    ).finally(() => (record.durationMs = Date.now() - startedAt))
    record.zip = exported
    if (inputs.uploadArtifact) {
      record.artifact = await uploadArtifactCopy(
        inputs.artifactSecrets,
        {
          file: exported.file,
          retentionDays: inputs.retentionDays,
          overwrite: inputs.overwrite,
          timeoutSeconds: inputs.timeoutSeconds
        },
        { app: inputs.resource === 'app' }
      )
      const link = record.artifact.url ? `: ${record.artifact.url}` : ''
      core.info(`Uploaded artifact ${record.artifact.name} (id ${record.artifact.id})${link}`)
      if (inputs.artifactSecrets === 'keep' && inputs.resource === 'app') {
        core.warning(
          `${label}The artifact ${record.artifact.name} is the app as Kore.ai exports it (artifact-secrets: keep): any of its files may hold secure values in clear, for anyone with read access to this (private) repository`
        )
      } else if (inputs.artifactSecrets === 'keep') {
        await warnAboutSecretsInArtifact(exported.file, label)
      }
    }
  } catch (error) {
    record.errors.push(messageOf(error))
  }
}

/** The exported tools in one commit (or pull request); what happened to each goes on its record. */
async function commitExports(
  inputs: Inputs,
  records: ExportRecord[]
): Promise<CommitResult | undefined> {
  const exported = records.flatMap(({ toolId, version, zip, job }) =>
    zip ? [{ toolId, version, file: zip.file, exportJobId: job?.exportJobId ?? '' }] : []
  )
  const { commit, tools } = await deliverToRepository(inputs, exported)
  for (const record of records) {
    record.delivery = tools.get(record.toolId)
    record.errors.push(...(record.delivery?.errors ?? []))
  }
  return commit
}

/** Loaded only when asked for, as commits load Octokit. */
async function keepAlive(inputs: Inputs): Promise<void> {
  const { keepWorkflowAlive } = await import('./deliver/keep-alive.js')
  await keepWorkflowAlive({
    token: inputs.githubToken,
    repository: process.env.GITHUB_REPOSITORY ?? '',
    branch: inputs.commitBranch,
    afterDays: inputs.keepAliveDays
  })
}

function describeFailures(inputs: Inputs, records: ExportRecord[], failed: ExportRecord[]): string {
  if (!inputs.batch) return failed.flatMap(record => record.errors).join('\n')
  const lines = failed.map(record => `- ${record.toolId}: ${record.errors.join('; ')}`)
  const noun = `${inputs.resource}s`
  return [`${failed.length} of ${records.length} ${noun} failed:`, ...lines].join('\n')
}
