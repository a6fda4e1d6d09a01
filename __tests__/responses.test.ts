import { describe, expect, it } from '@jest/globals'
import { parseDockStatus, parseExportStarted, parseUploadedFile } from '../src/kore/responses.js'

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
  })
})

describe('parseUploadedFile', () => {
  it('reads fileId written as text or as a number, and refuses one that is not plain', () => {
    expect(parseUploadedFile({ url: 'x', fileId: '657abc' })).toBe('657abc')
    expect(parseUploadedFile({ fileId: 657 })).toBe('657')
    expect(() => parseUploadedFile({ fileId: '65/7' })).toThrow('not a plain id')
    expect(() => parseUploadedFile({ url: 'x' })).toThrow('the file upload answer has no fileId')
  })
})
