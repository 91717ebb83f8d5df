import { badInput } from '../../common/errors';
import { driverConfigSchemas } from '../../engine/drivers';
import type { DeploymentDriver } from './installation.entity';

/** Checks the settings a driver needs; returns them as stored. */
export function validateDriverConfig(driver: DeploymentDriver, config: unknown): Record<string, unknown> {
  const result = driverConfigSchemas[driver].safeParse(config ?? {});
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${['driverConfig', ...issue.path].join('.')}: ${issue.message}`);
    throw badInput(`driverConfig does not suit the ${driver} driver: ${problems.join('; ')}`, { problems });
  }
  return result.data;
}

const SECRET_KEY = /secret|token|password/i;
export const REDACTED = '********';

/** Secrets are write-only: they are never read back through the API or the audit log. */
export function redactDriverConfig(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).map(([key, value]) => [key, SECRET_KEY.test(key) ? REDACTED : value]));
}

/**
 * A client that edits settings it read back sends the secrets as ********: those keep their stored value,
 * so a URL can change without sending the secret again.
 */
export function keepRedactedSecrets(next: unknown, current: Record<string, unknown>): unknown {
  if (typeof next !== 'object' || next === null || Array.isArray(next)) return next;
  return Object.fromEntries(
    Object.entries(next).map(([key, value]) => [
      key,
      SECRET_KEY.test(key) && value === REDACTED && key in current ? current[key] : value,
    ]),
  );
}
