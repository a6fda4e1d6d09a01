export const id = 743;
export const ids = [743];
export const modules = {

/***/ 51743:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   keepWorkflowAlive: () => (/* binding */ keepWorkflowAlive)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(77094);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(83916);
/* harmony import */ var _text_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(48992);
/* harmony import */ var _github_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(36084);




/**
 * GitHub disables a scheduled workflow of a public repository after 60 days without activity,
 * and a backup that finds nothing to commit makes none. When the branch's last commit is older
 * than `afterDays`, the running workflow is enabled again through the REST API (which counts as
 * activity): no empty commits. Problems are warnings: the backup itself is done.
 * Returns whether the workflow was enabled.
 */
async function keepWorkflowAlive(request) {
    const workflow = workflowFile(process.env.GITHUB_WORKFLOW_REF ?? '');
    if (!workflow) {
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e('keep-alive: GITHUB_WORKFLOW_REF does not name a workflow file, so this is not a workflow run that can be kept alive');
        return false;
    }
    const repo = (0,_github_js__WEBPACK_IMPORTED_MODULE_2__/* .parseRepository */ .SU)(request.repository);
    const octokit = (0,_github_js__WEBPACK_IMPORTED_MODULE_2__/* .createOctokit */ .Qi)(request.token);
    try {
        const branch = request.branch || (await (0,_github_js__WEBPACK_IMPORTED_MODULE_2__/* .defaultTargetBranch */ .x5)(octokit, repo));
        const { data } = await octokit.rest.repos.getCommit({ ...repo, ref: branch });
        const date = Date.parse(data.commit.committer?.date ?? data.commit.author?.date ?? '');
        const days = (Date.now() - date) / 86_400_000;
        if (Number.isFinite(days) && days < request.afterDays) {
            _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`keep-alive: the last commit on ${branch} is ${Math.floor(days)} day(s) old (keep-alive-days: ${request.afterDays}); nothing to do`);
            return false;
        }
        await octokit.rest.actions.enableWorkflow({ ...repo, workflow_id: workflow });
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`keep-alive: the last commit on ${branch} is ${Number.isFinite(days) ? Math.floor(days) : 'an unknown number of'} day(s) old; re-enabled ${workflow} so that GitHub does not disable its schedule`);
        return true;
    }
    catch (error) {
        const { status } = error;
        const advice = status === 403 || status === 404
            ? ' Give the job "actions: write" in the workflow\'s permissions: block (or pass github-token with that access).'
            : '';
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e(`keep-alive: could not re-enable the workflow ${workflow} (${(0,_text_js__WEBPACK_IMPORTED_MODULE_1__/* .printable */ .g$)((0,_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .messageOf */ .b)(error), 300)}).${advice}`);
        return false;
    }
}
/** `owner/repo/.github/workflows/backup.yml@refs/heads/main` → `backup.yml`. */
function workflowFile(workflowRef) {
    const match = workflowRef.match(/\/\.github\/workflows\/([^/@]+\.ya?ml)@/);
    return match?.[1] ?? '';
}


/***/ })

};

//# sourceMappingURL=743.index.js.map