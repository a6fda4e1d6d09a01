/**
 * The step's cancellation, for both actions. The runner cancels a step with SIGINT, then SIGTERM
 * about 7.5 s later, then kills it. From the first signal on, no request is started, sleeps end
 * and requests under way are cut off, each with CancelledError, so the run stops where it is.
 */

/** The step was cancelled: nothing further is sent. */
export class CancelledError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'CancelledError'
  }
}

const controller = new AbortController()
const hooks = new Set<() => void>()

/** Aborted once the step is cancelled, with the CancelledError as its reason (for fetch). */
export const cancellation: AbortSignal = controller.signal

/** Cancels every wait and request of the step, now and to come. */
export function cancelStep(message: string): void {
  if (controller.signal.aborted) return
  controller.abort(new CancelledError(message))
  for (const hook of [...hooks]) hook()
  hooks.clear()
}

export function isCancelled(): boolean {
  return controller.signal.aborted
}

/** Throws the step's CancelledError once it was cancelled: call before starting anything. */
export function throwIfCancelled(): void {
  if (controller.signal.aborted) throw controller.signal.reason
}

/**
 * Calls `hook` when the step is cancelled (at once if it already was); returns what to call once
 * it is no longer needed. A set, not abort listeners, so that many requests raise no warning.
 */
export function whenCancelled(hook: () => void): () => void {
  if (controller.signal.aborted) {
    hook()
    return () => undefined
  }
  hooks.add(hook)
  return () => hooks.delete(hook)
}
