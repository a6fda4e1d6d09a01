export const id = 84;
export const ids = [84];
export const modules = {

/***/ 39861:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ak: () => (/* binding */ gitBlobSha),
/* harmony export */   EJ: () => (/* binding */ BranchNotFoundError),
/* harmony export */   JA: () => (/* binding */ diffDirectories),
/* harmony export */   pG: () => (/* binding */ readBranch)
/* harmony export */ });
/* unused harmony export commonParent */
/* harmony import */ var _concurrency_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(81532);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(77598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);


class BranchNotFoundError extends Error {
    branch;
    constructor(branch) {
        super(`branch ${branch} does not exist`);
        this.branch = branch;
        this.name = 'BranchNotFoundError';
    }
}
/** Git's blob id, computed locally so unchanged files need no request. */
function gitBlobSha(content) {
    return (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}
async function readBranch(octokit, repo, branch) {
    let commitSha;
    try {
        const { data } = await octokit.rest.git.getRef({ ...repo, ref: `heads/${branch}` });
        commitSha = data.object.sha;
    }
    catch (error) {
        if (error.status === 404)
            throw new BranchNotFoundError(branch);
        throw error;
    }
    const { data: commit } = await octokit.rest.git.getCommit({ ...repo, commit_sha: commitSha });
    return { commitSha, treeSha: commit.tree.sha };
}
/** Blob SHAs of every file under `directory` (paths relative to it); empty if it is absent. */
async function readDirectory(octokit, repo, rootTreeSha, directory) {
    const treeSha = await subtreeSha(octokit, repo, rootTreeSha, directory);
    if (!treeSha)
        return new Map();
    const { data: answer } = await octokit.rest.git.getTree({
        ...repo,
        tree_sha: treeSha,
        recursive: 'true'
    });
    const data = parsed(answer);
    if (data.truncated)
        throw new Error(`the tree under ${directory} is too large to list`);
    const files = new Map();
    for (const entry of data.tree) {
        if (entry.type === 'blob' && entry.path && entry.sha)
            files.set(entry.path, entry.sha);
    }
    return files;
}
/** The tree at `directory` ('' is the root), walked one level at a time; undefined if absent. */
async function subtreeSha(octokit, repo, rootTreeSha, directory) {
    let treeSha = rootTreeSha;
    for (const segment of directory ? directory.split('/') : []) {
        const { data } = await octokit.rest.git.getTree({ ...repo, tree_sha: treeSha });
        const next = data.tree.find(entry => entry.path === segment && entry.type === 'tree');
        if (!next?.sha)
            return undefined;
        treeSha = next.sha;
    }
    return treeSha;
}
/** The deepest directory holding all of them ('' when they only share the root). */
function commonParent(directories) {
    const [first = '', ...others] = directories.map(d => d.split('/'));
    const shared = [];
    // A directory's own last segment is never the parent: the listing must include it.
    for (let i = 0; i < first.length - 1; i++) {
        if (others.some(d => d.length - 1 <= i || d[i] !== first[i]))
            break;
        shared.push(first[i]);
    }
    return shared.join('/');
}
/**
 * Blob SHAs of every file under each directory: one recursive listing of their common parent
 * (plus one request per level down to it), whatever their number. Only when GitHub truncates that
 * listing is each directory listed on its own.
 */
async function readDirectories(octokit, repo, head, directories) {
    const found = new Map(directories.map(d => [d, new Map()]));
    const parent = commonParent(directories);
    const parentSha = await subtreeSha(octokit, repo, head.treeSha, parent);
    if (!parentSha)
        return found;
    const { data: answer } = await octokit.rest.git.getTree({
        ...repo,
        tree_sha: parentSha,
        recursive: 'true'
    });
    const data = parsed(answer);
    if (data.truncated) {
        for (const directory of directories) {
            found.set(directory, await readDirectory(octokit, repo, head.treeSha, directory));
        }
        return found;
    }
    const prefix = parent ? `${parent}/` : '';
    for (const entry of data.tree) {
        if (entry.type !== 'blob' || !entry.path || !entry.sha)
            continue;
        const fullPath = `${prefix}${entry.path}`;
        // The directory holding this file is one of its ancestors: try each, deepest first.
        for (let cut = fullPath.lastIndexOf('/'); cut > 0; cut = fullPath.lastIndexOf('/', cut - 1)) {
            const files = found.get(fullPath.slice(0, cut));
            if (files) {
                files.set(fullPath.slice(cut + 1), entry.sha);
                break;
            }
        }
    }
    return found;
}
function diffFiles(existing, wanted) {
    const changes = { added: [], modified: [], removed: [] };
    for (const [name, content] of wanted) {
        const current = existing.get(name);
        if (current === undefined)
            changes.added.push(name);
        else if (current !== gitBlobSha(content))
            changes.modified.push(name);
    }
    for (const name of existing.keys())
        if (!wanted.has(name))
            changes.removed.push(name);
    return changes;
}
function hasChanges(changes) {
    return changes.added.length + changes.modified.length + changes.removed.length > 0;
}
/** Blob reads at once while settling: GitHub's secondary limits allow a few concurrent ones. */
const SETTLE_PARALLEL = 8;
/** Reads the directories from the branch and diffs each against the files wanted there. */
async function diffDirectories(octokit, repo, head, wanted, { blobCache = new Map(), check, settle } = {}) {
    const existing = await readDirectories(octokit, repo, head, [...wanted.keys()]);
    const changes = new Map();
    const refused = new Map();
    const readerOf = (held) => async (name) => {
        const sha = held.get(name);
        return blobCache.get(sha) ?? (await readBlob(octokit, repo, sha, blobCache));
    };
    // Settling reads a blob per directory (an encrypted file to compare): a few at a time.
    if (settle) {
        await (0,_concurrency_js__WEBPACK_IMPORTED_MODULE_1__/* .forEachWithLimit */ .M)([...wanted], SETTLE_PARALLEL, async ([directory, files]) => {
            const held = existing.get(directory);
            if (held && held.size > 0)
                await settle(directory, [...held.keys()], files, readerOf(held));
        });
    }
    for (const [directory, files] of wanted) {
        const held = existing.get(directory) ?? new Map();
        const read = readerOf(held);
        const found = diffFiles(held, files);
        if (!hasChanges(found))
            continue;
        const reason = await check?.(directory, [...held.keys()], files, read);
        if (reason)
            refused.set(directory, reason);
        else
            changes.set(directory, found);
    }
    const previous = async (directory) => {
        const shas = existing.get(directory);
        if (!shas || shas.size === 0)
            return undefined;
        const { modified = [], removed = [] } = changes.get(directory) ?? {};
        const files = new Map();
        for (const name of [...modified, ...removed]) {
            const sha = shas.get(name);
            files.set(name, blobCache.get(sha) ?? (await readBlob(octokit, repo, sha, blobCache)));
        }
        return files;
    };
    return { changes, refused, previous };
}
/**
 * Octokit's JSON parser (json-with-bigint) overflows its stack on bodies of several megabytes
 * (a blob of a large flow, a listing of a large tree) and then hands back the raw text: that
 * text is parsed here, natively.
 */
function parsed(data) {
    return typeof data === 'string' ? JSON.parse(data) : data;
}
async function readBlob(octokit, repo, sha, cache) {
    const { data: answer } = await octokit.rest.git.getBlob({ ...repo, file_sha: sha });
    const data = parsed(answer);
    const content = Buffer.from(data.content, data.encoding === 'base64' ? 'base64' : 'utf8');
    cache.set(sha, content);
    return content;
}


/***/ }),

