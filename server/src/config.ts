import path from 'node:path';
import proxyaddr from 'proxy-addr';
import { z } from 'zod';
import { OPEN_POLICY, parseAllowedTargets, type TargetPolicy } from './engine/drivers/target-policy';

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: "must be 'true' or 'false'" })
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `500ms`, `5s`, `5m`, `2h`, `3d` in milliseconds; null when it is not such a duration. */
export function parseDuration(value: string): number | null {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(value.trim());
  return match ? Number(match[1]) * DURATION_UNITS_MS[match[2]] : null;
}

const DURATION_MESSAGE = 'must be a duration such as 30s, 5m, 2h or 3d';
const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      const ms = parseDuration(value);
      if (ms === null) {
        ctx.addIssue({ code: 'custom', message: DURATION_MESSAGE });
        return z.NEVER;
      }
      return ms;
    });
const durations = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      const list = value.split(',').map(parseDuration);
      if (list.length === 0 || list.length > 50 || list.some((ms) => ms === null)) {
        ctx.addIssue({ code: 'custom', message: 'must be 1 to 50 comma-separated durations such as 0s,5s,5m,2h,1d' });
        return z.NEVER;
      }
      return list as number[];
    });

const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  PORT: z.coerce.number({ message: 'must be a port number' }).int().min(0).max(65535).default(4000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// connection URL' })
    .optional(),
  SHIPLOG_DATA_DIR: z.string().min(1).optional(),
  SHIPLOG_ADMIN_TOKEN: z.string().min(16, { message: 'must be at least 16 characters' }).optional(),
  SHIPLOG_DEMO_DATA: flag.optional(),
  SHIPLOG_INTROSPECTION: flag.optional(),
  SHIPLOG_SESSION_TTL_HOURS: z.coerce.number({ message: 'must be a number of hours' }).positive().default(12),
  SHIPLOG_MAX_PAGE_SIZE: z.coerce.number({ message: 'must be a whole number' }).int().min(1).max(1000).default(100),
  SHIPLOG_MAX_QUERY_DEPTH: z.coerce.number({ message: 'must be a whole number' }).int().min(2).default(12),
  SHIPLOG_MAX_QUERY_COST: z.coerce.number({ message: 'must be a whole number' }).int().min(10).default(20000),
  SHIPLOG_MAX_SUBSCRIPTIONS_PER_CONNECTION: z.coerce.number({ message: 'must be a whole number' }).int().min(1).default(100),
  SHIPLOG_MAX_QUERY_TOKENS: z.coerce.number({ message: 'must be a whole number' }).int().min(100).default(1000),
  SHIPLOG_WEB_DIR: z.string().min(1).optional(),
  SHIPLOG_PUBLIC_URL: z.url({ message: 'must be the URL people and orchestrators reach Shiplog at' }).optional(),
  SHIPLOG_ENGINE: flag.optional(),
  SHIPLOG_SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number({ message: 'must be a number of seconds' }).positive().default(25),
  SHIPLOG_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  SHIPLOG_WEBHOOK_ALLOWED_HOSTS: z
    .string()
    .transform((value, ctx) => {
      try {
        return parseAllowedTargets(value);
      } catch (error) {
        ctx.addIssue({
          code: 'custom',
          message: `${(error as Error).message}; give host names and address ranges, comma-separated`,
        });
        return z.NEVER;
      }
    })
    .optional(),
  SHIPLOG_WEBHOOK_RETRY_SCHEDULE: durations('0s,5s,5m,30m,2h,5h,10h,10h'),
  SHIPLOG_WEBHOOK_DISABLE_AFTER: duration('3d'),
  SHIPLOG_WEBHOOK_RETENTION: duration('30d'),
  SHIPLOG_TRUST_PROXY: z
    .string()
    .transform((value): boolean | number | string =>
      value === 'true' ? true : value === 'false' ? false : /^\d+$/.test(value) ? Number(value) : value,
    )
    .refine((value) => typeof value !== 'string' || compiles(value), {
      message: "must be 'true', 'false', a number of proxies, or addresses/subnets such as 'loopback, 10.0.0.0/8'",
    })
    .default(false),
});

