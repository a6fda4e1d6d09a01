import { BranchHead, ChangeSet, gitBlobSha, Octokit, Repo } from './git-data.js'

/** Writing through GitHub's Git Data API: the changed files as tree(s), then one commit. */

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