/***/ 36084:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  Qi: () => (/* binding */ createOctokit),
  x5: () => (/* binding */ defaultTargetBranch),
  WE: () => (/* binding */ explain),
  SU: () => (/* binding */ parseRepository)
});

// UNUSED EXPORTS: GITHUB_REQUEST_TIMEOUT_MS

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 13 modules
var core = __webpack_require__(77094);
// EXTERNAL MODULE: ./node_modules/@actions/github/lib/github.js
var github = __webpack_require__(61351);
// EXTERNAL MODULE: ./node_modules/@octokit/plugin-retry/dist-bundle/index.js
var dist_bundle = __webpack_require__(49735);
// EXTERNAL MODULE: ./node_modules/bottleneck/light.js
var light = __webpack_require__(63251);
;// CONCATENATED MODULE: ./node_modules/@octokit/plugin-throttling/dist-bundle/index.js
// pkg/dist-src/index.js


// pkg/dist-src/version.js
var VERSION = "0.0.0-development";

// pkg/dist-src/wrap-request.js
var noop = () => Promise.resolve();
function wrapRequest(state, request, options) {
  return state.retryLimiter.schedule(doRequest, state, request, options);
}
async function doRequest(state, request, options) {
  const { pathname } = new URL(options.url, "http://github.test");
  const isAuth = isAuthRequest(options.method, pathname);
  const isWrite = !isAuth && options.method !== "GET" && options.method !== "HEAD";
  const isSearch = options.method === "GET" && pathname.startsWith("/search/");
  const isGraphQL = pathname.startsWith("/graphql");
  const retryCount = ~~request.retryCount;
  const jobOptions = retryCount > 0 ? { priority: 0, weight: 0 } : {};
  if (state.clustering) {
    jobOptions.expiration = 1e3 * 60;
  }
  if (isWrite || isGraphQL) {
    await state.write.key(state.id).schedule(jobOptions, noop);
  }
  if (isWrite && state.triggersNotification(pathname)) {
    await state.notifications.key(state.id).schedule(jobOptions, noop);
  }
  if (isSearch) {
    await state.search.key(state.id).schedule(jobOptions, noop);
  }
  const req = (isAuth ? state.auth : state.global).key(state.id).schedule(jobOptions, request, options);
  if (isGraphQL) {
    const res = await req;
    if (res.data.errors != null && res.data.errors.some((error) => error.type === "RATE_LIMITED")) {
      const error = Object.assign(new Error("GraphQL Rate Limit Exceeded"), {
        response: res,
        data: res.data
      });
      throw error;
    }
  }
  return req;
}
function isAuthRequest(method, pathname) {
  return method === "PATCH" && // https://docs.github.com/en/rest/apps/apps?apiVersion=2022-11-28#create-a-scoped-access-token
  /^\/applications\/[^/]+\/token\/scoped$/.test(pathname) || method === "POST" && // https://docs.github.com/en/rest/apps/oauth-applications?apiVersion=2022-11-28#reset-a-token
  (/^\/applications\/[^/]+\/token$/.test(pathname) || // https://docs.github.com/en/rest/apps/apps?apiVersion=2022-11-28#create-an-installation-access-token-for-an-app
  /^\/app\/installations\/[^/]+\/access_tokens$/.test(pathname) || // https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps
  pathname === "/login/oauth/access_token");
}

