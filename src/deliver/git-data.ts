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
  const treeSha = await subtreeSha(octokit, repo, rootTreeSha, directory)
  if (!treeSha) return new Map()
  const { data } = await octokit.rest.git.getTree({ ...repo, tree_sha: treeSha, recursive: 'true' })
  if (data.truncated) throw new Error(`the tree under ${directory} is too large to list`)
  const files = new Map<string, string>()
  for (const entry of data.tree) {
    if (entry.type === 'blob' && entry.path && entry.sha) files.set(entry.path, entry.sha)
  }
  return files
}

/** The tree at `directory` ('' is the root), walked one level at a time; undefined if absent. */
async function subtreeSha(
  octokit: Octokit,
  repo: Repo,
  rootTreeSha: string,
  directory: string
): Promise<string | undefined> {
  let treeSha = rootTreeSha
  for (const segment of directory ? directory.split('/') : []) {
    const { data } = await octokit.rest.git.getTree({ ...repo, tree_sha: treeSha })
    const next = data.tree.find(entry => entry.path === segment && entry.type === 'tree')
    if (!next?.sha) return undefined
    treeSha = next.sha
  }
  return treeSha
}

/** The deepest directory holding all of them ('' when they only share the root). */
export function commonParent(directories: string[]): string {
  const [first = '', ...others] = directories.map(d => d.split('/'))
  const shared: string[] = []
  // A directory's own last segment is never the parent: the listing must include it.
  for (let i = 0; i < first.length - 1; i++) {
    if (others.some(d => d.length - 1 <= i || d[i] !== first[i])) break
    shared.push(first[i] as string)
  }
  return shared.join('/')
}

/**
 * Blob SHAs of every file under each directory: one recursive listing of their common parent
 * (plus one request per level down to it), whatever their number. Only when GitHub truncates that
 * listing is each directory listed on its own.
 */
