import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { ArgumentValidationError } from 'type-graphql';
import type { ValidationError } from 'class-validator';
import { AppError } from '../common/errors';
import { log } from '../log';

/** Codes that graphql-js and Apollo give to requests that are malformed; passed through unchanged. */
const REQUEST_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'BAD_USER_INPUT',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'RATE_LIMITED',
]);

function validationProblems(errors: ValidationError[], prefix: string): string[] {
  return errors.flatMap((error) => {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => `${path}: ${message}`);
    return [...own, ...validationProblems(error.children ?? [], path)];
  });
}

/**
 * The one place where errors become responses: refusals keep their code and message; anything unexpected
 * is logged and answered as INTERNAL_SERVER_ERROR without details (no stack traces, no SQL).
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
  if (original instanceof AppError) {
    return { ...base, message: original.message, extensions: { code: original.code, ...original.details } };
  }
  if (original instanceof ArgumentValidationError) {
    const problems = validationProblems(original.extensions.validationErrors, '');
    return { ...base, message: `Invalid input: ${problems.join('; ')}`, extensions: { code: 'BAD_USER_INPUT', problems } };
  }
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && REQUEST_CODES.has(code)) {
    const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
    return { ...base, extensions };
  }
  log.error('Unexpected error while answering a request', original);
  return { ...base, message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}

/**
 * A refusal to slow down is HTTP 429 with Retry-After, so HTTP clients and proxies understand it without reading
 * the body; every other GraphQL answer keeps its status.
 */
export const rateLimitStatusPlugin: ApolloServerPlugin = {
  requestDidStart: () =>
    Promise.resolve({
      willSendResponse: ({ response }) => {
        if (response.body.kind !== 'single') return Promise.resolve();
        const limited = response.body.singleResult.errors?.find((error) => error.extensions?.code === 'RATE_LIMITED');
        if (limited) {
          response.http.status = 429;
          const retryAfter = limited.extensions?.retryAfterSeconds;
          if (typeof retryAfter === 'number') response.http.headers.set('retry-after', String(retryAfter));
        }
        return Promise.resolve();
      },
    }),
};
