import { createHmac } from 'node:crypto';
import { Agent, fetch } from 'undici';
import { z } from 'zod';
import { guardedLookup, refuseUrl, type TargetPolicy } from './target-policy';

/**
 * WEBHOOK: each deployment is POSTed, signed, to the orchestrator at `url`, which reports progress back. A
 * delivery is tried up to `maxAttempts` times, each attempt waiting at most `timeoutMs` for an answer.
 */
export const webhookConfig = z
  .object({
    url: z.url({ protocol: /^https?$/, message: 'url must be an http(s) URL' }),
    secret: z.string().min(16, { message: 'secret must be at least 16 characters' }),
    headers: z.record(z.string(), z.string()).optional(),
    maxAttempts: z.number().int().min(1).max(20).optional(),
    timeoutMs: z.number().int().min(100).max(60_000).optional(),
  })
  .strict();

export type WebhookConfig = z.infer<typeof webhookConfig>;

/** The attempts of one delivery and each attempt's wait for an answer, unless the installation sets them. */
export function deliveryLimits(config: WebhookConfig): { maxAttempts: number; timeoutMs: number } {
  return { maxAttempts: config.maxAttempts ?? 8, timeoutMs: config.timeoutMs ?? 10_000 };
}

export const SIGNATURE_HEADER = 'X-Shiplog-Signature-256';

/** `sha256=<hex HMAC-SHA256 of the body>`, as orchestrators verify it. */
export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Where requests go, for logs: without credentials, query or fragment. */
export function displayUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
}

/** How long to wait before attempt `attempt + 1`: doubling from one second, at most five minutes. */
export function retryDelayMs(attempt: number): number {
  return Math.min(1000 * 2 ** (attempt - 1), 300_000);
}

export type DeliveryResult =
  | { delivered: true; httpStatus: number }
  /**
   * `problem`: what happened, for the server's log. `outcome`: what the deployment's log says, the same for every
   * network failure and refusal, so that a target address cannot be used to learn which internal ports answer.
   * `final`: trying again cannot help (410 Gone, or a target the policy refuses).
   */
  | { delivered: false; httpStatus: number | null; problem: string; outcome: string; final: boolean };

const NOT_ACCEPTED = 'failed: the orchestrator did not accept the request';

/**
 * One connection pool per policy, whose connections resolve names and refuse targets the policy does not allow
 * (WEBHOOK deployments and outbound event webhooks alike).
 */
const agents = new WeakMap<TargetPolicy, Agent>();

export function agentFor(policy: TargetPolicy): Agent {
  let agent = agents.get(policy);
  if (!agent) {
    agent = new Agent({ connect: { lookup: guardedLookup(policy) } });
    agents.set(policy, agent);
  }
  return agent;
}

function refused(problem: string): DeliveryResult {
  return { delivered: false, httpStatus: null, problem, outcome: `refused: ${problem}`, final: true };
}

/**
 * One attempt: POSTs `body` with the signature and the delivery id (the deployment's id, the same on every
 * attempt). Only a 2xx answer delivers; a redirect is a failed attempt and is never followed. The target must
 * be allowed by `policy`, checked again where the connection is made.
 */
export async function deliver(
  config: WebhookConfig,
  deliveryId: string,
  body: string,
  policy: TargetPolicy,
): Promise<DeliveryResult> {
  const { timeoutMs } = deliveryLimits(config);
  const refusal = refuseUrl(policy, config.url);
  if (refusal) return refused(refusal);
  let response: Awaited<ReturnType<typeof fetch>>;
  try {
    response = await fetch(config.url, {
      method: 'POST',
      redirect: 'manual',
      dispatcher: agentFor(policy),
      headers: {
        ...(config.headers ?? {}),
        'content-type': 'application/json',
        'user-agent': 'Shiplog-Webhook',
        'x-shiplog-delivery': deliveryId,
        'x-shiplog-timestamp': new Date().toISOString(),
        'x-shiplog-event': 'deployment.requested',
        [SIGNATURE_HEADER.toLowerCase()]: signature(config.secret, body),
      },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const cause = error instanceof Error ? (error.cause as NodeJS.ErrnoException | undefined) : undefined;
    if (cause?.code === 'ETARGETREFUSED') return refused(cause.message.replace(/^Refused to connect: /, ''));
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    return {
      delivered: false,
      httpStatus: null,
      problem: timedOut ? `no answer within ${timeoutMs} ms` : `no answer (${cause?.code ?? 'the connection failed'})`,
      outcome: NOT_ACCEPTED,
      final: false,
    };
  }
  // The body is not needed; release the connection.
  await response.body?.cancel().catch(() => undefined);
  if (response.status >= 200 && response.status < 300) return { delivered: true, httpStatus: response.status };
  const redirect = response.status >= 300 && response.status < 400;
  return {
    delivered: false,
    httpStatus: response.status,
    problem: `answered ${response.status}${redirect ? ' (redirects are not followed)' : ''}`,
    outcome: response.status === 410 ? 'failed: the orchestrator answered that it is gone (410 Gone)' : NOT_ACCEPTED,
    final: response.status === 410,
  };
}
