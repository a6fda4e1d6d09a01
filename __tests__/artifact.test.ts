import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { uploadExportArtifact } from '../src/artifact.js'
import { startArtifactService } from './fakes/artifact-service.js'
import { sampleExport } from './fakes/zip.js'
import { tempDir } from './helpers/setup.js'

type Service = Awaited<ReturnType<typeof startArtifactService>>

const RUN_ENV = ['ACTIONS_RUNTIME_TOKEN', 'ACTIONS_RESULTS_URL', 'GITHUB_SERVER_URL']

describe('uploadExportArtifact', () => {
  let service: Service | undefined
  let file: string
  beforeEach(() => {
    file = path.join(tempDir(), 'kore-tool-a-1.zip')
    fs.writeFileSync(file, sampleExport('a-1'))
  })
  afterEach(async () => {
    RUN_ENV.forEach(name => delete process.env[name])
    await service?.close()
    service = undefined
  })

  async function startService(options: Parameters<typeof startArtifactService>[0] = {}) {
    service = await startArtifactService(options)
    Object.assign(process.env, service.env)
    return service
  }

  it('uploads the zip itself, unarchived, with the retention asked for', async () => {
    const artifacts = (await startService()).artifacts
    const uploaded = await uploadExportArtifact({
      file,
      retentionDays: 7,
      overwrite: false,
      timeoutSeconds: 30
    })
    expect(uploaded).toMatchObject({ id: artifacts[0]?.id, name: 'kore-tool-a-1.zip' })
    expect(artifacts).toHaveLength(1)
    expect(artifacts[0]?.blob?.equals(fs.readFileSync(file))).toBe(true)
    expect(artifacts[0]?.mimeType).toBe('application/zip')
    const days = (Date.parse(artifacts[0]!.expiresAt!) - Date.now()) / 86_400_000
    expect(days).toBeGreaterThan(6.9)
    expect(days).toBeLessThan(7.1)
  })

  it('names the input to change when the name is taken in this run', async () => {
    const artifacts = (await startService({ existing: [{ name: 'kore-tool-a-1.zip' }] })).artifacts
    await expect(
      uploadExportArtifact({ file, overwrite: false, timeoutSeconds: 30 })
    ).rejects.toThrow(
      /already exists in this run: set overwrite: true .* artifact-name\. The zip itself is kept at/
    )
    expect(artifacts.filter(a => a.finalized)).toHaveLength(1)
    expect(fs.existsSync(file)).toBe(true)
  })

  it('replaces the namesake when overwrite is true', async () => {
    const artifacts = (await startService({ existing: [{ name: 'kore-tool-a-1.zip' }] })).artifacts
    const earlierId = artifacts[0]?.id
    const uploaded = await uploadExportArtifact({ file, overwrite: true, timeoutSeconds: 30 })
    expect(artifacts).toHaveLength(1)
    expect(uploaded.id).not.toBe(earlierId)
    expect(artifacts[0]?.blob?.equals(fs.readFileSync(file))).toBe(true)
    expect(service?.calls.map(c => c.method)).toEqual([
      'ListArtifacts',
      'DeleteArtifact',
      'CreateArtifact',
      'FinalizeArtifact'
    ])
  })

  it('overwrite with nothing to replace just uploads', async () => {
    await startService()
    await expect(
      uploadExportArtifact({ file, overwrite: true, timeoutSeconds: 30 })
    ).resolves.toMatchObject({
      name: 'kore-tool-a-1.zip'
    })
  })

  it('explains a run outside GitHub Actions and how to turn uploads off', async () => {
    await expect(
      uploadExportArtifact({ file, overwrite: false, timeoutSeconds: 30 })
    ).rejects.toThrow(
      /ACTIONS_RUNTIME_TOKEN .* not running in a GitHub Actions job\. Set upload-artifact: false/
    )
  })

  it('explains GitHub Enterprise Server', async () => {
    await startService()
    process.env.GITHUB_SERVER_URL = 'https://github.example.com'
    await expect(
      uploadExportArtifact({ file, overwrite: false, timeoutSeconds: 30 })
    ).rejects.toThrow(/GitHub Enterprise Server .* Set upload-artifact: false/)
    expect(service?.calls).toHaveLength(0)
  })
})
