/** The message of anything thrown; Node's own errors may come from another realm (jest). */
export function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message
  return typeof message === 'string' ? message : String(error)
}
