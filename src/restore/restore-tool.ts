import * as core from '@actions/core'
import { AmbiguousRequestError, KoreApiError } from '../kore/call.js'
import { KoreClient, KoreClientOptions } from '../kore/client.js'
import { JobFailedError, jobStatusOf, waitForJob } from '../kore/poll.js'
import { DockStatus, JobKind, JobStarted, UnexpectedResponseError } from '../kore/responses.js'
import { printable } from '../text.js'
import type { UploadedArtifact } from '../artifact.js'
import type { Backup } from './backup.js'
import type { Plan } from './plan.js'
import type { RestoreInputs } from './inputs.js'

/** What is known about one restore; filled in step by step so a failure can still report it. */
export interface RestoreRecord {
  /** The tool imported into: the given tool-id, or the new tool's id once Kore.ai says it. */
  toolId: string
  /** Dock status id of the import job. */
  dockStatusId: string
  /** The import job's status: SUCCESS, FAILED, or the last one seen. */
  status: string
  deployed: boolean
  /** The deploy job's status; empty when no deploy was asked for or reached. */
  deployStatus: string
  /** Variables whose values came from env-values. */
  filled: string[]
  /** Variables whose values came from the backup's encrypted secure values (secrets-key). */
  decrypted: string[]
  /** What the import changes (or creates); undefined before it is known. */
  plan?: Plan
  /** The target's zip exported just before the import; empty when none was taken. */
  beforeFile: string
  /** The workflow artifact holding it; undefined when none was uploaded. */
  beforeArtifact?: UploadedArtifact
  /** The job whose request was sent and whose end is not known yet (what a cancel leaves). */
  inFlight?: JobKind
}

/** The `status` output after a request Kore.ai may have acted on without saying so. */
export const MAY_HAVE_STARTED = 'MAY_HAVE_STARTED'

/**
 * Upload → import → wait → deploy (when asked) → wait. Fills `record` as it goes. The tool
 * deployed and reported is the one asked for (tool-id) or the one the import answer created;
 * an answer or status naming another tool stops the step.
 */
export async function restoreTool(
  inputs: RestoreInputs,
  backup: Backup,
  record: RestoreRecord,
  startedAt = Date.now(),
  clientOptions: KoreClientOptions = {}
): Promise<void> {
  const client = new KoreClient(inputs.host, inputs.apiKey, {
    ...clientOptions,
    resource: inputs.resource
  })
  const timeoutMs = inputs.timeoutSeconds * 1000
  const deadline = startedAt + timeoutMs
  const noun = inputs.resource
  const into = inputs.toolId ? `${noun} ${inputs.toolId}` : `a new ${noun} "${inputs.toolName}"`
  core.info(`Restoring into ${into} on ${inputs.host}`)

  const upload = async (name: string, data: Buffer) =>
    (await client.uploadFile(name, data, deadline)).fileId
  const flowDataFileId = await upload('flow_definition.json', backup.flow)
  const toolDataFileId = await upload('app_definition.json', backup.app)
  const envVariablesFileId = backup.env ? await upload('env_variables.json', backup.env) : undefined
  core.info(`Uploaded the backup's ${backup.env ? 3 : 2} files`)

  record.inFlight = 'import'
  const started = await client
    .importTool(
      {
        toolId: inputs.toolId || undefined,
        toolName: inputs.toolId ? undefined : inputs.toolName,
        flowDataFileId,
        appFileId: toolDataFileId,
        envVariablesFileId
      },
      deadline
    )
    .catch(error => {
      if (!mayHaveStarted(error)) throw error
      record.status = MAY_HAVE_STARTED
      throw maybeStartedError(error, 'import')
    })
  record.dockStatusId = started.dockStatusId
  record.status = started.status || 'IN_PROGRESS'
  record.toolId = inputs.toolId || started.toolId
  requireSameTool(record.toolId, started.toolId, 'import answer', noun)
  core.info(`Import started: dock status ${started.dockStatusId}`)
  const imported = await finish(client, started, 'import', inputs, startedAt, record.toolId, s => {
    record.status = s
  })
  record.inFlight = undefined
  requireSameTool(record.toolId, imported.toolId, 'import job status', noun)
  record.toolId ||= imported.toolId
  core.info(`Import finished: SUCCESS${record.toolId ? ` (${noun} ${record.toolId})` : ''}`)
  const set = [...record.filled, ...record.decrypted]
  if (inputs.toolId && set.length > 0) {
    // Kore.ai's guide: over an existing one, "the existing ones are retained if not changed".
    core.warning(
      `Imported over an existing ${noun}: Kore.ai keeps the variables it already has unless they changed, so these values set by this step may not have taken effect: ${printable(set.join(', '), 1000)}. Check them in Kore.ai.`
    )
  }

  if (!inputs.deploy) return
  if (!record.toolId) {
    throw new Error(
      `Kore.ai did not say which ${noun} the import created, so it cannot be deployed`
    )
  }
  const deployStartedAt = Date.now()
  record.inFlight = 'deploy'
  const deploying = await client
    .deployTool(record.toolId, deployStartedAt + timeoutMs)
    .catch(error => {
      if (!mayHaveStarted(error)) throw error
      record.deployStatus = MAY_HAVE_STARTED
      throw maybeStartedError(error, 'deploy')
    })
  record.deployStatus = deploying.status || 'IN_PROGRESS'
  requireSameTool(record.toolId, deploying.toolId, 'deploy answer', noun)
  const deployed = await finish(
    client,
    deploying,
    'deploy',
    inputs,
    deployStartedAt,
    record.toolId,
    s => (record.deployStatus = s)
  )
  record.inFlight = undefined
  requireSameTool(record.toolId, deployed.toolId, 'deploy job status', noun)
  record.deployed = true
  core.info(`Deployed ${noun} ${record.toolId}`)
}

