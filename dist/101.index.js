export const id = 101;
export const ids = [101];
export const modules = {

/***/ 34101:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  commitExport: () => (/* binding */ commitExport)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 13 modules
var core = __webpack_require__(77094);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(83916);
// EXTERNAL MODULE: ./src/export/deliver/git-data.ts
var git_data = __webpack_require__(39861);
;// CONCATENATED MODULE: ./src/export/deliver/git-write.ts

/**
 * The most JSON one create-tree request carries. GitHub documents no limit for it; 8 MiB is far
 * below what its API accepts for a request body, and more than a few hundred tools' exports.
 * Larger changes go in several trees, each built on the one before.
 */
const MAX_TREE_REQUEST_BYTES = 8 * 1024 * 1024;
/**
 * Tree(s) on top of `base` (removals included) → commit; returns the commit's SHA. Text files
 * travel inline in the tree request (`content`), so a first backup of any number of tools is one
 * tree, one commit: only non-UTF-8 files need a blob request of their own. Blobs in `stored`
 * (already on GitHub, from an earlier try) are referred to by SHA instead of sent again.
 */
async function writeCommit(octokit, repo, base, wanted, changeSet, message, stored = new Set()) {
    const entries = [];
    for (const [directory, changes] of changeSet) {
        const files = wanted.get(directory) ?? new Map();
        for (const name of [...changes.added, ...changes.modified]) {
            const path = `${directory}/${name}`;
            entries.push({
                path,
                mode: '100644',
                type: 'blob',
                ...(await blobOf(octokit, repo, files.get(name), stored))
            });
        }
        for (const name of changes.removed) {
            entries.push({ path: `${directory}/${name}`, mode: '100644', type: 'blob', sha: null });
        }
    }
    let treeSha = base.treeSha;
    for (const part of inParts(entries)) {
        const { data: tree } = await octokit.rest.git.createTree({
            ...repo,
            base_tree: treeSha,
            tree: part
        });
        treeSha = tree.sha;
    }
    // What the trees carried inline is on GitHub now: a rebuilt commit can point at it.
    for (const entry of entries)
        if ('content' in entry)
            stored.add((0,git_data/* gitBlobSha */.Ak)(Buffer.from(entry.content, 'utf8')));
    const { data: commit } = await octokit.rest.git.createCommit({
        ...repo,
        message,
        tree: treeSha,
        parents: [base.commitSha]
    });
    return commit.sha;
}
/** Inline text when the bytes are UTF-8, a SHA GitHub already has, or a blob created now. */
async function blobOf(octokit, repo, content, stored) {
    const sha = (0,git_data/* gitBlobSha */.Ak)(content);
    if (stored.has(sha))
        return { sha };
    const text = content.toString('utf8');
    if (Buffer.from(text, 'utf8').equals(content))
        return { content: text };
    const { data } = await octokit.rest.git.createBlob({
        ...repo,
        content: content.toString('base64'),
        encoding: 'base64'
    });
    stored.add(data.sha);
    return { sha: data.sha };
}
/** Splits tree entries so that no request carries more than MAX_TREE_REQUEST_BYTES of JSON. */
function inParts(entries) {
    const parts = [[]];
    let size = 0;
    for (const entry of entries) {
        const entrySize = Buffer.byteLength(JSON.stringify(entry));
        const current = parts[parts.length - 1];
        if (current.length > 0 && size + entrySize > MAX_TREE_REQUEST_BYTES) {
            parts.push([entry]);
            size = entrySize;
        }
        else {
            current.push(entry);
            size += entrySize;
        }
    }
    return parts;
}

// EXTERNAL MODULE: ./src/text.ts
var src_text = __webpack_require__(48992);
;// CONCATENATED MODULE: ./src/export/deliver/pull-request.ts


/** The pull request of pull-request mode: opened or updated, and closed once it is stale. */
/**
 * The target branch holds the export: a pull request still proposing an older one would, once
 * merged, commit what Kore.ai no longer has. It is closed with a comment saying why, and its
 * branch (the action's own) deleted. Returns its number, or undefined when none was open.
 */
async function closeStalePullRequest(octokit, repo, base, head) {
    const stale = await findOpenPullRequest(octokit, repo, base, head);
    if (!stale)
        return undefined;
    // The action's branch is one commit on top of the target; more means someone added theirs.
    const { data: pull } = await octokit.rest.pulls.get({ ...repo, pull_number: stale.number });
    if (pull.commits !== 1) {
        core/* info */.pq(`Pull request #${stale.number} is stale but holds ${pull.commits} commits, not only the action's: left open`);
        return undefined;
    }
    await octokit.rest.pulls.update({ ...repo, pull_number: stale.number, state: 'closed' });
    await octokit.rest.git.deleteRef({ ...repo, ref: `heads/${head}` }).catch(error => {
        // Already gone (deleted by hand, or on merge): nothing left to clean.
        if (error.status !== 422)
            throw error;
    });
    await octokit.rest.issues.createComment({
        ...repo,
        issue_number: stale.number,
        body: `Closed by kore-tool-export: the target branch ${(0,src_text/* inert */.tJ)((0,src_text/* printable */.g$)(base))} already holds what Kore.ai exports now, so this pull request no longer proposes anything current.`
    });
    return stale.number;
}
async function findOpenPullRequest(octokit, repo, base, head) {
    const { data: open } = await octokit.rest.pulls.list({
        ...repo,
        head: `${repo.owner}:${head}`,
        base,
        state: 'open'
    });
    return open[0];
}
/** `opened` when this call made it: a run after one whose create was refused says so. */
async function upsertPullRequest(octokit, repo, base, head, pull) {
    const existing = await findOpenPullRequest(octokit, repo, base, head);
    if (existing) {
        await octokit.rest.pulls.update({ ...repo, pull_number: existing.number, ...pull });
        return { ...existing, opened: false };
    }
    try {
        const { data } = await octokit.rest.pulls.create({ ...repo, head, base, ...pull });
        return { ...data, opened: true };
    }
    catch (error) {
        // A create whose answer was lost (a 502) and was sent again finds its own pull request.
        const { status, message } = error;
        if (status !== 422 || !/already exists/i.test(message ?? ''))
            throw error;
        const created = await findOpenPullRequest(octokit, repo, base, head);
        if (!created)
            throw error;
        return { ...created, opened: true };
    }
}

// EXTERNAL MODULE: ./src/retry.ts
var retry = __webpack_require__(49809);
// EXTERNAL MODULE: ./src/export/deliver/deadline.ts
var deadline = __webpack_require__(32646);
// EXTERNAL MODULE: ./src/export/deliver/github.ts + 1 modules
var github = __webpack_require__(36084);
;// CONCATENATED MODULE: ./src/export/deliver/commit.ts








/**
 * How often a commit is rebuilt on a branch that moved under it before giving up, and how long
 * to wait in between (jittered, so that racing runs fall out of step). Enough for the README's
 * 8-way matrix, whose jobs all commit within seconds of each other.
 */
const MAX_RACE_RETRIES = 12;
const RACE_BACKOFF = { attempts: MAX_RACE_RETRIES, baseDelayMs: 300, maxDelayMs: 5000 };
async function commitExport(request) {
    const repo = (0,github/* parseRepository */.SU)(request.repository);
    const octokit = (0,github/* createOctokit */.Qi)(request.token, request.requestTimeoutMs, request.deadline);
    try {
        const branch = request.branch || (await (0,github/* defaultTargetBranch */.x5)(octokit, repo));
        if (request.checkOnly)
            return await compareOnly(octokit, repo, branch, request);
        return request.pullRequestBranch
            ? await commitAsPullRequest(octokit, repo, branch, request, request.pullRequestBranch(branch))
            : await commitToBranch(octokit, repo, branch, request);
    }
    catch (error) {
        throw (0,github/* explain */.WE)(error, request);
    }
}
/** What a commit would change on the branch, described as it would be; nothing is written. */
async function compareOnly(octokit, repo, branch, request) {
    const head = await (0,git_data/* readBranch */.pG)(octokit, repo, branch);
    const diff = await (0,git_data/* diffDirectories */.JA)(octokit, repo, head, request.directories, {
        check: request.check,
        settle: request.settle
    });
    if (diff.changes.size > 0)
        await request.describe(diff);
    return { ...unchanged(branch, diff), drifted: diff.changes.size > 0 };
}
/** Commits straight onto the branch; re-reads and rebuilds when another run got there first. */
async function commitToBranch(octokit, repo, branch, request) {
    // Blobs this run already put on GitHub: a rebuilt commit refers to them instead of resending.
    const stored = new Set();
    const blobCache = new Map();
    for (let attempt = 1;; attempt++) {
        const head = await (0,git_data/* readBranch */.pG)(octokit, repo, branch);
        const diff = await (0,git_data/* diffDirectories */.JA)(octokit, repo, head, request.directories, {
            blobCache,
            check: request.check,
            settle: request.settle
        });
        const { changes, refused } = diff;
        if (changes.size === 0)
            return unchanged(branch, diff);
        const { message } = await request.describe(diff);
        const sha = await writeCommit(octokit, repo, head, request.directories, changes, message, stored);
        try {
            await octokit.rest.git.updateRef({ ...repo, ref: `heads/${branch}`, sha, force: false });
            return {
                changed: true,
                branch,
                commitSha: sha,
                commitUrl: commitUrl(repo, sha),
                changes,
                refused
            };
        }
        catch (error) {
            if (!isNotFastForward(error) || attempt >= MAX_RACE_RETRIES)
                throw error;
            const delay = (0,retry/* retryDelay */.a2)(RACE_BACKOFF, attempt);
            (0,deadline/* checkDeadline */.F)(request.deadline && { ...request.deadline, at: request.deadline.at - delay });
            core/* info */.pq(`Branch ${branch} moved while committing (another run?); rebuilding the commit on its new head in ${(delay / 1000).toFixed(1)} s`);
            await (0,retry/* sleep */.yy)(delay);
        }
    }
}
/**
 * Puts the export on its own branch, one commit on top of the target branch, and opens (or
 * updates) a pull request. The branch is the action's own, so it is reset freely; the target
 * branch is never written.
 */
async function commitAsPullRequest(octokit, repo, base, request, headBranch) {
    const baseHead = await (0,git_data/* readBranch */.pG)(octokit, repo, base);
    const diff = await (0,git_data/* diffDirectories */.JA)(octokit, repo, baseHead, request.directories, {
        check: request.check,
        settle: request.settle
    });
    const { changes, refused } = diff;
    if (changes.size === 0) {
        // Stale only when every tool of the pull request was compared: none refused, none failed.
        const closed = refused.size === 0 && request.mayCloseStale
            ? await closeStalePullRequest(octokit, repo, base, headBranch)
            : undefined;
        return { ...unchanged(headBranch, diff), closedPullRequestNumber: closed };
    }
    const description = await request.describe(diff);
    const current = await (0,git_data/* readBranch */.pG)(octokit, repo, headBranch).catch(error => {
        if (error instanceof git_data/* BranchNotFoundError */.EJ)
            return undefined;
        throw error;
    });
    let commitSha = current?.commitSha ?? '';
    let changed = false;
    const accepted = new Map([...request.directories].filter(([d]) => !refused.has(d)));
    if (!current || (await differs(octokit, repo, current, accepted, request.settle))) {
        commitSha = await writeCommit(octokit, repo, baseHead, request.directories, changes, description.message);
        if (current) {
            await octokit.rest.git.updateRef({
                ...repo,
                ref: `heads/${headBranch}`,
                sha: commitSha,
                force: true
            });
        }
        else {
            await createBranch(octokit, repo, headBranch, commitSha);
        }
        changed = true;
    }
    const made = {
        changed,
        branch: headBranch,
        commitSha: changed ? commitSha : '',
        commitUrl: changed ? commitUrl(repo, commitSha) : '',
        changes,
        refused
    };
    try {
        const pull = await upsertPullRequest(octokit, repo, base, headBranch, {
            title: request.pullRequestTitle,
            body: description.pullRequestBody
        });
        return {
            ...made,
            pullRequestNumber: pull.number,
            pullRequestUrl: pull.html_url,
            pullRequestOpened: pull.opened
        };
    }
    catch (error) {
        // The commit exists on the action's branch: say so, and fail for the pull request.
        return { ...made, pullRequestError: (0,errors/* messageOf */.b)((0,github/* explain */.WE)(error, request)) };
    }
}
/**
 * Creates the action's own branch. A create whose answer was lost and that was sent again is
 * told the branch already exists: it is then set to this commit, as an existing one would be.
 */
async function createBranch(octokit, repo, branch, sha) {
    try {
        await octokit.rest.git.createRef({ ...repo, ref: `refs/heads/${branch}`, sha });
    }
    catch (error) {
        const { status, message } = error;
        if (status !== 422 || !/already exists/i.test(message ?? ''))
            throw error;
        await octokit.rest.git.updateRef({ ...repo, ref: `heads/${branch}`, sha, force: true });
    }
}
async function differs(octokit, repo, head, directories, settle) {
    return (await (0,git_data/* diffDirectories */.JA)(octokit, repo, head, directories, { settle })).changes.size > 0;
}
function unchanged(branch, { changes, refused }) {
    return { changed: false, branch, commitSha: '', commitUrl: '', changes, refused };
}
function commitUrl(repo, sha) {
    const server = process.env.GITHUB_SERVER_URL || 'https://github.com';
    return `${server}/${repo.owner}/${repo.repo}/commit/${sha}`;
}
function isNotFastForward(error) {
    const { status, message } = error;
    return status === 422 && /not a fast.?forward/i.test(message ?? '');
}


/***/ })

};

//# sourceMappingURL=101.index.js.map