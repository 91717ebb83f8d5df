import 'reflect-metadata';
import { createApp } from './app';
import { AuthService } from './auth/auth.service';
import { ConfigError, loadConfig, type Config } from './config';
import { createDataSource } from './db/data-source';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded';
import { migrations } from './db/migrations';
import { log } from './log';
import { loadDemoData } from './seed/demo';
import { Shutdown } from './shutdown';

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
  // Express (its error pages), Apollo Server and graphql-ws read the mode from NODE_ENV: the one Shiplog runs in.
  process.env.NODE_ENV = config.env;
  const shutdown = new Shutdown(config.shutdownTimeoutMs);
  shutdown.handleSignals();

  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    log.info(`No DATABASE_URL: starting the embedded PostgreSQL in ${config.dataDir}`);
    const database = await startEmbeddedPostgres(config.dataDir, (line) => log.debug(line));
    shutdown.add('the embedded PostgreSQL', () => database.stop());
    embedded = database;
    databaseUrl = embedded.url;
  }

  const dataSource = createDataSource(databaseUrl);
  await dataSource.initialize();
  shutdown.add('the database connections', () => dataSource.destroy());
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  if (applied.length > 0) log.info(`Applied ${applied.length} migration(s): ${applied.map((m) => m.name).join(', ')}`);

  const app = await createApp(config, dataSource);
  shutdown.add('the server', () => app.close());
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
    const saved = demo.credentialsFile ? `also saved in ${demo.credentialsFile}; ` : '';
    log.info(`(${saved}set SHIPLOG_DEMO_DATA=false to start empty)`);
  } else if (config.adminToken) {
    log.info('API calls can use the admin token from SHIPLOG_ADMIN_TOKEN: Authorization: Bearer <token>');
  }
}

main().catch((error: unknown) => {
  log.error('Shiplog failed to start', error);
  process.exit(1);
});
