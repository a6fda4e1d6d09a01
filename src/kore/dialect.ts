/**
 * Kore.ai documents the same APIs for two products under two names: Agent Platform's tools and
 * AI for Process's workflows (paths, request fields and the words in messages). One Resource
 * picks them; everything else about the calls is shared. Agentic apps (`app`) have calls of
 * their own (apps.ts); their dialect only names them.
 */

export const RESOURCES = ['tool', 'workflow', 'app'] as const
export type Resource = (typeof RESOURCES)[number]

export interface Dialect {
  /** The word for one, in messages: `tool`, `workflow`. */
  noun: Resource
  /** `/api/public/tools` or `/api/public/workflows`: import and deploy live under it. */
  collection: string
  /**
   * Where export lives, in the order tried: AI for Process's page spells it `/workflows/` in its
   * sample and `/workflow/` in its table.
   */
  exportCollections: string[]
  /** The import body's field for app_definition.json's file id. */
  dataFileField: 'toolDataFileId' | 'workflowDataFileId'
  /** The import body's field for a new one's name. */
  nameField: 'toolName' | 'workflowName'
  /** The other product, named when this one's API is not found at host. */
  otherHint: string
}

export function dialectOf(resource: Resource): Dialect {
  if (resource === 'app') {
    return {
      noun: 'app',
      collection: '/api/public/apps',
      exportCollections: ['/api/public/apps'],
      dataFileField: 'toolDataFileId',
      nameField: 'toolName',
      otherHint: 'an app is named by its aa-… id and a version id'
    }
  }
  return resource === 'workflow'
    ? {
        noun: 'workflow',
        collection: '/api/public/workflows',
        exportCollections: ['/api/public/workflows', '/api/public/workflow'],
        dataFileField: 'workflowDataFileId',
        nameField: 'workflowName',
        otherHint: 'on an Agent Platform host, set resource: tool'
      }
    : {
        noun: 'tool',
        collection: '/api/public/tools',
        exportCollections: ['/api/public/tools'],
        dataFileField: 'toolDataFileId',
        nameField: 'toolName',
        otherHint: 'on an AI for Process host, set resource: workflow'
      }
}