/**
 * Whether a failed request may still have started its job: an answer lost on the way (a 502, a
 * reset, a time limit once sent), a server error (500) or a 200 that cannot be read.
 */
export function mayHaveStarted(error: unknown): boolean {
  if (error instanceof KoreApiError) return error.status >= 500
  return error instanceof AmbiguousRequestError || error instanceof UnexpectedResponseError
}

/** The error, saying (when it does not already) that the job may have started. */
export function maybeStartedError(error: Error, kind: JobKind): Error {
  if (error instanceof AmbiguousRequestError) return error
  return new Error(
    `${error.message}; the ${kind} may have started all the same: check in Kore.ai before running this step again`
  )
}

/** A server answer that names another tool than the one this step works on stops the step. */
function requireSameTool(expected: string, named: string, where: string, noun: string): void {
  if (!expected || !named || named === expected) return
  throw new Error(
    `Kore.ai's ${where} names ${noun} ${named}, but this step works on ${noun} ${expected}: stopped before anything further is deployed or reported; check both in Kore.ai`
  )
}

/** The job's final state: at once when the answer already says so, else by polling. */
async function finish(
  client: KoreClient,
  started: JobStarted,
  kind: JobKind,
  inputs: RestoreInputs,
  startedAt: number,
  toolId: string,
  seen: (status: string) => void
): Promise<Pick<DockStatus, 'toolId'>> {
  // Every status must be about one tool: the one asked for, else the first one named.
  let expected = toolId
  const refuseOtherTool = (named: string): void => {
    expected ||= named
    requireSameTool(expected, named, `${kind} job status`, inputs.resource)
  }
  if (started.state === 'FAILED') {
    seen(started.status)
    throw new JobFailedError(kind, started.dockStatusId, started.reason, started.status)
  }
  if (started.state === 'SUCCESS') {
    seen('SUCCESS')
    return { toolId: started.toolId }
  }
  try {
    const finished = await waitForJob(client, started.dockStatusId, {
      kind,
      pollIntervalMs: inputs.pollIntervalSeconds * 1000,
      timeoutMs: inputs.timeoutSeconds * 1000,
      startedAt,
      refuseOtherTool
    })
    seen('SUCCESS')
    return finished
  } catch (error) {
    // A timeout before any status was read leaves the status as it was.
    const status = jobStatusOf(error)
    if (status) seen(status)
    throw error
  }
}
