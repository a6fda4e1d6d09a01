import { escapeHtml } from '../summary-html.js'
import { isPlainId, printable } from '../text.js'
import type { UploadedArtifact } from '../artifact.js'
import type { RestoreInputs } from './inputs.js'

/** Where the undo finds the target's state before the import. */
export interface KeptState {
  /** The zip on this runner; it ends with the job. */
  file: string
  artifact?: UploadedArtifact
}

/**
 * The steps that undo this import, as a user pastes them: in this job from the file, in any
 * other job or run from the artifact (download-artifact unpacks the unarchived zip into a
 * folder, which the restore reads as a committed backup). Every value is escaped: the path
 * comes from the runner, the rest was validated as input.
 */
export function undoSteps(
  inputs: Pick<RestoreInputs, 'host' | 'resource' | 'toolId'> & { appVersion?: string },
  kept: KeptState
): string {
  // An app is imported into by app-id; the undo keeps its own undo of the same version.
  const target =
    inputs.resource === 'app'
      ? [`    app-id: ${inputs.toolId}`, `    app-version: ${inputs.appVersion ?? ''}`]
      : [`    tool-id: ${inputs.toolId}`]
  const restore = (source: string, filled: string[] = []): string[] => [
    `- uses: ${actionRef()}`,
    '  with:',
    `    host: ${inputs.host}`,
    ...(inputs.resource === 'tool' ? [] : [`    resource: ${inputs.resource}`]),
    '    api-key: ${{ secrets.KORE_API_KEY }} # the key this step used',
    ...target,
    `    source: ${JSON.stringify(source)}`,
    ...envValuesLines(filled)
  ]
  const block = (lines: string[]): string =>
    `<pre><code>${lines.map(line => escapeHtml(printable(line, 2000))).join('\n')}</code></pre>`
  const parts = [
    '#### To undo this import',
    '',
    'In a later step of this job:',
    '',
    block(restore(kept.file))
  ]
  const { artifact } = kept
  if (artifact) {
    const runId = process.env.GITHUB_RUN_ID
    const fromRun = runId && isPlainId(runId) ? [`    run-id: ${runId}`] : []
    parts.push(
      '',
      'In another job or run (it needs <code>permissions: actions: read</code>):',
      '',
      block([
        '- uses: actions/download-artifact@v8',
        '  with:',
        `    artifact-ids: ${artifact.id}`,
        ...fromRun,
        '    github-token: ${{ github.token }}',
        '    path: kore-before-import',
        ...restore('kore-before-import', artifact.redacted)
      ])
    )
  }
  return `${parts.join('\n')}\n`
}

/**
 * A redacted artifact holds the placeholder for each secure value: the undo gives them back,
 * each from a secret named after its variable. A name comes from Kore.ai, so only a plain one
 * is written into the snippet (anything else could carry a `${{ }}` expression the workflow
 * would evaluate); a name seen twice, or two names that make one secret name, cannot be told
 * apart there. Those are counted, and the same-job undo from before-file needs none of it.
 */
function envValuesLines(names: string[]): string[] {
  if (names.length === 0) return []
  const counts = new Map<string, number>()
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1)
  const secretOf = (name: string): string => {
    const upper = name.toUpperCase().replace(/[.-]/g, '_')
    return upper.startsWith('GITHUB_') ? `KORE_${upper}` : upper
  }
  const plain = [...counts]
    .filter(([name, count]) => count === 1 && /^[A-Za-z_][A-Za-z0-9_.-]{0,99}$/.test(name))
    .map(([name]) => name)
  const bySecret = new Map<string, string[]>()
  for (const name of plain)
    bySecret.set(secretOf(name), [...(bySecret.get(secretOf(name)) ?? []), name])
  const written = plain.filter(name => bySecret.get(secretOf(name))?.length === 1)
  const left = names.length - written.length
  return [
    '    # the artifact holds its secure values redacted: give them back',
    ...(left > 0
      ? [
          `    # and ${left} more whose names cannot be written here: see the backup's env_variables.json`
        ]
      : []),
    '    env-values: |',
    ...written.map(name => `      ${name}=\${{ secrets.${secretOf(name)} }}`)
  ]
}

/** This action as the workflow named it (`owner/repo/restore@ref`), else the README's form. */
function actionRef(): string {
  const repository = process.env.GITHUB_ACTION_REPOSITORY ?? ''
  const ref = process.env.GITHUB_ACTION_REF ?? ''
  if (/^[\w.-]+\/[\w.-]+$/.test(repository) && /^[\w./-]+$/.test(ref)) {
    return `${repository}/restore@${ref}`
  }
  return '<owner>/kore-tool-export/restore@v1'
}
