import 'reflect-metadata';
import type { DataSource } from 'typeorm';
import { createApp, type App, type AppOptions } from '../../src/app';
import { AuthService } from '../../src/auth/auth.service';
import { loadConfig, type Config } from '../../src/config';
import { createDataSource } from '../../src/db/data-source';
import { log } from '../../src/log';
import { createTestDatabase } from './database';

export interface GraphQLResponse<T = Record<string, any>> {
  data?: T | null;
  errors?: { message: string; path?: string[]; extensions?: Record<string, any> }[];
}

export interface TestServer {
  url: string;
  app: App;
  dataSource: DataSource;
  config: Config;
  adminToken: string;
  /** POSTs a GraphQL operation; `token` defaults to the admin token, null sends none. */
  gql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string | null,
  ): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
}

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

/** A real server on a free port with its own migrated database. */
export interface QueryCounter {
  count: number;
}

export async function startTestServer(
  environment: Record<string, string> = {},
  queries?: QueryCounter,
  appOptions?: AppOptions,
): Promise<TestServer> {
  const database = await createTestDatabase();
  return startOn(database, environment, queries, appOptions);
}

/** A second server on `primary`'s database, as another replica would be; closing it leaves the database. */
export function startReplica(primary: TestServer, environment: Record<string, string> = {}, appOptions?: AppOptions) {
  return startOn({ url: primary.config.databaseUrl!, drop: () => Promise.resolve() }, environment, undefined, appOptions);
}

async function startOn(
  database: { url: string; drop(): Promise<void> },
  environment: Record<string, string>,
  queries: QueryCounter | undefined,
  appOptions: AppOptions | undefined,
): Promise<TestServer> {
  log.setLevel('error');
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    SHIPLOG_ADMIN_TOKEN: ADMIN_TOKEN,
    SHIPLOG_LOG_LEVEL: 'error',
    SHIPLOG_WEB_DIR: '/nonexistent',
    ...environment,
  });
  const logger = queries
    ? {
        // The event hub's catch-up read of the event log runs once a second on the same data source, whatever the
        // requests do; it is not part of any request's cost.
        logQuery: (sql: string) => {
          if (!/FROM "event_record" "e" WHERE "e"."sequence" >/.test(sql)) queries.count++;
        },
        logQueryError() {},
        logQuerySlow() {},
        logSchemaBuild() {},
        logMigration() {},
        log() {},
      }
    : undefined;
  const dataSource = createDataSource(database.url, { poolSize: 5, logger });
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  const app = await createApp(config, dataSource, appOptions);
  await app.container.resolve(AuthService).ensureAdminToken(ADMIN_TOKEN);
  const url = await app.listen(0, '127.0.0.1');
  return {
    url,
    app,
    dataSource,
    config,
    adminToken: ADMIN_TOKEN,
    async gql(query, variables, token = ADMIN_TOKEN) {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as GraphQLResponse<any>;
    },
    async close() {
      await app.close();
      await dataSource.destroy();
      await database.drop();
    },
  };
}

/** The error code of the first error, for asserting refusals. */
export function errorCode(response: GraphQLResponse): string | undefined {
  return response.errors?.[0]?.extensions?.code as string | undefined;
}

/** The data of a response that must have succeeded. */
export function dataOf<T>(response: GraphQLResponse<T>): T {
  if (response.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(response.errors)}`);
  return response.data as T;
}
