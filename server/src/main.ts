import 'reflect-metadata';
import { createApp } from './app';
import { AuthService } from './auth/auth.service';
import { ConfigError, loadConfig, type Config } from './config';
import { createDataSource } from './db/data-source';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded';
import { migrations } from './db/migrations';
import { log } from './log';
import { loadDemoData } from './seed/demo';

async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  log.setLevel(config.logLevel);

  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    log.info(`No DATABASE_URL: starting the embedded PostgreSQL in ${config.dataDir}`);
    embedded = await startEmbeddedPostgres(config.dataDir, (line) => log.debug(line));
    databaseUrl = embedded.url;
  }

  const dataSource = createDataSource(databaseUrl);
  await dataSource.initialize();
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  if (applied.length > 0) log.info(`Applied ${applied.length} migration(s): ${applied.map((m) => m.name).join(', ')}`);

  const app = await createApp(config, dataSource);
  const auth = app.container.resolve(AuthService);
  if (config.adminToken) await auth.ensureAdminToken(config.adminToken);

  // A new database is one whose first migration ran just now.
  const isNewDatabase = applied.some((migration) => migration.name === migrations[0].name);
  const wantDemo = config.demoData ?? embedded !== undefined;
  let demo: Awaited<ReturnType<typeof loadDemoData>> | undefined;
  if (isNewDatabase && wantDemo) demo = await loadDemoData(app.container, config);

  const url = await app.listen();
  log.info(`Shiplog is running at ${url} (GraphQL at ${url}/graphql)`);
  if (demo) {
    log.info(`Loaded the demo data set. Sign in at ${url} as '${demo.username}' with password '${demo.password}'`);
    log.info(`(also saved in ${demo.credentialsFile}; set SHIPLOG_DEMO_DATA=false to start empty)`);
  } else if (config.adminToken) {
    log.info('API calls can use the admin token from SHIPLOG_ADMIN_TOKEN: Authorization: Bearer <token>');
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: shutting down`);
    await app.close();
    await dataSource.destroy();
    if (embedded) await embedded.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  log.error('Shiplog failed to start', error);
  process.exit(1);
});
