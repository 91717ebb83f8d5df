import { Client, type ClientConfig, type Notification } from 'pg';
import type { DataSource } from 'typeorm';
import { log } from '../log';

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

const MAX_RECONNECT_DELAY_MS = 10_000;

/**
 * A dedicated connection LISTENing on one channel, connected again with a growing delay when lost. `onReady` runs
 * after every (re)connection, so the owner can catch up on whatever was announced while no one listened.
 */
export class ChannelListener {
  private client: Client | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private reconnectDelayMs = 500;
  private running = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly applicationName: string,
    private readonly channel: string,
    private readonly handlers: { onNotification(payload: string | undefined): void; onReady(): void },
  ) {}

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const client = this.client;
    this.client = null;
    if (client) await client.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client(listenerConfig(this.dataSource, this.applicationName));
    this.client = client;
    client.on('notification', (message: Notification) => {
      if (message.channel === this.channel) this.handlers.onNotification(message.payload);
    });
    client.on('error', (error: Error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
    } catch (error) {
      this.lost(client, error);
      return;
    }
    if (this.client !== client) return;
    this.reconnectDelayMs = 500;
    this.handlers.onReady();
  }

  private lost(client: Client, error?: unknown): void {
    if (this.client !== client) return;
    this.client = null;
    client.removeAllListeners('end');
    client.removeAllListeners('error');
    client.on('error', () => undefined);
    client.end().catch(() => undefined);
    if (!this.running) return;
    log.warn(`Lost the ${this.channel} listener connection; reconnecting in ${this.reconnectDelayMs} ms`, error);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.running) void this.connect();
    }, this.reconnectDelayMs);
    this.reconnectTimer.unref();
    this.reconnectDelayMs = Math.min(this.reconnectDelayMs * 2, MAX_RECONNECT_DELAY_MS);
  }
}
