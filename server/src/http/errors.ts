import type { ErrorRequestHandler, RequestHandler } from 'express';
import { log } from '../log';

export interface HttpRefusal {
  status: number;
  code: string;
  message: string;
}

/** body-parser's error types, for requests whose body cannot be read as JSON. */
function bodyRefusal(type: string, limit: unknown): HttpRefusal | null {
  switch (type) {
    case 'entity.parse.failed':
      return { status: 400, code: 'BAD_REQUEST', message: 'The request body is not valid JSON' };
    case 'entity.too.large':
      return {
        status: 413,
        code: 'PAYLOAD_TOO_LARGE',
        message: `The request body is larger than the ${String(limit)} bytes accepted`,
      };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Send the body as JSON in UTF-8' };
    case 'request.aborted':
    case 'request.size.invalid':
      return { status: 400, code: 'BAD_REQUEST', message: 'The request body was not received whole' };
    default:
      return null;
  }
}

/**
 * What an error raised outside the GraphQL and API handlers (reading the body, serving a file) tells the client:
 * its own mistake with a 4xx and a code, anything else as INTERNAL_SERVER_ERROR without details.
 */
export function refusalFor(error: unknown): HttpRefusal {
  const { type, status, limit } = (typeof error === 'object' && error !== null ? error : {}) as {
    type?: unknown;
    status?: unknown;
    limit?: unknown;
  };
  const fromBody = typeof type === 'string' ? bodyRefusal(type, limit) : null;
  if (fromBody) return fromBody;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return status === 404
      ? { status, code: 'NOT_FOUND', message: 'Not found' }
      : { status, code: 'BAD_REQUEST', message: 'The request cannot be answered' };
  }
  log.error('Unexpected error while answering an HTTP request', error);
  return { status: 500, code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' };
}

/** A refusal in the shape of the endpoint asked: GraphQL's `errors` on /graphql, the HTTP API's `error` elsewhere. */
export function sendRefusal(res: Parameters<RequestHandler>[1], path: string, refusal: HttpRefusal): void {
  const { status, code, message } = refusal;
  res
    .status(status)
    .json(path.startsWith('/graphql') ? { errors: [{ message, extensions: { code } }] } : { error: { code, message } });
}

/** The last handler: no error reaches Express's own page (HTML, with a stack trace outside production). */
export const answerErrorsAsJson: ErrorRequestHandler = (error, req, res, next) => {
  if (res.headersSent) return next(error);
  sendRefusal(res, req.originalUrl, refusalFor(error));
};
