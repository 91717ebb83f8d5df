import type { ClientConfig } from 'pg';
import type { DataSource } from 'typeorm';

/** Settings for a dedicated connection that LISTENs on a channel, beside the data source's pool. */
export function listenerConfig(dataSource: DataSource, applicationName: string): ClientConfig {
  const options = dataSource.options;
  if (options.type !== 'postgres') throw new Error('Notifications need PostgreSQL');
  return {
    connectionString: options.url,
    host: options.host,
    port: options.port,
    user: options.username,
    password: options.password,
    database: options.database,
    // TypeORM hands this very value to pg, whose typing of it is narrower.
    ssl: options.ssl as ClientConfig['ssl'],
    application_name: applicationName,
    keepAlive: true,
  };
}
