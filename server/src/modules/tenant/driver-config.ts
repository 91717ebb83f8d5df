import { badInput } from '../../common/errors';
import { driverConfigSchemas } from '../../engine/drivers';
import { refuseUrl, type TargetPolicy } from '../../engine/drivers/target-policy';
import { DeploymentDriver } from './installation.entity';

/** Checks the settings a driver needs, and a WEBHOOK's target against the policy; returns them as stored. */
export function validateDriverConfig(driver: DeploymentDriver, config: unknown, policy: TargetPolicy): Record<string, unknown> {
  const result = driverConfigSchemas[driver].safeParse(config ?? {});
  const problems = result.success
    ? []
    : result.error.issues.map((issue) => `${['driverConfig', ...issue.path].join('.')}: ${issue.message}`);
  if (result.success && driver === DeploymentDriver.WEBHOOK) {
    const refusal = refuseUrl(policy, (result.data as { url: string }).url);
    if (refusal) problems.push(`driverConfig.url: ${refusal}`);
  }
  if (!result.success || problems.length > 0) {
    throw badInput(`driverConfig does not suit the ${driver} driver: ${problems.join('; ')}`, { problems });
  }
  return result.data;
}

/** Keys whose values are secrets wherever they appear; every value under `headers` is one too. */
const SECRET_KEY = /secret|token|password|passwd|api[-_]?key|authorization|credential|cookie/i;
export const REDACTED = '********';

/** A URL with its credentials and secret-looking query values replaced; unchanged when it cannot be parsed. */
function redactUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return value;
  }
  if (url.username) url.username = REDACTED;
  if (url.password) url.password = REDACTED;
  for (const key of [...url.searchParams.keys()]) if (SECRET_KEY.test(key)) url.searchParams.set(key, REDACTED);
  return url.toString();
}

function redactValue(value: unknown, key: string | null, underHeaders: boolean): unknown {
  if (Array.isArray(value)) return value.map((item) => redactValue(item, key, underHeaders));
  if (typeof value === 'object' && value !== null) {
    const isHeaders = key?.toLowerCase() === 'headers';
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v, k, isHeaders)]));
  }
  if (underHeaders || (key !== null && SECRET_KEY.test(key))) return REDACTED;
  if (typeof value === 'string' && key !== null && /url$/i.test(key)) return redactUrl(value);
  return value;
}

/**
 * Secrets are write-only: they are never read back through the API or the audit log. Anywhere in the settings,
 * values of secret-looking keys, every header value, and the credentials and secret query values of URLs.
 */
export function redactDriverConfig(config: Record<string, unknown>): Record<string, unknown> {
  return redactValue(config, null, false) as Record<string, unknown>;
}

/** `next` with the parts of a URL read back redacted taken from the stored `current` URL. */
function restoreUrl(next: string, current: unknown): string {
  if (typeof current !== 'string' || !next.includes(REDACTED)) return next;
  let url: URL;
  let stored: URL;
  try {
    url = new URL(next);
    stored = new URL(current);
  } catch {
    return next;
  }
  if (url.username === REDACTED) url.username = stored.username;
  if (url.password === REDACTED) url.password = stored.password;
  for (const [key, value] of [...url.searchParams.entries()]) {
    if (value === REDACTED && stored.searchParams.has(key)) url.searchParams.set(key, stored.searchParams.get(key)!);
  }
  return url.toString();
}

function restoreValue(next: unknown, current: unknown, key: string | null): unknown {
  if (next === REDACTED && current !== undefined) return current;
  if (typeof next === 'string' && key !== null && /url$/i.test(key)) return restoreUrl(next, current);
  if (typeof next === 'object' && next !== null && !Array.isArray(next)) {
    const stored = typeof current === 'object' && current !== null ? (current as Record<string, unknown>) : {};
    return Object.fromEntries(Object.entries(next).map(([k, v]) => [k, restoreValue(v, stored[k], k)]));
  }
  return next;
}

/**
 * A client that edits settings it read back sends the secrets as ********: those keep their stored value, so a
 * URL can change without sending the secret again.
 */
export function keepRedactedSecrets(next: unknown, current: Record<string, unknown>): unknown {
  return restoreValue(next, current, null);
}
