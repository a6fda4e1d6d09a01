import { afterEach, beforeEach } from '@jest/globals'
import type { CommitRequest } from '../../src/export/deliver/commit.js'
import { startGithubApi } from '../fakes/github-api.js'

export type Github = Awaited<ReturnType<typeof startGithubApi>>

/** Files as the commit step takes them: name → bytes. */
export const files = (entries: Record<string, string>): Map<string, Buffer> =>
  new Map(Object.entries(entries).map(([name, text]) => [name, Buffer.from(text)]))

/** Starts the fake GitHub API and points GITHUB_API_URL at it (read when Octokit is made). */
export async function startGithub(options: Parameters<typeof startGithubApi>[0] = {}) {
  const github = await startGithubApi(options)
  process.env.GITHUB_API_URL = github.url
  return github
}

/** Registers the per-test clean-up: no leftover GITHUB_REF / GITHUB_API_URL, fake closed. */
export function resetGithubEachTest(current: () => Github | undefined): void {
  beforeEach(() => {
    delete process.env.GITHUB_REF
  })
  afterEach(async () => {
    delete process.env.GITHUB_API_URL
    await current()?.close()
  })
}

export type Overrides = Partial<CommitRequest> & { files?: Map<string, Buffer> }

/** One tool's files under kore-tools/a-1, unless overridden. */
export function commitRequest(
  github: Github,
  { files: wanted, ...overrides }: Overrides = {}
): CommitRequest {
  return {
    token: github.token,
    repository: github.repository,
    branch: '',
    directories: new Map([
      ['kore-tools/a-1', wanted ?? files({ 'flow.json': '{\n  "v": 1\n}\n', 'app.json': '{}\n' })]
    ]),
    describe: async () => ({
      message: 'Back up Kore.ai tool a-1 (export tool-ej-1)',
      pullRequestBody: 'body'
    }),
    pullRequestTitle: 'Back up Kore.ai tool a-1',
    ...overrides
  }
}