// pkg/dist-src/generated/triggers-notification-paths.js
var triggers_notification_paths_default = [
  "/orgs/{org}/invitations",
  "/orgs/{org}/invitations/{invitation_id}",
  "/orgs/{org}/teams/{team_slug}/discussions",
  "/orgs/{org}/teams/{team_slug}/discussions/{discussion_number}/comments",
  "/repos/{owner}/{repo}/collaborators/{username}",
  "/repos/{owner}/{repo}/commits/{commit_sha}/comments",
  "/repos/{owner}/{repo}/issues",
  "/repos/{owner}/{repo}/issues/{issue_number}/comments",
  "/repos/{owner}/{repo}/issues/{issue_number}/sub_issue",
  "/repos/{owner}/{repo}/issues/{issue_number}/sub_issues/priority",
  "/repos/{owner}/{repo}/pulls",
  "/repos/{owner}/{repo}/pulls/{pull_number}/comments",
  "/repos/{owner}/{repo}/pulls/{pull_number}/comments/{comment_id}/replies",
  "/repos/{owner}/{repo}/pulls/{pull_number}/merge",
  "/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers",
  "/repos/{owner}/{repo}/pulls/{pull_number}/reviews",
  "/repos/{owner}/{repo}/releases",
  "/teams/{team_id}/discussions",
  "/teams/{team_id}/discussions/{discussion_number}/comments"
];

// pkg/dist-src/route-matcher.js
function routeMatcher(paths) {
  const regexes = paths.map(
    (path) => path.split("/").map((c) => c.startsWith("{") ? "(?:.+?)" : c).join("/")
  );
  const regex2 = `^(?:${regexes.map((r) => `(?:${r})`).join("|")})[^/]*$`;
  return new RegExp(regex2, "i");
}

