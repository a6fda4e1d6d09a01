import { isImportableName, MANIFEST_FILE } from '../../backup/importable.js'
import { printable } from '../../text.js'

/**
 * Each backup folder holds a small manifest of the files the action wrote there. The action only
 * ever replaces or deletes what the previous manifest lists (for a backup made before manifests,
 * the three importable files), so pointing commit-path at a folder of people's files never
 * deletes them: such a folder is refused, naming the files no manifest accounts for. (A backup
 * made before manifests is adopted: its importable files and the ones the export writes again.)
 */
export { MANIFEST_FILE }

/**
 * The files to commit, with the manifest that lists them. An export holding a file or folder of
 * the manifest's name (in any case) is refused: it would take the manifest's place.
 */
export function withManifest(
  files: Map<string, Buffer>,
  fields: Record<string, string> = {}
): Map<string, Buffer> {
  const clash = [...files.keys()].find(
    name => (name.split('/')[0] ?? '').toLowerCase() === MANIFEST_FILE
  )
  if (clash !== undefined) {
    throw new Error(
      `the export holds ${printable(clash)}, which would take the place of the action's own ${MANIFEST_FILE}`
    )
  }
  const names = [...files.keys()].sort()
  const manifest = { writtenBy: 'kore-tool-export', files: names, ...fields }
  return new Map([...files, [MANIFEST_FILE, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`)]])
}

/**
 * Why the folder must not be written: files in it that the action did not write, or a manifest
 * it cannot read; undefined when every file there is the action's own.
 */
export async function foreignFilesProblem(
  directory: string,
  existing: string[],
  wanted: Map<string, Buffer>,
  read: (name: string) => Promise<Buffer>
): Promise<string | undefined> {
  let own: Set<string>
  if (existing.includes(MANIFEST_FILE)) {
    const listed = listedFiles(await read(MANIFEST_FILE))
    if (!listed) {
      return `not committed: ${directory}/${MANIFEST_FILE} cannot be read, so which files there are the action's own cannot be told`
    }
    own = new Set([...listed, MANIFEST_FILE])
  } else {
    // Made before manifests: the importable files, and whatever the export writes again.
    own = new Set(existing.filter(name => isImportableName(name) || wanted.has(name)))
  }
  const foreign = existing.filter(name => !own.has(name)).sort()
  if (foreign.length === 0) return undefined
  return `not committed: ${directory} holds files this action did not write (${printable(foreign.join(', '), 500)}), and it only replaces its own backups. Point commit-path at a folder of its own, or move those files`
}

function listedFiles(data: Buffer): string[] | undefined {
  try {
    const { files } = JSON.parse(data.toString('utf8')) as { files?: unknown }
    if (Array.isArray(files) && files.every(name => typeof name === 'string')) return files
  } catch {
    // unreadable: undefined below
  }
  return undefined
}

/** A string field of a committed manifest; undefined when it has none or cannot be read. */
export function manifestField(data: Buffer, field: string): string | undefined {
  try {
    const value = (JSON.parse(data.toString('utf8')) as Record<string, unknown>)[field]
    return typeof value === 'string' ? value : undefined
  } catch {
    return undefined
  }
}
