import type { Node } from 'jsonc-parser'
import { findVariables, isEnvVariablesFile } from '../env-variables.js'
import { jsonTreeOf } from '../json-text.js'

/** Counts of nodes by type, models and variables: what a first backup holds. */
export function inventoryOf(files: Map<string, Buffer>): string {
  const parts: string[] = []
  const types = new Map<string, number>()
  const models = new Set<string>()
  let variables: number | undefined
  let secure = 0
  for (const [name, data] of files) {
    const file = jsonTreeOf(data)
    if (!file) continue
    if (isEnvVariablesFile(name)) {
      try {
        const found = findVariables(file.root)
        variables = found.length
        secure = found.filter(v => v.secure).length
      } catch {
        variables = undefined
      }
      continue
    }
    collect(file.root, undefined, types, models)
  }
  const nodes = [...types.values()].reduce((sum, n) => sum + n, 0)
  if (nodes > 0) {
    const byType = [...types].map(([type, count]) => `${count} ${type}`).join(', ')
    parts.push(`${nodes} node${nodes === 1 ? '' : 's'} (${byType})`)
  }
  if (models.size > 0) parts.push(`models: ${[...models].join(', ')}`)
  if (variables !== undefined) {
    parts.push(
      `${variables} variable${variables === 1 ? '' : 's'}${secure ? ` (${secure} secure)` : ''}`
    )
  }
  return parts.join('; ') || 'files added'
}

function collect(
  node: Node,
  key: string | undefined,
  types: Map<string, number>,
  models: Set<string>
): void {
  if (node.type === 'string' && key && /^model(name|id)?$/i.test(key))
    models.add(String(node.value))
  if (node.type === 'array' && key === 'nodes') {
    for (const item of node.children ?? []) {
      const type = item.children?.find(p => p.children?.[0]?.value === 'type')?.children?.[1]?.value
      const name = typeof type === 'string' ? type : 'untyped'
      types.set(name, (types.get(name) ?? 0) + 1)
    }
  }
  for (const child of node.children ?? []) {
    if (child.type === 'property')
      collect(child.children?.[1] as Node, String(child.children?.[0]?.value), types, models)
    else collect(child, undefined, types, models)
  }
}