export async function readDirectories(
  octokit: Octokit,
  repo: Repo,
  head: BranchHead,
  directories: string[]
): Promise<Map<string, Map<string, string>>> {
  const found = new Map(directories.map(d => [d, new Map<string, string>()]))
  const parent = commonParent(directories)
  const parentSha = await subtreeSha(octokit, repo, head.treeSha, parent)
  if (!parentSha) return found
  const { data } = await octokit.rest.git.getTree({
    ...repo,
    tree_sha: parentSha,
    recursive: 'true'
  })
  if (data.truncated) {
    for (const directory of directories) {
      found.set(directory, await readDirectory(octokit, repo, head.treeSha, directory))
    }
    return found
  }
  const prefix = parent ? `${parent}/` : ''
  for (const entry of data.tree) {
    if (entry.type !== 'blob' || !entry.path || !entry.sha) continue
    const fullPath = `${prefix}${entry.path}`
    // The directory holding this file is one of its ancestors: try each, deepest first.
    for (let cut = fullPath.lastIndexOf('/'); cut > 0; cut = fullPath.lastIndexOf('/', cut - 1)) {
      const files = found.get(fullPath.slice(0, cut))
      if (files) {
        files.set(fullPath.slice(cut + 1), entry.sha)
        break
      }
    }
  }
  return found
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

/**
 * Why a directory must not be written, given the names of the files the branch holds there (and
 * a reader of them) and the files wanted; undefined when it may be.
 */
export type DirectoryCheck = (
  directory: string,
  existing: string[],
  wanted: Map<string, Buffer>,
  read: (name: string) => Promise<Buffer>
) => Promise<string | undefined>

/** Changes per directory, and a reader of what the branch held before them. */
export interface BranchDiff {
  changes: ChangeSet
  /** Directories the check refused (left out of `changes`), with the reason. */
  refused: Map<string, string>
  /**
   * The branch's old content of a directory's modified and removed files; undefined when the
   * directory did not exist (a first backup).
   */
  previous: (directory: string) => Promise<Map<string, Buffer> | undefined>
}

/** Reads the directories from the branch and diffs each against the files wanted there. */
export async function diffDirectories(
  octokit: Octokit,
  repo: Repo,
  head: BranchHead,
  wanted: Map<string, Map<string, Buffer>>,
  blobCache: Map<string, Buffer> = new Map(),
  check: DirectoryCheck = async () => undefined
): Promise<BranchDiff> {
  const existing = await readDirectories(octokit, repo, head, [...wanted.keys()])
  const changes: ChangeSet = new Map()
  const refused = new Map<string, string>()
  for (const [directory, files] of wanted) {
    const held = existing.get(directory) ?? new Map<string, string>()
    const found = diffFiles(held, files)
    if (!hasChanges(found)) continue
    const read = async (name: string): Promise<Buffer> => {
      const sha = held.get(name) as string
      return blobCache.get(sha) ?? (await readBlob(octokit, repo, sha, blobCache))
    }
    const reason = await check(directory, [...held.keys()], files, read)
    if (reason) refused.set(directory, reason)
    else changes.set(directory, found)
  }
  const previous = async (directory: string): Promise<Map<string, Buffer> | undefined> => {
    const shas = existing.get(directory)
    if (!shas || shas.size === 0) return undefined
    const { modified = [], removed = [] } = changes.get(directory) ?? {}
    const files = new Map<string, Buffer>()
    for (const name of [...modified, ...removed]) {
      const sha = shas.get(name) as string
      files.set(name, blobCache.get(sha) ?? (await readBlob(octokit, repo, sha, blobCache)))
    }
    return files
  }
  return { changes, refused, previous }
}

async function readBlob(
  octokit: Octokit,
  repo: Repo,
  sha: string,
  cache: Map<string, Buffer>
): Promise<Buffer> {
  const { data } = await octokit.rest.git.getBlob({ ...repo, file_sha: sha })
  const content = Buffer.from(data.content, data.encoding === 'base64' ? 'base64' : 'utf8')
  cache.set(sha, content)
  return content
}

type TreeEntry = { path: string; mode: '100644'; type: 'blob' } & (
  { content: string } | { sha: string | null }
)

/**
 * The most JSON one create-tree request carries. GitHub documents no limit for it; 8 MiB is far
 * below what its API accepts for a request body, and more than a few hundred tools' exports.
 * Larger changes go in several trees, each built on the one before.
 */
export const MAX_TREE_REQUEST_BYTES = 8 * 1024 * 1024

/**
 * Tree(s) on top of `base` (removals included) → commit; returns the commit's SHA. Text files
 * travel inline in the tree request (`content`), so a first backup of any number of tools is one
 * tree, one commit: only non-UTF-8 files need a blob request of their own. Blobs in `stored`
 * (already on GitHub, from an earlier try) are referred to by SHA instead of sent again.
 */
export async function writeCommit(
  octokit: Octokit,
  repo: Repo,
  base: BranchHead,
  wanted: Map<string, Map<string, Buffer>>,
  changeSet: ChangeSet,
  message: string,
  stored: Set<string> = new Set()
): Promise<string> {
  const entries: TreeEntry[] = []
  for (const [directory, changes] of changeSet) {
    const files = wanted.get(directory) ?? new Map<string, Buffer>()
    for (const name of [...changes.added, ...changes.modified]) {
      const path = `${directory}/${name}`
      entries.push({
        path,
        mode: '100644',
        type: 'blob',
        ...(await blobOf(octokit, repo, files.get(name) as Buffer, stored))
      })
    }
    for (const name of changes.removed) {
      entries.push({ path: `${directory}/${name}`, mode: '100644', type: 'blob', sha: null })
    }
  }
  let treeSha = base.treeSha
  for (const part of inParts(entries)) {
    const { data: tree } = await octokit.rest.git.createTree({
      ...repo,
      base_tree: treeSha,
      tree: part
    })
    treeSha = tree.sha
  }
  // What the trees carried inline is on GitHub now: a rebuilt commit can point at it.
  for (const entry of entries)
    if ('content' in entry) stored.add(gitBlobSha(Buffer.from(entry.content, 'utf8')))
  const { data: commit } = await octokit.rest.git.createCommit({
    ...repo,
    message,
    tree: treeSha,
    parents: [base.commitSha]
  })
  return commit.sha
}

/** Inline text when the bytes are UTF-8, a SHA GitHub already has, or a blob created now. */
async function blobOf(
  octokit: Octokit,
  repo: Repo,
  content: Buffer,
  stored: Set<string>
): Promise<{ content: string } | { sha: string }> {
  const sha = gitBlobSha(content)
  if (stored.has(sha)) return { sha }
  const text = content.toString('utf8')
  if (Buffer.from(text, 'utf8').equals(content)) return { content: text }
  const { data } = await octokit.rest.git.createBlob({
    ...repo,
    content: content.toString('base64'),
    encoding: 'base64'
  })
  stored.add(data.sha)
  return { sha: data.sha }
}

/** Splits tree entries so that no request carries more than MAX_TREE_REQUEST_BYTES of JSON. */
function inParts(entries: TreeEntry[]): TreeEntry[][] {
  const parts: TreeEntry[][] = [[]]
  let size = 0
  for (const entry of entries) {
    const entrySize = Buffer.byteLength(JSON.stringify(entry))
    const current = parts[parts.length - 1] as TreeEntry[]
    if (current.length > 0 && size + entrySize > MAX_TREE_REQUEST_BYTES) {
      parts.push([entry])
      size = entrySize
    } else {
      current.push(entry)
      size += entrySize
    }
  }
  return parts
}