/** Whether Express can make sense of a list of trusted proxy addresses. */
function compiles(addresses: string): boolean {
  try {
    proxyaddr.compile(addresses.split(',').map((address) => address.trim()));
    return true;
  } catch {
    return false;
  }
}

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  adminToken: string | undefined;
  /** Load the demo data set into a new database; by default only into a new embedded one. */
  demoData: boolean | undefined;
  introspection: boolean;
  sessionTtlMs: number;
  maxPageSize: number;
  maxQueryDepth: number;
  maxQueryCost: number;
  /** Operations (mostly subscriptions) one WebSocket connection may run at once. */
  maxSubscriptionsPerConnection: number;
  /** The most tokens a GraphQL document may have: parsing stops there, so parsing and validation stay cheap. */
  maxQueryTokens: number;
  webDir: string;
  /** Where orchestrators reach Shiplog, for callback URLs in webhook requests. */
  publicUrl: string | undefined;
  /** Run the rollout engine's workers in this process. */
  engine: boolean;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Where WEBHOOK drivers may send requests (SHIPLOG_WEBHOOK_ALLOWED_HOSTS; link-local and the like never). */
  webhookTargets: TargetPolicy;
  /** Outbound event webhooks: the wait before each attempt of a message (the first usually 0). */
  webhookRetryScheduleMs: number[];
  /** An endpoint whose messages all failed for this long is disabled. */
  webhookDisableAfterMs: number;
  /** How long messages and their attempts are kept. */
  webhookRetentionMs: number;
  /** Express's 'trust proxy': which proxies' X-Forwarded-For names the client (sign-in throttling goes by it). */
  trustProxy: boolean | number | string;
  /** How long an orderly stop (on SIGTERM or SIGINT) may take before the process exits regardless. */
  shutdownTimeoutMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Shiplog cannot start, the configuration has problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const repositoryRoot = path.resolve(__dirname, '..', '..');

/** Reads and validates the configuration once; every problem is reported together. */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(environment).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = environmentSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const e = parsed.data;
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.SHIPLOG_DATA_DIR ?? path.join(repositoryRoot, '.shiplog-data')),
    adminToken: e.SHIPLOG_ADMIN_TOKEN,
    demoData: e.SHIPLOG_DEMO_DATA,
    introspection: e.SHIPLOG_INTROSPECTION ?? e.NODE_ENV !== 'production',
    sessionTtlMs: e.SHIPLOG_SESSION_TTL_HOURS * 3_600_000,
    maxPageSize: e.SHIPLOG_MAX_PAGE_SIZE,
    maxQueryDepth: e.SHIPLOG_MAX_QUERY_DEPTH,
    maxQueryCost: e.SHIPLOG_MAX_QUERY_COST,
    maxQueryTokens: e.SHIPLOG_MAX_QUERY_TOKENS,
    maxSubscriptionsPerConnection: e.SHIPLOG_MAX_SUBSCRIPTIONS_PER_CONNECTION,
    webDir: path.resolve(e.SHIPLOG_WEB_DIR ?? path.join(repositoryRoot, 'web', 'dist')),
    logLevel: e.SHIPLOG_LOG_LEVEL,
    publicUrl: e.SHIPLOG_PUBLIC_URL?.replace(/\/$/, ''),
    engine: e.SHIPLOG_ENGINE ?? true,
    trustProxy: e.SHIPLOG_TRUST_PROXY,
    webhookTargets: e.SHIPLOG_WEBHOOK_ALLOWED_HOSTS ?? OPEN_POLICY,
    shutdownTimeoutMs: e.SHIPLOG_SHUTDOWN_TIMEOUT_SECONDS * 1000,
    webhookRetryScheduleMs: e.SHIPLOG_WEBHOOK_RETRY_SCHEDULE,
    webhookDisableAfterMs: e.SHIPLOG_WEBHOOK_DISABLE_AFTER,
    webhookRetentionMs: e.SHIPLOG_WEBHOOK_RETENTION,
  };
}
