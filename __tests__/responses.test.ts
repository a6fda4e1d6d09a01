import { describe, expect, it } from '@jest/globals'
import {
  failureReason,
  parseDockStatus,
  parseExportStarted,
  parseJobStarted,
  parseUploadedFile
} from '../src/kore/responses.js'
import { hideSecret } from '../src/text.js'

describe('parseExportStarted', () => {
  it('reads the sample spelling: dock-statusId and a padded response.downloadUrl', () => {
    const started = parseExportStarted({
      'dock-statusId': 'ds-1',
      status: 'IN_PROGRESS',
      exportJobId: 'tool-ej-1',
      response: { downloadUrl: ' https://kore.example.com/api/v1/account/x ' }
    })
    expect(started).toEqual({
      dockStatusId: 'ds-1',
      toolId: '',
      exportJobId: 'tool-ej-1',
      downloadUrl: 'https://kore.example.com/api/v1/account/x',
      status: 'IN_PROGRESS',
      state: 'IN_PROGRESS',
      reason: ''
    })
  })

  it('reads the table spelling: dockStatusId and a top-level downloadURL', () => {
    const started = parseExportStarted({ dockStatusId: ' ds-2 ', downloadURL: 'https://x/y' })
    expect(started.dockStatusId).toBe('ds-2')
    expect(started.downloadUrl).toBe('https://x/y')
    expect(started.exportJobId).toBe('')
  })

  it('reads the Export a Model spelling: _id', () => {
    expect(parseExportStarted({ _id: 'ds-3' }).dockStatusId).toBe('ds-3')
  })

  it('says which keys it got when there is no status id', () => {
    expect(() => parseExportStarted({ toolId: 'a-1', status: 'IN_PROGRESS' })).toThrow(
      'keys sent: toolId, status'
    )
  })
})

describe('parseDockStatus', () => {
  it('compares statuses case-insensitively and keeps the raw text', () => {
    expect(parseDockStatus({ status: 'success' }).state).toBe('SUCCESS')
    expect(parseDockStatus({ status: 'Failed' }).state).toBe('FAILED')
    expect(parseDockStatus({ status: 'completed' }).state).toBe('SUCCESS')
    expect(parseDockStatus({ status: 'ERROR' }).state).toBe('FAILED')
    const queued = parseDockStatus({ status: 'queued', percentageComplete: 5 })
    expect(queued).toMatchObject({ state: 'IN_PROGRESS', rawStatus: 'queued', percentComplete: 5 })
  })

  it('gathers the reason for a failure from whatever the server sent', () => {
    const failed = parseDockStatus({
      status: 'FAILED',
      statusLogs: ['Flow not deployed', { message: 'Export aborted' }],
      message: 'Job failed',
      errors: [{ msg: 'Flow not deployed' }]
    })
    expect(failed.reason).toBe('Flow not deployed; Export aborted; Job failed')
  })

  it('prefers a download link on the status record', () => {
    expect(parseDockStatus({ status: 'SUCCESS', downloadUrl: ' https://a/b' }).downloadUrl).toBe(
      'https://a/b'
    )
  })

  it('rejects a record without a status', () => {
    expect(() => parseDockStatus({ _id: 'ds-1' })).toThrow('no status')
  })
})

describe('the tool an answer names', () => {
  it('is read in any spelling, and one answer naming two tools is refused', () => {
    const named = (extra: object) => parseDockStatus({ status: 'SUCCESS', ...extra }).toolId
    expect(named({ toolID: 'a-1', response: { toolId: 'a-1' } })).toBe('a-1')
    expect(named({ response: { workflowId: 7 } })).toBe('7')
    expect(() => named({ toolId: 'a-1', response: { toolId: 'a-2' } })).toThrow(
      "Kore.ai's answer names more than one tool (a-1, a-2)"
    )
    expect(() => named({ toolId: 'a-1', workflowId: 'a-2' })).toThrow('more than one tool')
    // JSON.parse rounds 9007199254740993 to ...992: a rounded id would name another tool.
    for (const odd of [JSON.parse('9007199254740993'), 1.5, ['a-1'], { id: 'a-1' }, true]) {
      expect(() => named({ toolId: odd })).toThrow(
        "Kore.ai's answer gives toolId in a form that cannot be read as one tool id"
      )
    }
    expect(named({ toolId: null, response: { toolId: 'a-1' } })).toBe('a-1')
  })
})

