import { createHash } from 'node:crypto'
import type { getOctokit } from '@actions/github'

/** Thin helpers over GitHub's Git Data API: read a branch, read a directory, write a commit. */

export type Octokit = ReturnType<typeof getOctokit>

export interface Repo {
  owner: string
  repo: string
}

export interface BranchHead {
  commitSha: string
  treeSha: string
}

export interface FileChanges {
  added: string[]
  modified: string[]
  removed: string[]
}

export class BranchNotFoundError extends Error {
  constructor(readonly branch: string) {
    super(`branch ${branch} does not exist`)
    this.name = 'BranchNotFoundError'
  }
}

/** Git's blob id, computed locally so unchanged files need no request. */
export function gitBlobSha(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex')
}

export async function readBranch(
  octokit: Octokit,
  repo: Repo,
  branch: string
): Promise<BranchHead> {
  let commitSha: string
  try {
    const { data } = await octokit.rest.git.getRef({ ...repo, ref: `heads/${branch}` })
    commitSha = data.object.sha
  } catch (error) {
    if ((error as { status?: number }).status === 404) throw new BranchNotFoundError(branch)
    throw error
  }
  const { data: commit } = await octokit.rest.git.getCommit({ ...repo, commit_sha: commitSha })
  return { commitSha, treeSha: commit.tree.sha }
}

/** Blob SHAs of every file under `directory` (paths relative to it); empty if it is absent. */
async function readDirectory(
  octokit: Octokit,
  repo: Repo,
  rootTreeSha: string,
  directory: string
): Promise<Map<string, string>> {
  let treeSha = rootTreeSha
  // Walk down one level at a time: a recursive listing of a big repository can be truncated.
  for (const segment of directory.split('/')) {
    const { data } = await octokit.rest.git.getTree({ ...repo, tree_sha: treeSha })
    const next = data.tree.find(entry => entry.path === segment && entry.type === 'tree')
    if (!next?.sha) return new Map()
    treeSha = next.sha
  }
  const { data } = await octokit.rest.git.getTree({ ...repo, tree_sha: treeSha, recursive: 'true' })
  if (data.truncated) throw new Error(`the tree under ${directory} is too large to list`)
  const files = new Map<string, string>()
  for (const entry of data.tree) {
    if (entry.type === 'blob' && entry.path && entry.sha) files.set(entry.path, entry.sha)
  }
  return files
}

function diffFiles(existing: Map<string, string>, wanted: Map<string, Buffer>): FileChanges {
  const changes: FileChanges = { added: [], modified: [], removed: [] }
  for (const [name, content] of wanted) {
    const current = existing.get(name)
    if (current === undefined) changes.added.push(name)
    else if (current !== gitBlobSha(content)) changes.modified.push(name)
  }
  for (const name of existing.keys()) if (!wanted.has(name)) changes.removed.push(name)
  return changes
}

function hasChanges(changes: FileChanges): boolean {
  return changes.added.length + changes.modified.length + changes.removed.length > 0
}

/** Changes per directory, for the directories that have any. */
export type ChangeSet = Map<string, FileChanges>

/** Reads each directory from the branch and diffs it against the files wanted there. */
export async function diffDirectories(
  octokit: Octokit,
  repo: Repo,
  head: BranchHead,
  wanted: Map<string, Map<string, Buffer>>
): Promise<ChangeSet> {
  const changeSet: ChangeSet = new Map()
  for (const [directory, files] of wanted) {
    const existing = await readDirectory(octokit, repo, head.treeSha, directory)
    const changes = diffFiles(existing, files)
    if (hasChanges(changes)) changeSet.set(directory, changes)
  }
  return changeSet
}

/** blobs → tree on top of `base` (removals included) → commit; returns the commit's SHA. */
export async function writeCommit(
  octokit: Octokit,
  repo: Repo,
  base: BranchHead,
  wanted: Map<string, Map<string, Buffer>>,
  changeSet: ChangeSet,
  message: string
): Promise<string> {
  const entries: { path: string; mode: '100644'; type: 'blob'; sha: string | null }[] = []
  for (const [directory, changes] of changeSet) {
    const files = wanted.get(directory) ?? new Map<string, Buffer>()
    for (const name of [...changes.added, ...changes.modified]) {
      const content = files.get(name) as Buffer
      const { data } = await octokit.rest.git.createBlob({
        ...repo,
        content: content.toString('base64'),
        encoding: 'base64'
      })
      entries.push({ path: `${directory}/${name}`, mode: '100644', type: 'blob', sha: data.sha })
    }
    for (const name of changes.removed) {
      entries.push({ path: `${directory}/${name}`, mode: '100644', type: 'blob', sha: null })
    }
  }
  const { data: tree } = await octokit.rest.git.createTree({
    ...repo,
    base_tree: base.treeSha,
    tree: entries
  })
  const { data: commit } = await octokit.rest.git.createCommit({
    ...repo,
    message,
    tree: tree.sha,
    parents: [base.commitSha]
  })
  return commit.sha
}