// pkg/dist-src/index.js
var regex = routeMatcher(triggers_notification_paths_default);
var triggersNotification = regex.test.bind(regex);
var groups = {};
var createGroups = function(Bottleneck, common) {
  groups.global = new Bottleneck.Group({
    id: "octokit-global",
    maxConcurrent: 10,
    ...common
  });
  groups.auth = new Bottleneck.Group({
    id: "octokit-auth",
    maxConcurrent: 1,
    ...common
  });
  groups.search = new Bottleneck.Group({
    id: "octokit-search",
    maxConcurrent: 1,
    minTime: 2e3,
    ...common
  });
  groups.write = new Bottleneck.Group({
    id: "octokit-write",
    maxConcurrent: 1,
    minTime: 1e3,
    ...common
  });
  groups.notifications = new Bottleneck.Group({
    id: "octokit-notifications",
    maxConcurrent: 1,
    minTime: 3e3,
    ...common
  });
};
function throttling(octokit, octokitOptions) {
  const {
    enabled = true,
    Bottleneck = light,
    id = "no-id",
    timeout = 1e3 * 60 * 2,
    // Redis TTL: 2 minutes
    connection
  } = octokitOptions.throttle || {};
  if (!enabled) {
    return {};
  }
  const common = { timeout };
  if (typeof connection !== "undefined") {
    common.connection = connection;
  }
  const state = Object.assign(
    {
      clustering: connection != null,
      triggersNotification,
      fallbackSecondaryRateRetryAfter: 60,
      retryAfterBaseValue: 1e3,
      id
    },
    octokitOptions.throttle
  );
  if (typeof state.onSecondaryRateLimit !== "function" || typeof state.onRateLimit !== "function") {
    throw new Error(`octokit/plugin-throttling error:
        You must pass the onSecondaryRateLimit and onRateLimit error handlers.
        See https://octokit.github.io/rest.js/#throttling

        const octokit = new Octokit({
          throttle: {
            onSecondaryRateLimit: (retryAfter, options) => {/* ... */},
            onRateLimit: (retryAfter, options) => {/* ... */}
          }
        })
    `);
  }
  let initialized = false;
  const initializeBottleneck = () => {
    if (initialized) {
      return;
    }
    initialized = true;
    if (groups.global == null) {
      createGroups(Bottleneck, common);
    }
    state.global = state.global ?? groups.global;
    state.auth = state.auth ?? groups.auth;
    state.search = state.search ?? groups.search;
    state.write = state.write ?? groups.write;
    state.notifications = state.notifications ?? groups.notifications;
    state.retryLimiter = state.retryLimiter ?? new Bottleneck();
    const events = {};
    const emitter = new Bottleneck.Events(events);
    events.on("secondary-limit", state.onSecondaryRateLimit);
    events.on("rate-limit", state.onRateLimit);
    events.on(
      "error",
      (e) => octokit.log.warn("Error in throttling-plugin limit handler", e)
    );
    state.retryLimiter.on("failed", async function(error, info) {
      const [state2, request, options] = info.args;
      const { pathname } = new URL(options.url, "http://github.test");
      const shouldRetryGraphQL = pathname.startsWith("/graphql") && error.status !== 401;
      if (!(shouldRetryGraphQL || error.status === 403 || error.status === 429)) {
        return;
      }
      const retryCount = ~~request.retryCount;
      request.retryCount = retryCount;
      options.request.retryCount = retryCount;
      const { wantRetry, retryAfter = 0 } = await (async function() {
        if (/\bsecondary rate\b/i.test(error.message)) {
          const retryAfter2 = Number(error.response.headers["retry-after"]) || state2.fallbackSecondaryRateRetryAfter;
          const wantRetry2 = await emitter.trigger(
            "secondary-limit",
            retryAfter2,
            options,
            octokit,
            retryCount
          );
          return { wantRetry: wantRetry2, retryAfter: retryAfter2 };
        }
        if (error.response.headers != null && error.response.headers["x-ratelimit-remaining"] === "0" || (error.response.data?.errors ?? []).some(
          (error2) => error2.type === "RATE_LIMITED"
        )) {
          const rateLimitReset = new Date(
            ~~error.response.headers["x-ratelimit-reset"] * 1e3
          ).getTime();
          const retryAfter2 = Math.max(
            // Add one second so we retry _after_ the reset time
            // https://docs.github.com/en/rest/overview/resources-in-the-rest-api?apiVersion=2022-11-28#exceeding-the-rate-limit
            Math.ceil((rateLimitReset - Date.now()) / 1e3) + 1,
            0
          );
          const wantRetry2 = await emitter.trigger(
            "rate-limit",
            retryAfter2,
            options,
            octokit,
            retryCount
          );
          return { wantRetry: wantRetry2, retryAfter: retryAfter2 };
        }
        return {};
      })();
      if (wantRetry) {
        request.retryCount++;
        return retryAfter * state2.retryAfterBaseValue;
      }
    });
  };
  octokit.hook.wrap("request", (request, options) => {
    initializeBottleneck();
    return wrapRequest(state, request, options);
  });
  return {};
}
throttling.VERSION = VERSION;
throttling.triggersNotification = triggersNotification;


