import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';

export type ErrorCode = 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'BAD_USER_INPUT' | 'CONFLICT' | 'INTERNAL_SERVER_ERROR';

export function hasErrorCode(error: CombinedGraphQLErrors, code: ErrorCode): boolean {
  return error.errors.some((e) => e.extensions?.code === code);
}

/** A sentence a person can act on, for any error an operation ended with. */
export function describeError(error: unknown): string {
  if (CombinedGraphQLErrors.is(error)) {
    const messages = [...new Set(error.errors.map((e) => e.message))];
    return messages.join('; ') || 'The server refused the request';
  }
  if (ServerError.is(error)) return `The server answered with an error (HTTP ${error.statusCode}); try again`;
  return 'Could not reach the Shiplog server; check your connection and try again';
}
