import { randomBytes } from 'node:crypto';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { fetch } from 'undici';
import { agentFor } from '../../engine/drivers/webhook';
import { refuseUrl, type TargetPolicy } from '../../engine/drivers/target-policy';

/** How long an attempt waits for an answer. */
export const WEBHOOK_TIMEOUT_MS = 15_000;
/** How much of an answer's body the delivery log keeps. */
export const RESPONSE_BODY_LIMIT = 2048;
/** The longest Retry-After honoured; a later one is taken as this. */
const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

/** A new signing secret in the specification's form: `whsec_` and the base64 of 32 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/**
 * The `webhook-signature` value: `v1,<base64 HMAC-SHA256 of id.timestamp.body>` for each secret that signs now,
 * space-separated (during a rotation, the new secret's and the old one's).
 */
export function signatures(secrets: string[], messageId: string, at: Date, body: string): string {
  return secrets.map((secret) => new StandardWebhook(secret).sign(messageId, at, body)).join(' ');
}

export interface AttemptResult {
  ok: boolean;
  httpStatus: number | null;
  durationMs: number;
  error: string | null;
  responseHeaders: Record<string, string> | null;
  responseBody: string | null;
  /** From a 429 or 503 answer's Retry-After: wait at least this long before the next attempt. */
  retryAfterMs: number | null;
  /** 410 Gone: the endpoint asks not to be sent anything again. */
  gone: boolean;
}

/** Retry-After in seconds or as an HTTP date, in milliseconds from now; null when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - now;
  if (!Number.isFinite(ms)) return null;
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}

async function readLimited(response: Awaited<ReturnType<typeof fetch>>): Promise<string> {
  if (!response.body) return '';
  const chunks: Buffer[] = [];
  let size = 0;
  const reader = response.body.getReader() as ReadableStreamDefaultReader<Uint8Array>;
  try {
    while (size < RESPONSE_BODY_LIMIT) {
      const chunk = await reader.read();
      if (chunk.done) break;
      chunks.push(Buffer.from(chunk.value));
      size += chunk.value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, RESPONSE_BODY_LIMIT).toString('utf8');
}

/**
 * One attempt: POSTs `body` with the Standard Webhooks headers. Only a 2xx answer succeeds; a redirect fails and
 * is never followed. The target must be allowed by `policy`, checked again where the connection is made. `abandon`
 * ends the attempt early (the process is stopping): the caller then records nothing of it.
 */
export async function sendAttempt(
  url: string,
  headers: Record<string, string>,
  body: string,
  policy: TargetPolicy,
  abandon?: AbortSignal,
): Promise<AttemptResult> {
  const started = Date.now();
  const failure = (error: string): AttemptResult => ({
    ok: false,
    httpStatus: null,
    durationMs: Date.now() - started,
    error,
    responseHeaders: null,
    responseBody: null,
    retryAfterMs: null,
    gone: false,
  });
  const refusal = refuseUrl(policy, url);
  if (refusal) return failure(`Refused: ${refusal}`);
  let response: Awaited<ReturnType<typeof fetch>>;
  try {
    response = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      dispatcher: agentFor(policy),
      headers: { ...headers, 'content-type': 'application/json', 'user-agent': 'Shiplog-Webhooks' },
      body,
      signal: abandon
        ? AbortSignal.any([AbortSignal.timeout(WEBHOOK_TIMEOUT_MS), abandon])
        : AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
  } catch (error) {
    const cause = error instanceof Error ? (error.cause as NodeJS.ErrnoException | undefined) : undefined;
    if (cause?.code === 'ETARGETREFUSED') return failure(cause.message);
    if (abandon?.aborted) return failure('Abandoned: the server is stopping');
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    return failure(
      timedOut ? `No answer within ${WEBHOOK_TIMEOUT_MS / 1000} s` : `No answer (${cause?.code ?? 'the connection failed'})`,
    );
  }
  const responseBody = await readLimited(response).catch(() => '');
  const status = response.status;
  const redirect = status >= 300 && status < 400;
  return {
    ok: status >= 200 && status < 300,
    httpStatus: status,
    durationMs: Date.now() - started,
    error: redirect ? 'Redirects are not followed' : null,
    responseHeaders: Object.fromEntries(response.headers.entries()),
    responseBody,
    retryAfterMs: status === 429 || status === 503 ? retryAfterMs(response.headers.get('retry-after')) : null,
    gone: status === 410,
  };
}
