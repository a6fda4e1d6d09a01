import { Input, inputError } from './input-names.js'
import { parseToolId, ToolSpec } from './input-parsers.js'
import { isPlainId, printable } from './text.js'

/**
 * Which app versions an export names: `app-id` with `app-version`, or the `apps` list (one
 * `<app-id> <version-id>` a line, as `tools`). The inputs of tools are refused beside them, and
 * theirs beside a tool's, so a mistaken `resource` is said before any request.
 */

const AppInput = { AppId: Input.AppId, AppVersion: Input.AppVersion, Apps: Input.Apps } as const

export interface AppListInputs {
  appId: string
  appVersion: string
  apps: string
  /** The tool inputs given: none may be with resource: app. */
  toolInputs: Record<string, string>
}

export function parseAppList(given: AppListInputs): ToolSpec[] {
  const stray = Object.entries(given.toolInputs).find(([, value]) => value)
  if (stray) {
    throw inputError(
      stray[0],
      `names a tool, and resource is app: give app-id and app-version (or apps) instead`
    )
  }
  if (given.appId && given.apps) {
    throw inputError(AppInput.Apps, 'give either app-id or apps, not both')
  }
  if (given.appId) {
    if (!given.appVersion) {
      throw inputError(AppInput.AppVersion, 'is required with app-id: the version id to export')
    }
    return [app(AppInput.AppId, given.appId, AppInput.AppVersion, given.appVersion)]
  }
  if (given.appVersion) {
    throw inputError(
      AppInput.AppVersion,
      'applies to app-id; with apps, give each line its version'
    )
  }
  if (!given.apps) throw inputError(AppInput.AppId, 'is required with resource: app (or apps)')
  const apps: ToolSpec[] = []
  given.apps.split(/\r?\n/).forEach((line, index) => {
    const fields = line.trim().split(/\s+/).filter(Boolean)
    if (fields.length === 0 || fields[0]?.startsWith('#')) return
    const where = `${AppInput.Apps}: line ${index + 1}`
    if (fields.length !== 2) {
      throw inputError(where, `"${printable(line.trim())}" is not "<app-id> <version-id>"`)
    }
    const spec = app(where, fields[0] ?? '', where, fields[1] ?? '')
    if (apps.some(other => other.toolId === spec.toolId)) {
      // One folder per app: two versions of it in one run would overwrite each other.
      throw inputError(where, `app ${spec.toolId} is listed twice`)
    }
    apps.push(spec)
  })
  if (apps.length === 0) throw inputError(AppInput.Apps, 'lists no app')
  return apps
}

/** The tool inputs given with another resource than app are refused with theirs. */
export function refuseAppInputs(given: Omit<AppListInputs, 'toolInputs'>): void {
  const stray = Object.entries({
    [AppInput.AppId]: given.appId,
    [AppInput.AppVersion]: given.appVersion,
    [AppInput.Apps]: given.apps
  }).find(([, value]) => value)
  if (stray) throw inputError(stray[0], 'names an app: set resource: app')
}

function app(idInput: string, id: string, versionInput: string, version: string): ToolSpec {
  return {
    toolId: parseToolId(idInput, id),
    flowId: '',
    version: parseVersionId(versionInput, version)
  }
}

/** App version ids travel in URL paths and manifests: plain ids only. */
export function parseVersionId(input: string, raw: string): string {
  if (!isPlainId(raw) || raw.length > 200) {
    throw inputError(
      input,
      `"${printable(raw, 200)}" is not a version id (letters, digits, "-", "_" and "." only, e.g. version1.0)`
    )
  }
  return raw
}
