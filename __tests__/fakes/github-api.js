// A stateful fake of the GitHub REST API parts the commit step uses: repos, git refs, commits,
// trees (recursive too), blobs and pulls. Object ids are real git SHA-1s, so blob SHAs computed
// by the action match. It answers like GitHub: 422 "Update is not a fast forward" when a ref
// moved, 404 for a missing branch, 403 for a read-only token.
import * as http from 'node:http'
import { createHash } from 'node:crypto'

/**
 * @typedef {{ name: string, mode: string, type: 'blob' | 'tree', sha: string }} TreeEntry
 * @typedef {{ tree: string, parents: string[], message: string }} Commit
 *
 * @typedef {object} GithubOptions
 * @property {string} [owner]
 * @property {string} [repo]
 * @property {string} [defaultBranch]
 * @property {string} [token]  a token with contents and pull-requests write
 * @property {string} [readOnlyToken]  a token that may read but gets 403 on writes
 * @property {string[]} [protectedBranches]  ref updates to these answer 422 "Protected branch update failed"
 * @property {number} [raceOnUpdate]  before this many ref updates, another "run" commits first
 * @property {number} [pullCreate502s]  this many pull requests are created but answered 502
 * @property {number} [refCreate502s]  this many branches are created but answered 502
 * @property {number} [twinRaces]  before this many ref updates, a twin run commits the same tree
 * @property {'public'|'private'|'internal'} [visibility]  what GET /repos/{owner}/{repo} says (public)
 * @property {boolean} [forbidPullRequests]  creating a PR answers 403 as for a token without that right
 * @property {number} [initialCommitAgeDays]  how old the repository's first (and only) commit is
 * @property {boolean} [forbidActions]  the token lacks actions: write (enabling a workflow: 403)
 * @property {string} [hangOn]  requests starting with this (e.g. 'POST /git/trees') never answer
 * @property {number} [truncateListingsOver]  recursive tree listings with more entries than this
 *   come back cut short with truncated: true, as GitHub does past its own limit
 */

