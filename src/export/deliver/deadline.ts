/**
 * The commit stage's own time limit (commit-timeout), kept apart from the Octokit module so that
 * checking it loads nothing heavy.
 */

/** The stage ran out of the time commit-timeout gives it. */
export class StageDeadlineError extends Error {
  constructor(seconds: number) {
    super(
      `the commit stage took longer than commit-timeout allows (${seconds} s): no further request was sent to GitHub, and one under way was cut off (it may still have completed: check the branch)`
    )
    this.name = 'StageDeadlineError'
  }
}

/** When the commit stage must be over (epoch ms), and the limit it came from. */
export interface StageDeadline {
  at: number
  seconds: number
}

/** Throws once the stage's time is up; for the stage's own steps between requests. */
export function checkDeadline(deadline: StageDeadline | undefined): void {
  if (deadline && Date.now() >= deadline.at) throw new StageDeadlineError(deadline.seconds)
}