// EXTERNAL MODULE: ./src/cancel.ts
var cancel = __webpack_require__(90833);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __webpack_require__(83916);
// EXTERNAL MODULE: ./src/text.ts
var src_text = __webpack_require__(48992);
// EXTERNAL MODULE: ./src/export/deliver/deadline.ts
var deliver_deadline = __webpack_require__(32646);
// EXTERNAL MODULE: ./src/export/deliver/git-data.ts
var git_data = __webpack_require__(39861);
;// CONCATENATED MODULE: ./src/export/deliver/github.ts









/** The GitHub side of committing: an Octokit that copes with rate limits, and clear errors. */
class CommitError extends Error {
    constructor(message) {
        super(message);
        this.name = 'CommitError';
    }
}
/** How long one GitHub call may take, its retries included. */
const GITHUB_REQUEST_TIMEOUT_MS = 120_000;
/** Answers that are final: the retry plugin's own default list, given to it explicitly. */
const DO_NOT_RETRY = [400, 401, 403, 404, 410, 422, 451];
/**
 * Octokit with the retry and throttling plugins; GITHUB_API_URL is read now, not at import.
 * Octokit has no time limit of its own, so each call gets one, never past the stage's deadline:
 * a hung connection must not hold the step until the job's timeout.
 */
function createOctokit(token, timeoutMs = GITHUB_REQUEST_TIMEOUT_MS, deadline) {
    const octokit = (0,github/* getOctokit */.Q)(token, {
        baseUrl: process.env.GITHUB_API_URL || 'https://api.github.com',
        log: { debug: core/* debug */.Yz, info: core/* debug */.Yz, warn: core/* warning */.$e, error: core/* error */.z3 },
        throttle: {
            onRateLimit: retryTwice('rate limit', deadline),
            onSecondaryRateLimit: retryTwice('secondary rate limit', deadline)
        },
        retry: { doNotRetry: DO_NOT_RETRY }
    }, keepFinalAnswers, dist_bundle/* retry */.L, throttling);
    // Set in place: options handed on from a wrap hook are not the ones the request uses.
    octokit.hook.before('request', options => {
        if (options.request?.signal)
            return;
        (0,cancel/* throwIfCancelled */.dZ)();
        (0,deliver_deadline/* checkDeadline */.F)(deadline);
        const left = deadline ? deadline.at - Date.now() : Infinity;
        const bound = deadline && left < timeoutMs;
        const reason = bound
            ? new deliver_deadline/* StageDeadlineError */.d(deadline.seconds)
            : new Error(`GitHub did not answer within ${timeoutMs / 1000} s`);
        options.request = {
            ...options.request,
            // A cancelled step cuts off the call under way too.
            signal: AbortSignal.any([abortAfter(Math.min(timeoutMs, left), reason), cancel/* cancellation */.WN]),
            // The retry plugin runs inside this hook: only the retries whose waits fit are allowed.
            ...(deadline ? { retries: retriesWithin(left) } : {})
        };
    });
    return octokit;
}
/**
 * The retry plugin repeats every failure of a request whose options carry `retries` (set below
 * to fit the deadline), final answers included (octokit/plugin-retry.js#576): a 404 for a branch
 * not made yet was asked three more times, and a network fault on one of those replaced the
 * answer and failed the commit. Registered before the plugin, this takes the count off a final
 * answer before the plugin sees it.
 */
