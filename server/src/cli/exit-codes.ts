/** The CLI's exit codes: a public contract, documented in `shiplog --help` and the README. */
export const EXIT = {
  OK: 0,
  /** Network failure, server error, anything unexpected. */
  FAILURE: 1,
  /** The command line is wrong. */
  USAGE: 2,
  /** Not signed in, or not allowed (UNAUTHENTICATED, FORBIDDEN). */
  DENIED: 3,
  /** Refused by a rule (BAD_USER_INPUT, CONFLICT, NOT_FOUND). */
  REFUSED: 4,
  /** A waited-for rollout ended without success (FAILED, ABORTED, or PAUSED by a failure or by Shiplog). */
  ROLLOUT_UNSUCCESSFUL: 5,
  /** Waiting timed out. */
  TIMEOUT: 6,
  /** `plan --exit-code` found changes. */
  CHANGES: 7,
} as const;

export const EXIT_CODES_HELP = `Exit codes:
  0  success
  1  unexpected failure (network, server error)
  2  usage error
  3  not signed in or not allowed (UNAUTHENTICATED, FORBIDDEN)
  4  refused by a rule (BAD_USER_INPUT, CONFLICT, NOT_FOUND); blockers printed
  5  a waited-for rollout ended without success
     (FAILED, ABORTED, or PAUSED by a failure or by Shiplog)
  6  waiting timed out
  7  plan --exit-code found changes`;

/** A failure the CLI reports in one message (plus details, such as blockers) and ends with `code`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code: number,
    readonly details: string[] = [],
  ) {
    super(message);
  }
}

/** The exit code of a GraphQL error code. */
export function exitCodeOf(errorCode: string | undefined): number {
  switch (errorCode) {
    case 'UNAUTHENTICATED':
    case 'FORBIDDEN':
      return EXIT.DENIED;
    case 'BAD_USER_INPUT':
    case 'CONFLICT':
    case 'NOT_FOUND':
      return EXIT.REFUSED;
    default:
      return EXIT.FAILURE;
  }
}