/** @param {GithubOptions} [options] */
export async function startGithubApi(options = {}) {
  const owner = options.owner ?? 'acme'
  const repoName = options.repo ?? 'backups'
  const defaultBranch = options.defaultBranch ?? 'main'
  const token = options.token ?? 'ghs_write_token'
  /** @type {Map<string, Buffer>} */
  const blobs = new Map()
  /** @type {Map<string, TreeEntry[]>} */
  const trees = new Map()
  /** @type {Map<string, Commit>} */
  const commits = new Map()
  /** @type {Map<string, string>} ref name (heads/x) → commit sha */
  const refs = new Map()
  /** @type {{ number: number, head: string, base: string, title: string, body: string, state: string, comments: string[] }[]} */
  const pulls = []
  /** @type {{ method: string, path: string, body: any, at: number }[]} */
  const requests = []
  let racesLeft = options.raceOnUpdate ?? 0
  let twinRacesLeft = options.twinRaces ?? 0
  let pullCreate502sLeft = options.pullCreate502s ?? 0
  let refCreate502sLeft = options.refCreate502s ?? 0
  /** @type {Map<string, string>} commit sha → committer date (ISO) */
  const commitDates = new Map()
  /** @type {string[]} workflow ids enabled through the API, in order */
  const enabledWorkflows = []

  /** @param {Buffer} content */
  function putBlob(content) {
    const sha = gitSha('blob', content)
    blobs.set(sha, content)
    return sha
  }

  /** @param {TreeEntry[]} entries */
  function putTree(entries) {
    const sorted = [...entries].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1))
    const body = Buffer.concat(
      sorted.map(e =>
        Buffer.concat([Buffer.from(`${e.mode} ${e.name}\0`), Buffer.from(e.sha, 'hex')])
      )
    )
    const sha = gitSha('tree', body)
    trees.set(sha, sorted)
    return sha
  }

  /** @param {Commit} commit */
  function putCommit(commit) {
    const text = [`tree ${commit.tree}`, ...commit.parents.map(p => `parent ${p}`)]
      .concat([
        'author Fake <fake@example.com> 0 +0000',
        'committer Fake <fake@example.com> 0 +0000'
      ])
      .join('\n')
    const sha = gitSha('commit', Buffer.from(`${text}\n\n${commit.message}\n`))
    commits.set(sha, commit)
    if (!commitDates.has(sha)) commitDates.set(sha, new Date().toISOString())
    return sha
  }

  /**
   * Applies path edits (sha null removes) onto a tree, building nested trees as git does.
   * @param {string | undefined} baseSha
   * @param {{ path: string, mode: string, type: string, sha: string | null }[]} edits
   * @returns {string}
   */
  function editTree(baseSha, edits) {
    /** @type {Map<string, TreeEntry>} */
    const entries = new Map((baseSha ? (trees.get(baseSha) ?? []) : []).map(e => [e.name, e]))
    /** @type {Map<string, typeof edits>} */
    const nested = new Map()
    for (const edit of edits) {
      const [head, ...rest] = edit.path.split('/')
      if (!head) continue
      if (rest.length === 0) {
        if (edit.sha === null) entries.delete(head)
        else
          entries.set(head, {
            name: head,
            mode: edit.mode,
            type: /** @type {'blob'} */ ('blob'),
            sha: edit.sha
          })
      } else {
        nested.set(head, [...(nested.get(head) ?? []), { ...edit, path: rest.join('/') }])
      }
    }
    for (const [name, subEdits] of nested) {
      const current = entries.get(name)
      const subSha = editTree(current?.type === 'tree' ? current.sha : undefined, subEdits)
      if ((trees.get(subSha) ?? []).length === 0) entries.delete(name)
      else entries.set(name, { name, mode: '040000', type: 'tree', sha: subSha })
    }
    return putTree([...entries.values()])
  }

  /**
   * @param {string} treeSha
   * @param {string} prefix
   * @returns {{ path: string, mode: string, type: string, sha: string, size?: number }[]}
   */
  function listTree(treeSha, prefix, recursive = false) {
    return (trees.get(treeSha) ?? []).flatMap(e => {
      const item = {
        path: `${prefix}${e.name}`,
        mode: e.mode,
        type: e.type,
        sha: e.sha,
        ...(e.type === 'blob' ? { size: blobs.get(e.sha)?.length ?? 0 } : {})
      }
      return recursive && e.type === 'tree'
        ? [item, ...listTree(e.sha, `${item.path}/`, true)]
        : [item]
    })
  }

  /** Every commit reachable from `sha`, itself included. @param {string | undefined} sha */
  function ancestors(sha) {
    /** @type {string[]} */
    const seen = []
    const queue = sha ? [sha] : []
    while (queue.length > 0) {
      const next = /** @type {string} */ (queue.shift())
      if (seen.includes(next)) continue
      seen.push(next)
      queue.push(...(commits.get(next)?.parents ?? []))
    }
    return seen
  }

  /** @param {string} descendant @param {string} ancestor */
  function descendsFrom(descendant, ancestor) {
    const queue = [descendant]
    while (queue.length > 0) {
      const sha = /** @type {string} */ (queue.shift())
      if (sha === ancestor) return true
      queue.push(...(commits.get(sha)?.parents ?? []))
    }
    return false
  }

  /**
   * Commits files onto a branch directly, as a user or another run would.
   * @param {string} branch
   * @param {Record<string, string | null>} files  path → content (null removes)
   * @param {string} [message]
   */
  function commitFiles(branch, files, message = 'Commit by someone else') {
    const parent = refs.get(`heads/${branch}`)
    const baseTree = parent ? commits.get(parent)?.tree : undefined
    const edits = Object.entries(files).map(([path, content]) => ({
      path,
      mode: '100644',
      type: 'blob',
      sha: content === null ? null : putBlob(Buffer.from(content))
    }))
    const sha = putCommit({
      tree: editTree(baseTree, edits),
      parents: parent ? [parent] : [],
      message
    })
    refs.set(`heads/${branch}`, sha)
    return sha
  }

  const initial = commitFiles(defaultBranch, { 'README.md': '# backups\n' }, 'Initial commit')
  const initialAge = (options.initialCommitAgeDays ?? 0) * 86_400_000
  commitDates.set(initial, new Date(Date.now() - initialAge).toISOString())

  const base = `/repos/${owner}/${repoName}`
  const server = http.createServer(async (req, res) => {
    const body = await readJson(req)
    const url = new URL(req.url ?? '/', 'http://fake')
    const path = url.pathname
    const method = req.method ?? 'GET'
    requests.push({ method, path, body, at: Date.now() })
    const auth = req.headers.authorization ?? ''
    const given = auth.replace(/^(token|bearer) /i, '')
    if (given !== token && given !== options.readOnlyToken) {
      return send(res, 401, { message: 'Bad credentials', status: '401' })
    }
    if (method !== 'GET' && given !== token) {
      return send(res, 403, { message: 'Resource not accessible by integration', status: '403' })
    }
    if (!path.startsWith(`${base}`)) return notFound(res)
    const rest = path.slice(base.length)
    if (options.hangOn && `${method} ${rest}`.startsWith(options.hangOn)) return
    /** @type {RegExpMatchArray | null} */
    let match
    if (method === 'GET' && rest === '') {
      return send(res, 200, {
        name: repoName,
        full_name: `${owner}/${repoName}`,
        default_branch: defaultBranch,
        html_url: `https://github.com/${owner}/${repoName}`,
        private: (options.visibility ?? 'public') !== 'public',
        visibility: options.visibility ?? 'public'
      })
    }
    if ((match = rest.match(/^\/git\/ref\/(.+)$/)) && method === 'GET') {
      const ref = decodeURIComponent(match[1] ?? '')
      const sha = refs.get(ref)
      if (!sha) return notFound(res)
      return send(res, 200, refBody(ref, sha))
    }
    if ((match = rest.match(/^\/git\/refs\/(.+)$/)) && method === 'PATCH') {
      const ref = decodeURIComponent(match[1] ?? '')
      const current = refs.get(ref)
      if (!current) return send(res, 422, { message: 'Reference does not exist', status: '422' })
      if (options.protectedBranches?.includes(ref.replace(/^heads\//, ''))) {
        return send(res, 422, {
          message: `Protected branch update failed for refs/${ref}.`,
          status: '422'
        })
      }
      if (!commits.has(body.sha))
        return send(res, 422, { message: 'Object does not exist', status: '422' })
      if (racesLeft > 0) {
        racesLeft -= 1
        commitFiles(ref.replace(/^heads\//, ''), { [`other/${racesLeft}.txt`]: 'another run\n' })
      }
      if (twinRacesLeft > 0) {
        // A twin run lands the very same tree first.
        twinRacesLeft -= 1
        const tree = /** @type {Commit} */ (commits.get(body.sha)).tree
        refs.set(ref, putCommit({ tree, parents: [current], message: 'Twin run' }))
      }
      if (!body.force && !descendsFrom(body.sha, /** @type {string} */ (refs.get(ref)))) {
        return send(res, 422, { message: 'Update is not a fast forward', status: '422' })
      }
      refs.set(ref, body.sha)
      return send(res, 200, refBody(ref, body.sha))
    }
    if (rest === '/git/refs' && method === 'POST') {
      const ref = String(body.ref ?? '').replace(/^refs\//, '')
      if (!ref.startsWith('heads/'))
        return send(res, 422, { message: 'Reference name is invalid', status: '422' })
      if (refs.has(ref))
        return send(res, 422, { message: 'Reference already exists', status: '422' })
      if (!commits.has(body.sha))
        return send(res, 422, { message: 'Object does not exist', status: '422' })
      refs.set(ref, body.sha)
      if (refCreate502sLeft > 0) {
        refCreate502sLeft -= 1
        return send(res, 502, { message: 'Server Error' })
      }
      return send(res, 201, refBody(ref, body.sha))
    }
    if ((match = rest.match(/^\/git\/commits\/([0-9a-f]{40})$/)) && method === 'GET') {
      const commit = commits.get(match[1] ?? '')
      if (!commit) return notFound(res)
      return send(res, 200, commitBody(match[1] ?? '', commit))
    }
    if (rest === '/git/commits' && method === 'POST') {
      if (!trees.has(body.tree))
        return send(res, 422, { message: 'Tree SHA does not exist', status: '422' })
      if (
        !Array.isArray(body.parents) ||
        body.parents.some((/** @type {string} */ p) => !commits.has(p))
      ) {
        return send(res, 422, {
          message: 'Parent SHA does not exist or is not a commit object',
          status: '422'
        })
      }
      const commit = { tree: body.tree, parents: body.parents, message: String(body.message) }
      return send(res, 201, commitBody(putCommit(commit), commit))
    }
    if ((match = rest.match(/^\/git\/trees\/([0-9a-f]{40})$/)) && method === 'GET') {
      const sha = match[1] ?? ''
      if (!trees.has(sha)) return notFound(res)
      const recursive = url.searchParams.has('recursive')
      const listed = listTree(sha, '', recursive)
      const limit = options.truncateListingsOver
      if (recursive && limit !== undefined && listed.length > limit) {
        return send(res, 200, { sha, tree: listed.slice(0, limit), truncated: true })
      }
      return send(res, 200, { sha, tree: listed, truncated: false })
    }
    if (rest === '/git/trees' && method === 'POST') {
      if (body.base_tree && !trees.has(body.base_tree)) {
        return send(res, 422, { message: 'base_tree is not a valid tree oid', status: '422' })
      }
      /** @type {{ path: string, mode: string, type: string, sha: string | null }[]} */
      const edits = []
      for (const entry of body.tree ?? []) {
        // GitHub: "Use either tree.sha or content to specify the contents of the entry."
        if ('content' in entry && 'sha' in entry) {
          return send(res, 422, {
            message:
              'Must supply either tree.sha or tree.content. Request will be rejected if both are present.',
            status: '422'
          })
        }
        if ('content' in entry && typeof entry.content !== 'string') {
          return send(res, 422, { message: 'tree.content must be a string', status: '422' })
        }
        if (!('content' in entry) && entry.sha !== null && !blobs.has(entry.sha)) {
          return send(res, 422, { message: `GitRPC::BadObjectState: ${entry.sha}`, status: '422' })
        }
        const parts = String(entry.path).split('/')
        if (parts.some(p => p === '' || p === '.' || p === '..' || p.toLowerCase() === '.git')) {
          return send(res, 422, {
            message: 'tree.path contains a malformed path component',
            status: '422'
          })
        }
        const sha = 'content' in entry ? putBlob(Buffer.from(entry.content, 'utf8')) : entry.sha
        edits.push({ path: entry.path, mode: entry.mode, type: entry.type, sha })
      }
      const sha = editTree(body.base_tree, edits)
      return send(res, 201, { sha, tree: listTree(sha, ''), truncated: false })
    }
    if ((match = rest.match(/^\/git\/blobs\/([0-9a-f]{40})$/)) && method === 'GET') {
      const content = blobs.get(match[1] ?? '')
      if (!content) return notFound(res)
      return send(res, 200, {
        sha: match[1],
        size: content.length,
        encoding: 'base64',
        content: content.toString('base64')
      })
    }
    if (rest === '/git/blobs' && method === 'POST') {
      const content = Buffer.from(
        String(body.content),
        body.encoding === 'base64' ? 'base64' : 'utf8'
      )
      return send(res, 201, { sha: putBlob(content), url: `${base}/git/blobs` })
    }
    if ((match = rest.match(/^\/commits\/(.+)$/)) && method === 'GET') {
      const ref = decodeURIComponent(match[1] ?? '')
      const sha = refs.get(`heads/${ref}`) ?? (commits.has(ref) ? ref : undefined)
      if (!sha) return send(res, 422, { message: `No commit found for SHA: ${ref}`, status: '422' })
      const date = commitDates.get(sha)
      return send(res, 200, {
        sha,
        commit: {
          message: commits.get(sha)?.message,
          author: { name: 'Fake', date },
          committer: { name: 'Fake', date }
        }
      })
    }
    if ((match = rest.match(/^\/actions\/workflows\/([^/]+)\/enable$/)) && method === 'PUT') {
      if (options.forbidActions) {
        return send(res, 403, { message: 'Resource not accessible by integration', status: '403' })
      }
      enabledWorkflows.push(decodeURIComponent(match[1] ?? ''))
      res.writeHead(204)
      return res.end()
    }
    if (rest === '/pulls' && method === 'GET') {
      const head = url.searchParams.get('head')
      const baseBranch = url.searchParams.get('base')
      const state = url.searchParams.get('state') ?? 'open'
      const found = pulls.filter(
        p =>
          (!head || `${owner}:${p.head}` === head) &&
          (!baseBranch || p.base === baseBranch) &&
          (state === 'all' || p.state === state)
      )
      return send(res, 200, found.map(pullBody))
    }
    if (rest === '/pulls' && method === 'POST') {
      if (options.forbidPullRequests) {
        return send(res, 403, {
          message: 'GitHub Actions is not permitted to create or approve pull requests.',
          status: '403'
        })
      }
      if (!refs.has(`heads/${body.head}`) || !refs.has(`heads/${body.base}`)) {
        return send(res, 422, {
          message: 'Validation Failed',
          errors: [{ field: 'head', code: 'invalid' }],
          status: '422'
        })
      }
      if (pulls.some(p => p.head === body.head && p.base === body.base && p.state === 'open')) {
        return send(res, 422, {
          message: `A pull request already exists for ${owner}:${body.head}.`,
          status: '422'
        })
      }
      const pull = {
        number: pulls.length + 1,
        head: body.head,
        base: body.base,
        title: body.title,
        body: body.body ?? '',
        state: 'open',
        /** @type {string[]} */
        comments: []
      }
      pulls.push(pull)
      if (pullCreate502sLeft > 0) {
        // Created, but the answer is lost at the gateway: the client will try again.
        pullCreate502sLeft -= 1
        return send(res, 502, { message: 'Server Error' })
      }
      return send(res, 201, pullBody(pull))
    }
    if ((match = rest.match(/^\/issues\/(\d+)\/comments$/)) && method === 'POST') {
      const pull = pulls.find(p => p.number === Number(match?.[1]))
      if (!pull) return notFound(res)
      pull.comments.push(String(body.body))
      return send(res, 201, { id: pull.comments.length, body: body.body })
    }
    if ((match = rest.match(/^\/git\/refs\/(.+)$/)) && method === 'DELETE') {
      const ref = decodeURIComponent(match[1] ?? '')
      if (!refs.delete(ref)) {
        return send(res, 422, { message: 'Reference does not exist', status: '422' })
      }
      res.writeHead(204)
      return res.end()
    }
    if ((match = rest.match(/^\/pulls\/(\d+)$/)) && method === 'GET') {
      const pull = pulls.find(p => p.number === Number(match?.[1]))
      if (!pull) return notFound(res)
      // As GitHub counts them: commits on the head branch that the base branch does not have.
      const inBase = new Set(ancestors(refs.get(`heads/${pull.base}`)))
      const commitCount = ancestors(refs.get(`heads/${pull.head}`)).filter(c => !inBase.has(c))
      return send(res, 200, { ...pullBody(pull), commits: commitCount.length })
    }
    if ((match = rest.match(/^\/pulls\/(\d+)$/)) && method === 'PATCH') {
      const pull = pulls.find(p => p.number === Number(match?.[1]))
      if (!pull) return notFound(res)
      Object.assign(pull, {
        title: body.title ?? pull.title,
        body: body.body ?? pull.body,
        state: body.state ?? pull.state
      })
      return send(res, 200, pullBody(pull))
    }
    notFound(res)
  })

  /** @param {string} ref @param {string} sha */
  function refBody(ref, sha) {
    return {
      ref: `refs/${ref}`,
      object: { sha, type: 'commit', url: `${base}/git/commits/${sha}` }
    }
  }
  /** @param {string} sha @param {Commit} commit */
  function commitBody(sha, commit) {
    return {
      sha,
      message: commit.message,
      tree: { sha: commit.tree },
      parents: commit.parents.map(p => ({ sha: p })),
      verification: { verified: true, reason: 'valid' },
      html_url: `https://github.com/${owner}/${repoName}/commit/${sha}`
    }
  }
  /** @param {(typeof pulls)[number]} pull */
  function pullBody(pull) {
    return {
      number: pull.number,
      state: pull.state,
      title: pull.title,
      body: pull.body,
      head: { ref: pull.head, label: `${owner}:${pull.head}` },
      base: { ref: pull.base },
      html_url: `https://github.com/${owner}/${repoName}/pull/${pull.number}`
    }
  }

  await new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve(undefined)))
  const address = /** @type {import('node:net').AddressInfo} */ (server.address())
  return {
    url: `http://127.0.0.1:${address.port}`,
    token,
    repository: `${owner}/${repoName}`,
    /** What it was started with; a test may change it, as an admin changes a setting. */
    options,
    requests,
    pulls,
    /** Every blob stored, reachable or not, by SHA. */
    blobs,
    /** Every commit made, on a branch or left behind by a failed update, by SHA. */
    commits,
    commitFiles,
    /** What a workflow run on main in this repository has in its environment. */
    env: {
      GITHUB_API_URL: `http://127.0.0.1:${address.port}`,
      GITHUB_REPOSITORY: `${owner}/${repoName}`,
      GITHUB_REF: `refs/heads/${defaultBranch}`
    },
    /** Workflow ids enabled through the API. */
    enabledWorkflows,
    /** Requests so far that read (GET) and that wrote (anything else). */
    counts() {
      const reads = requests.filter(r => r.method === 'GET').length
      return { reads, writes: requests.length - reads }
    },
    /** Commits on a branch, newest first, following first parents. @param {string} branch */
    history(branch) {
      const list = []
      for (let sha = refs.get(`heads/${branch}`); sha; sha = commits.get(sha)?.parents[0]) {
        list.push({ sha, .../** @type {Commit} */ (commits.get(sha)) })
      }
      return list
    },
    /** Files of a branch under a directory, as text. @param {string} branch @param {string} dir */
    files(branch, dir) {
      const sha = refs.get(`heads/${branch}`)
      const tree = sha ? commits.get(sha)?.tree : undefined
      /** @type {Record<string, string>} */
      const out = {}
      for (const e of tree ? listTree(tree, '', true) : []) {
        if (e.type === 'blob' && e.path.startsWith(`${dir}/`)) {
          out[e.path.slice(dir.length + 1)] = /** @type {Buffer} */ (blobs.get(e.sha)).toString(
            'utf8'
          )
        }
      }
      return out
    },
    /** @param {string} branch */
    head: branch => refs.get(`heads/${branch}`),
    writes: () => requests.filter(r => r.method !== 'GET'),
    close: () =>
      new Promise(resolve => {
        server.closeAllConnections()
        server.close(() => resolve(undefined))
      })
  }
}

/** @param {string} type @param {Buffer} body */
function gitSha(type, body) {
  return createHash('sha1').update(`${type} ${body.length}\0`).update(body).digest('hex')
}

/** Git sorts tree entries as if directories ended in "/". @param {TreeEntry} entry */
function sortKey(entry) {
  return entry.type === 'tree' ? `${entry.name}/` : entry.name
}

/** @param {http.ServerResponse} res */
function notFound(res) {
  send(res, 404, {
    message: 'Not Found',
    documentation_url: 'https://docs.github.com/rest',
    status: '404'
  })
}

/**
 * @param {http.ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 */
function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
  res.end(JSON.stringify(body))
}

/** @param {http.IncomingMessage} req @returns {Promise<any>} */
function readJson(req) {
  return new Promise(resolve => {
    /** @type {Buffer[]} */
    const chunks = []
    req.on('data', chunk => chunks.push(chunk))
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      try {
        resolve(text ? JSON.parse(text) : {})
      } catch {
        resolve({})
      }
    })
  })
}
