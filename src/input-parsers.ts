import * as os from 'node:os'
import * as path from 'node:path'
import { Input, inputError } from './input-names.js'
import { isPlainId, printable } from './text.js'

/** One parser per kind of input; each throws an error that names the input. */

const MAX_TIMEOUT_SECONDS = 6 * 60 * 60 // a GitHub-hosted job cannot run longer

const TOOL_ID_PLACEHOLDER = '{tool-id}'
/** The same place in a template, as an app's backup spells it. */
const APP_ID_PLACEHOLDER = '{app-id}'

/** One thing to export: a tool (or workflow), or with resource: app an app version. */
export interface ToolSpec {
  /** The tool's id, or the app's (aa-…). */
  toolId: string
  /** Empty when the export should not name a call flow (always, for an app). */
  flowId: string
  /** The app version to export; undefined for a tool. */
  version?: string
}

/** `tool-id` (+ `flow-id`) or the `tools` list: exactly one of the two. */
export function parseToolList(toolId: string, flowId: string, toolsText: string): ToolSpec[] {
  if (toolId && toolsText) {
    throw inputError(Input.Tools, 'give either tool-id or tools, not both')
  }
  if (toolId)
    return [
      { toolId: parseToolId(Input.ToolId, toolId), flowId: parseFlowId(Input.FlowId, flowId) }
    ]
  if (!toolsText) throw inputError(Input.ToolId, 'is required (or list several tools in tools)')
  if (flowId) {
    throw inputError(
      Input.FlowId,
      'applies to tool-id only; with tools, put the flow id after the tool id on its line'
    )
  }
  const tools: ToolSpec[] = []
  toolsText.split(/\r?\n/).forEach((line, index) => {
    const fields = line.trim().split(/\s+/).filter(Boolean)
    if (fields.length === 0 || fields[0]?.startsWith('#')) return
    const where = `${Input.Tools}: line ${index + 1}`
    if (fields.length > 2) {
      throw inputError(
        where,
        `"${printable(line.trim())}" is not "<tool-id>" or "<tool-id> <flow-id>"`
      )
    }
    const spec = {
      toolId: parseToolId(where, fields[0] ?? ''),
      flowId: parseFlowId(where, fields[1] ?? '')
    }
    if (tools.some(t => t.toolId === spec.toolId)) {
      throw inputError(where, `tool ${spec.toolId} is listed twice`)
    }
    tools.push(spec)
  })
  if (tools.length === 0) throw inputError(Input.Tools, 'lists no tool')
  return tools
}

export function parseHost(raw: string): string {
  if (!raw) throw inputError(Input.Host, 'is required, e.g. https://agent-platform.kore.ai')
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw inputError(Input.Host, `"${raw}" is not a URL, e.g. https://agent-platform.kore.ai`)
  }
  if (url.username || url.password) {
    throw inputError(Input.Host, 'must be a base URL without credentials')
  }
  // A page's address pasted from the browser: the key would go to the right host, and the
  // 404 that follows would blame tool-id.
  if (url.search || url.hash || url.pathname.replace(/\/+$/, '') !== '') {
    throw inputError(
      Input.Host,
      `"${printable(raw, 200)}" has a path, query or fragment: give the origin only, ${url.origin}`
    )
  }
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    throw inputError(Input.Host, `"${raw}" must use https (http is accepted for loopback only)`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw inputError(Input.Host, `"${raw}" must be an https URL`)
  }
  return url.origin
}

export function isLoopback(hostname: string): boolean {
  return (
    hostname === 'localhost' ||
    hostname === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
  )
}

