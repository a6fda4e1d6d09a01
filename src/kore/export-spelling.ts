/** The export path spelling a run's clients share, and the first try that is learning it. */
export interface ExportSpelling {
  collection?: string
  learning?: Promise<void>
}

/**
 * Runs `start` at once when the spelling is known; else as the one try that learns it, while
 * parallel exports wait for it: a batch tries a wrong spelling once, not once per tool.
 */
export async function learningOnce<T>(
  spelling: ExportSpelling,
  start: () => Promise<T>
): Promise<T> {
  while (!spelling.collection && spelling.learning) await spelling.learning
  if (spelling.collection) return start()
  const learning = start()
  spelling.learning = learning.then(
    () => undefined,
    () => undefined
  )
  try {
    return await learning
  } finally {
    spelling.learning = undefined
  }
}