function keepFinalAnswers(octokit) {
    octokit.hook.error('request', error => {
        const { status, request } = error;
        if (status !== undefined && DO_NOT_RETRY.includes(status) && request?.request) {
            delete request.request.retries;
        }
        throw error;
    });
}
/** The retry plugin waits 1, 4, then 9 s before its three retries: how many of them fit. */
function retriesWithin(ms) {
    let retries = 0;
    let waited = 0;
    while (retries < 3 && waited + (retries + 1) ** 2 * 1000 < ms) {
        retries++;
        waited += retries ** 2 * 1000;
    }
    return retries;
}
/** A signal that aborts with a message saying what happened (AbortSignal.timeout's is vaguer). */
function abortAfter(ms, reason) {
    const controller = new AbortController();
    setTimeout(() => controller.abort(reason), ms).unref();
    return controller.signal;
}
/** Waits out a rate limit twice at most, and never past the commit stage's deadline. */
function retryTwice(limit, deadline) {
    return (retryAfter, _options, _octokit, retryCount) => {
        if (deadline && Date.now() + retryAfter * 1000 >= deadline.at) {
            core/* info */.pq(`GitHub ${limit} hit; its wait (${retryAfter} s) would pass commit-timeout`);
            return false;
        }
        core/* info */.pq(`GitHub ${limit} hit; retrying in ${retryAfter} s`);
        return retryCount < 2;
    };
}
/** GITHUB_REF when the workflow runs on a branch, else the repository's default branch. */
async function defaultTargetBranch(octokit, repo) {
    const ref = process.env.GITHUB_REF ?? '';
    if (ref.startsWith('refs/heads/'))
        return ref.slice('refs/heads/'.length);
    const { data } = await octokit.rest.repos.get({ ...repo });
    return data.default_branch;
}
function parseRepository(repository) {
    const [owner, repo, ...rest] = repository.split('/');
    if (!owner || !repo || rest.length > 0) {
        throw new CommitError(`GITHUB_REPOSITORY "${repository}" is not owner/repo: commit needs to run in a GitHub Actions job`);
    }
    return { owner, repo };
}
/** Turns GitHub's refusals into what to change in the workflow. */
function explain(error, request) {
    if (error instanceof CommitError || error instanceof deliver_deadline/* StageDeadlineError */.d)
        return error;
    const cause = error?.cause;
    if (cause instanceof deliver_deadline/* StageDeadlineError */.d)
        return cause;
    if (error instanceof git_data/* BranchNotFoundError */.EJ) {
        return new CommitError(`commit-branch: branch "${error.branch}" does not exist in ${request.repository}`);
    }
    const { status } = error;
    // GitHub's own words are server text too.
    const message = (0,src_text/* printable */.g$)((0,errors/* messageOf */.b)(error), 500);
    const where = `${request.repository}`;
    if (status === 401) {
        return new CommitError(`GitHub rejected github-token (HTTP 401): ${message}`);
    }
    if (status === 403 && /not permitted to create or approve pull requests/i.test(message)) {
        return new CommitError(`GitHub refused to open the pull request (HTTP 403: ${message}): allow it in the repository's Settings → Actions → General ("Allow GitHub Actions to create and approve pull requests"), or use a token that may.`);
    }
    if (status === 403 || status === 404 || (status === 422 && /protected branch/i.test(message))) {
        const scopes = request.pullRequestBranch
            ? 'contents: write and pull-requests: write'
            : 'contents: write';
        const protectedHint = request.pullRequestBranch
            ? ''
            : ' If the branch is protected, set pull-request: true to propose the change instead.';
        return new CommitError(`GitHub refused to write to ${where} (HTTP ${status}: ${message}). Give the job's token ${scopes} in the workflow's permissions: block (or pass github-token with that access).${protectedHint}`);
    }
    if (/GitHub did not answer within/.test(message)) {
        return new CommitError(`${message} while committing to ${where}; try again later`);
    }
    return new CommitError(`Committing to ${where} failed: ${message}`);
}


/***/ })

};

//# sourceMappingURL=84.index.js.map