describe('parseUploadedFile', () => {
  it('reads fileId written as text or as a number, and refuses one that is not plain', () => {
    expect(parseUploadedFile({ url: ' x ', fileId: '657abc' })).toEqual({
      fileId: '657abc',
      url: 'x'
    })
    expect(parseUploadedFile({ fileId: 657 })).toEqual({ fileId: '657', url: '' })
    expect(parseUploadedFile({ response: { fileId: 'f1', url: 'u' } }).url).toBe('u')
    expect(() => parseUploadedFile({ fileId: '65/7' })).toThrow('not a plain id')
    expect(() => parseUploadedFile({ url: 'x' })).toThrow('the file upload answer has no fileId')
  })
})

// Each case here was a mutant that survived StrykerJS over src/kore/responses.ts.
describe('answers read at the border, pinned', () => {
  it('takes a starting answer as final only when its status says so', () => {
    const stateOf = (status: string | undefined) =>
      parseJobStarted({ _id: 'ds-1', ...(status === undefined ? {} : { status }) }, 'import').state
    expect(stateOf(undefined)).toBe('IN_PROGRESS')
    expect(stateOf('Success')).toBe('SUCCESS')
    expect(stateOf('queued')).toBe('IN_PROGRESS')
    for (const failed of ['FAILED', 'failed', 'Cancelled', 'timed out', 'timed_out', 'timed-out']) {
      expect([failed, stateOf(failed)]).toEqual([failed, 'FAILED'])
    }
  })

  it('names what was missing, the keys that were sent, and which id was not plain', () => {
    expect(() => parseJobStarted({ id: 'x', jobId: 'y' }, 'import')).toThrow(
      'the import answer has no dock status id (looked for dockStatusId, dock-statusId, _id); keys sent: id, jobId'
    )
    expect(() => parseJobStarted({}, 'deploy')).toThrow('keys sent: none')
    expect(() => parseUploadedFile({ url: 'u' })).toThrow('has no fileId; keys sent: url')
    expect(() => parseUploadedFile({})).toThrow('has no fileId; keys sent: none')
    const notPlain = [
      [() => parseJobStarted({ _id: 'a b' }, 'import'), 'a dock status id'],
      [() => parseExportStarted({ _id: 'ds-1', exportJobId: 'a/b' }), 'an export job id'],
      [() => parseUploadedFile({ fileId: 'a b' }), 'a file id'],
      [() => parseDockStatus({ status: 'SUCCESS', toolId: 'a b' }), 'a tool id']
    ] as const
    for (const [parse, what] of notPlain) {
      expect(parse).toThrow(`Kore.ai sent ${what} that is not a plain id`)
    }
  })

  it('reads ids under response, and a file id written as a number, text first', () => {
    expect(parseExportStarted({ _id: 'ds-1', response: { exportJobId: 'ej-1' } }).exportJobId).toBe(
      'ej-1'
    )
    expect(parseUploadedFile({ response: { fileId: 'f-2' } }).fileId).toBe('f-2')
    expect(parseUploadedFile({ response: { fileId: 42 } }).fileId).toBe('42')
    expect(parseUploadedFile({ fileId: 'f-text', response: { fileId: 42 } }).fileId).toBe('f-text')
  })

  it("reads the job's action in either place, upper case, and a percentage only as a number", () => {
    expect(parseDockStatus({ status: 'x', action: 'import' }).action).toBe('IMPORT')
    expect(parseDockStatus({ status: 'x', response: { action: 'Deploy' } }).action).toBe('DEPLOY')
    expect(parseDockStatus({ status: 'x', percentageComplete: '50' }).percentComplete).toBe(
      undefined
    )
  })

  it('reads every spelling of the tool id, trimmed', () => {
    const named = (key: string, value: unknown) =>
      parseDockStatus({ status: 'SUCCESS', [key]: value }).toolId
    for (const key of ['toolId', 'toolID', 'tool_id', 'workflowId', 'workflowID', 'workflow_id']) {
      expect([key, named(key, ' a-1\t')]).toEqual([key, 'a-1'])
    }
    expect(named('toolId', '   ')).toBe('')
  })

  it('collects the reason from msg and error too', () => {
    expect(failureReason({ msg: 'locked' })).toBe('locked')
    expect(failureReason({ error: 'denied' })).toBe('denied')
  })

  it('refuses an id holding a secret of the run, naming which id', () => {
    hideSecret('run-secret-0123')
    expect(() => parseJobStarted({ _id: 'ds-run-secret-0123' }, 'import')).toThrow(
      'Kore.ai sent a dock status id that holds a secret of this run'
    )
  })
})