/** Tool ids end up in URL paths and file names: only letters, digits, `-`, `_` and single dots. */
export function parseToolId(input: string, raw: string): string {
  if (!raw) throw inputError(input, 'is required')
  // The docs write the path as /tools/:{toolId}/export; people paste the colon or the whole URL.
  const inside =
    raw.match(/\/(?:tools?|workflows?)\/:?([^/?#\s]+)/)?.[1] ?? raw.match(/^:+(.+)$/)?.[1]
  if (!isPlainId(raw) && inside && isPlainId(inside)) {
    throw inputError(
      input,
      `"${printable(raw, 200)}" is not a plain id: give the id alone, ${inside} (the a-… part, without a colon or URL)`
    )
  }
  if (!isPlainId(raw)) {
    throw inputError(
      input,
      `"${printable(raw)}" is not a plain id (letters, digits, "-", "_" and "." only)`
    )
  }
  return raw
}

/** Flow ids are opaque and only travel URL-encoded in the query string. */
export function parseFlowId(input: string, raw: string): string {
  if (raw.length > 200 || /[\s\p{Cc}]/u.test(raw)) {
    throw inputError(
      input,
      `"${printable(raw)}" is not a flow id (no spaces or control characters)`
    )
  }
  return raw
}

export function parseDirectory(raw: string): string {
  const base = raw || path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'kore-tool-export')
  return path.resolve(base)
}

export function parseSeconds(input: string, raw: string, fallback: number, min: number): number {
  if (!raw) return fallback
  const value = Number(raw)
  if (!/^\d+(\.\d+)?$/.test(raw) || !Number.isFinite(value)) {
    throw inputError(input, `"${printable(raw)}" is not a number of seconds`)
  }
  if (value < min || value > MAX_TIMEOUT_SECONDS) {
    throw inputError(input, `${raw} is out of range: use ${min} to ${MAX_TIMEOUT_SECONDS} seconds`)
  }
  return value
}

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30 }
const DEFAULT_MAX_DOWNLOAD_BYTES = 2 ** 30

/** Bytes, or a number with KiB / MiB / GiB (any case); at least 1 KiB, at most 64 GiB. */
export function parseSize(input: string, raw: string): number {
  if (!raw) return DEFAULT_MAX_DOWNLOAD_BYTES
  const match = raw.trim().match(/^(\d+(?:\.\d+)?)\s*([a-z]*)$/i)
  const unit = SIZE_UNITS[match?.[2]?.toLowerCase() ?? 'none']
  if (!match || unit === undefined) {
    throw inputError(input, `"${printable(raw)}" is not a size, e.g. 1073741824, 500MiB or 2GiB`)
  }
  const bytes = Math.floor(Number(match[1]) * unit)
  if (bytes < 2 ** 10 || bytes > 64 * 2 ** 30) {
    throw inputError(input, `${printable(raw)} is out of range: use 1KiB to 64GiB`)
  }
  return bytes
}

/** A name or path template, `{tool-id}` filled in for one tool. */
export function forTool(template: string, toolId: string): string {
  return template.replaceAll(TOOL_ID_PLACEHOLDER, toolId).replaceAll(APP_ID_PLACEHOLDER, toolId)
}

/** Templates that name one thing per tool must tell the tools apart. */
function requirePlaceholder(input: string, template: string, tools: ToolSpec[]): void {
  const named = template.includes(TOOL_ID_PLACEHOLDER) || template.includes(APP_ID_PLACEHOLDER)
  if (tools.length > 1 && !named) {
    const [placeholder, list] =
      tools[0]?.version === undefined
        ? [TOOL_ID_PLACEHOLDER, 'tools']
        : [APP_ID_PLACEHOLDER, 'apps']
    throw inputError(input, `must contain ${placeholder} when ${list} lists several`)
  }
}

/**
 * The artifact service's rules for names, which also make it a safe file name. Returns the
 * template; every tool's name is checked.
 */
export function parseArtifactName(raw: string, tools: ToolSpec[], app = false): string {
  const template =
    raw || (app ? `kore-app-${APP_ID_PLACEHOLDER}` : `kore-tool-${TOOL_ID_PLACEHOLDER}`)
  requirePlaceholder(Input.ArtifactName, template, tools)
  for (const { toolId } of tools) {
    const name = forTool(template, toolId)
    if (name.length > 200 || /[":<>|*?\\/\p{Cc}]/u.test(name) || /^\.+$/.test(name)) {
      throw inputError(
        Input.ArtifactName,
        `"${printable(name)}" is not a valid artifact name (no " : < > | * ? \\ / or control characters)`
      )
    }
  }
  return template
}

/** Days an artifact is kept; empty leaves it to the repository's setting. */
export function parseRetentionDays(raw: string): number | undefined {
  return raw ? parseWholeNumber(Input.RetentionDays, raw, 0, 1, 90, ' of days') : undefined
}

/**
 * A directory inside the repository, never its root since stale files there get removed.
 * Returns the normalized template; every tool's directory is checked.
 */
export function parseCommitPath(raw: string, tools: ToolSpec[], app = false): string {
  const fallback = app ? `kore-apps/${APP_ID_PLACEHOLDER}` : `kore-tools/${TOOL_ID_PLACEHOLDER}`
  const template = (raw || fallback).replace(/^(\.\/)+/, '').replace(/\/+$/, '')
  requirePlaceholder(Input.CommitPath, template, tools)
  for (const { toolId } of tools) {
    const directory = forTool(template, toolId)
    const segments = directory.split('/')
    const unsafe = !directory || /[\\\p{Cc}]/u.test(directory) || segments.some(isBadPathSegment)
    if (unsafe) {
      throw inputError(
        Input.CommitPath,
        `"${printable(raw)}" is not a directory inside the repository (relative, no "..", not the root)`
      )
    }
  }
  return template
}

/**
 * A part of a repository path no backup may hold: empty (`a//b`), `.`, `..`, or `.git` in any
 * case (GitHub refuses the last in a tree, failing the whole commit).
 */
export function isBadPathSegment(segment: string): boolean {
  return segment === '' || segment === '.' || segment === '..' || segment.toLowerCase() === '.git'
}

export function parseMaxParallel(raw: string): number {
  return parseWholeNumber(Input.MaxParallel, raw, 4, 1, 16)
}

export function parseWholeNumber(
  input: string,
  raw: string,
  fallback: number,
  min: number,
  max: number,
  unit = ''
): number {
  if (!raw) return fallback
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw inputError(
      input,
      `"${printable(raw)}" is not a whole number${unit} from ${min} to ${max}`
    )
  }
  return Number(raw)
}

/** Git's rules for branch names, in short. */
export function parseBranch(raw: string): string {
  const branch = raw.replace(/^refs\/heads\//, '')
  if (!branch) return ''
  const invalid =
    /[\s\p{Cc}~^:?*[\\]|\.\.|@\{|\/\/|^[-/]|[/.]$|\.lock$/u.test(branch) || branch === '@'
  if (invalid)
    throw inputError(Input.CommitBranch, `"${printable(raw)}" is not a valid branch name`)
  return branch
}

export function parseChoice<T extends string>(
  input: string,
  raw: string,
  choices: readonly T[]
): T {
  if (!raw) return choices[0] as T
  const choice = choices.find(c => c === raw.toLowerCase())
  if (!choice) {
    throw inputError(input, `"${printable(raw)}" is not one of ${choices.join(', ')}`)
  }
  return choice
}

export function parseBoolean(input: string, raw: string, fallback: boolean): boolean {
  if (!raw) return fallback
  if (/^true$/i.test(raw)) return true
  if (/^false$/i.test(raw)) return false
  throw inputError(input, `"${printable(raw)}" is not a boolean: use true or false`)
}
