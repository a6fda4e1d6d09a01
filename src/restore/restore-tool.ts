import * as core from '@actions/core'
import { KoreClient, KoreClientOptions } from '../kore/client.js'
import { JobFailedError, JobKind, JobTimeoutError, waitForJob } from '../kore/poll.js'
import type { DockStatus, JobStarted } from '../kore/responses.js'
import type { Backup } from './backup.js'
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
}

/** Upload → import → wait → deploy (when asked) → wait. Fills `record` as it goes. */
export async function restoreTool(
  inputs: RestoreInputs,
  backup: Backup,
  record: RestoreRecord,
  clientOptions: KoreClientOptions = {}
): Promise<void> {
  const client = new KoreClient(inputs.host, inputs.apiKey, clientOptions)
  const timeoutMs = inputs.timeoutSeconds * 1000
  const startedAt = Date.now()
  const deadline = startedAt + timeoutMs
  const into = inputs.toolId ? `tool ${inputs.toolId}` : `a new tool "${inputs.toolName}"`
  core.info(`Restoring into ${into} on ${inputs.host}`)

  const flowDataFileId = await client.uploadFile('flow_definition.json', backup.flow, deadline)
  const toolDataFileId = await client.uploadFile('app_definition.json', backup.app, deadline)
  const envVariablesFileId = backup.env
    ? await client.uploadFile('env_variables.json', backup.env, deadline)
    : undefined
  core.info(`Uploaded the backup's ${backup.env ? 3 : 2} files`)

  const started = await client.importTool(
    {
      toolId: inputs.toolId || undefined,
      toolName: inputs.toolId ? undefined : inputs.toolName,
      flowDataFileId,
      toolDataFileId,
      envVariablesFileId
    },
    deadline
  )
  Object.assign(record, {
    dockStatusId: started.dockStatusId,
    toolId: started.toolId || inputs.toolId,
    status: started.status || 'IN_PROGRESS'
  })
  core.info(`Import started: dock status ${started.dockStatusId}`)
  const imported = await finish(client, started, 'import', inputs, startedAt, status => {
    record.status = status
  })
  record.toolId = imported.toolId || record.toolId
  core.info(`Import finished: SUCCESS${record.toolId ? ` (tool ${record.toolId})` : ''}`)

  if (!inputs.deploy) return
  if (!record.toolId) {
    throw new Error('Kore.ai did not say which tool the import created, so it cannot be deployed')
  }
  const deployStartedAt = Date.now()
  const deploying = await client.deployTool(record.toolId, deployStartedAt + timeoutMs)
  record.deployStatus = deploying.status || 'IN_PROGRESS'
  await finish(client, deploying, 'deploy', inputs, deployStartedAt, status => {
    record.deployStatus = status
  })
  record.deployed = true
  core.info(`Deployed tool ${record.toolId}`)
}

/** The job's final state: at once when the answer already says so, else by polling. */
async function finish(
  client: KoreClient,
  started: JobStarted,
  kind: JobKind,
  inputs: RestoreInputs,
  startedAt: number,
  seen: (status: string) => void
): Promise<Pick<DockStatus, 'toolId'>> {
  if (started.state === 'FAILED') {
    seen('FAILED')
    throw new JobFailedError(kind, started.dockStatusId, started.reason)
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
      startedAt
    })
    seen('SUCCESS')
    return finished
  } catch (error) {
    if (error instanceof JobFailedError) seen('FAILED')
    if (error instanceof JobTimeoutError) seen(error.lastStatus)
    throw error
  }
}
