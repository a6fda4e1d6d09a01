import { describe, expect, it } from '@jest/globals'
import * as age from 'age-encryption'
import { redactSecureValues } from '../src/backup/redaction.js'
import {
  changedSecureValues,
  decryptSecureValues,
  encryptSecureValues,
  sameSecureValues,
  sealedValuesOf
} from '../src/backup/secrets-file.js'

describe('the encrypted secure values', () => {
  it('round-trips each value as its exported JSON text, and tells what changed', async () => {
    const redaction = redactSecureValues(
      '[{"key":"A","value":"x\\u00e9","isSecured":true},{"key":"B","value":12.50,"isSecured":true},{"key":"C","value":"open"}]'
    )
    const values = sealedValuesOf(redaction)
    expect([...values]).toEqual([
      ['A', ['"x\\u00e9"']],
      ['B', ['12.50']]
    ])
    const identity = await age.generateIdentity()
    const sealed = await encryptSecureValues(values, await age.identityToRecipient(identity))
    expect(sealed.toString('utf8')).not.toContain('12.50')
    const opened = await decryptSecureValues(sealed, identity)
    expect(sameSecureValues(opened, values)).toBe(true)
    const rotated = new Map([...values, ['B', ['13']]])
    expect(sameSecureValues(opened, rotated)).toBe(false)
    expect(changedSecureValues(opened, rotated)).toEqual(['B'])
  })

  it('refuses two secure variables of one name', () => {
    const redaction = redactSecureValues(
      '[{"key":"A","value":"1","isSecured":true},{"key":"A","value":"2","isSecured":true}]'
    )
    expect(() => sealedValuesOf(redaction)).toThrow('two secure variables are named A')
  })

  it('refuses a file that decrypts to something else, never showing it', async () => {
    const identity = await age.generateIdentity()
    const encrypter = new age.Encrypter()
    encrypter.addRecipient(await age.identityToRecipient(identity))
    const other = Buffer.from(await encrypter.encrypt('{"values":{"A":["hidden-value"]}}'))
    await expect(decryptSecureValues(other, identity)).rejects.toThrow(
      'it decrypts to JSON that is not kore-tool-export/secure-values@1'
    )
    await expect(decryptSecureValues(Buffer.from('not age at all'), identity)).rejects.toThrow(
      'cannot be decrypted'
    )
  })
})
