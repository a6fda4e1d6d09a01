import { forEachWithLimit } from '../../concurrency.js'
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
  const { data: answer } = await octokit.rest.git.getTree({
    ...repo,
    tree_sha: treeSha,
    recursive: 'true'
  })
  const data = parsed(answer)
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
async function readDirectories(
  octokit: Octokit,
  repo: Repo,
  head: BranchHead,
  directories: string[]
): Promise<Map<string, Map<string, string>>> {
  const found = new Map(directories.map(d => [d, new Map<string, string>()]))
  const parent = commonParent(directories)
  const parentSha = await subtreeSha(octokit, repo, head.treeSha, parent)
  if (!parentSha) return found
  const { data: answer } = await octokit.rest.git.getTree({
    ...repo,
    tree_sha: parentSha,
    recursive: 'true'
  })
  const data = parsed(answer)
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

/**
 * Called with what the branch holds of a directory before it is compared: it may replace
 * wanted files with the branch's bytes when they mean the same (an encrypted file whose
 * content did not change, since encryption never gives the same bytes twice).
 */
export type DirectorySettle = (
  directory: string,
  existing: string[],
  wanted: Map<string, Buffer>,
  read: (name: string) => Promise<Buffer>
) => Promise<void>

/** Blob reads at once while settling: GitHub's secondary limits allow a few concurrent ones. */
const SETTLE_PARALLEL = 8

export interface DiffOptions {
  /** Blobs already read or written this run, by SHA. */
  blobCache?: Map<string, Buffer>
  check?: DirectoryCheck
  settle?: DirectorySettle
}

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
  { blobCache = new Map(), check, settle }: DiffOptions = {}
): Promise<BranchDiff> {
  const existing = await readDirectories(octokit, repo, head, [...wanted.keys()])
  const changes: ChangeSet = new Map()
  const refused = new Map<string, string>()
  const readerOf = (held: Map<string, string>) => async (name: string) => {
    const sha = held.get(name) as string
    return blobCache.get(sha) ?? (await readBlob(octokit, repo, sha, blobCache))
  }
  // Settling reads a blob per directory (an encrypted file to compare): a few at a time.
  if (settle) {
    await forEachWithLimit([...wanted], SETTLE_PARALLEL, async ([directory, files]) => {
      const held = existing.get(directory)
      if (held && held.size > 0) await settle(directory, [...held.keys()], files, readerOf(held))
    })
  }
  for (const [directory, files] of wanted) {
    const held = existing.get(directory) ?? new Map<string, string>()
    const read = readerOf(held)
    const found = diffFiles(held, files)
    if (!hasChanges(found)) continue
    const reason = await check?.(directory, [...held.keys()], files, read)
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

/**
 * Octokit's JSON parser (json-with-bigint) overflows its stack on bodies of several megabytes
 * (a blob of a large flow, a listing of a large tree) and then hands back the raw text: that
 * text is parsed here, natively.
 */
function parsed<T>(data: T | string): T {
  return typeof data === 'string' ? (JSON.parse(data) as T) : data
}

async function readBlob(
  octokit: Octokit,
  repo: Repo,
  sha: string,
  cache: Map<string, Buffer>
): Promise<Buffer> {
  const { data: answer } = await octokit.rest.git.getBlob({ ...repo, file_sha: sha })
  const data = parsed(answer)
  const content = Buffer.from(data.content, data.encoding === 'base64' ? 'base64' : 'utf8')
  cache.set(sha, content)
  return content
}
