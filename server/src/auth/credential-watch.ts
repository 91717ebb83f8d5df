import { Client, type Notification } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import type { WebSocket } from 'ws';
import { listenerConfig } from '../db/listener';
import { log } from '../log';
import { credentialKey, sameGrant, type Principal } from './access';
import type { AuthService } from './auth.service';

/** Carries `session:<id>`, `token:<id>` or `user:<id>`: a credential that was ended or changed. */
export const CREDENTIALS_CHANNEL = 'shiplog_credentials';

export interface CredentialSubject {
  kind: 'session' | 'token' | 'user';
  id: string;
}

/**
 * Call inside the transaction that ends or changes a credential (revokes a token, ends a session, disables or
 * changes a user): when it commits, every replica checks its open connections that use it; if it rolls back,
 * nothing is announced.
 */
export async function announceCredentialChange(manager: EntityManager, subject: CredentialSubject): Promise<void> {
  await manager.query('SELECT pg_notify($1, $2)', [CREDENTIALS_CHANNEL, `${subject.kind}:${subject.id}`]);
}

/** The credential no longer authenticates: the client must sign in again (graphql-ws clients do not retry it). */
export const CLOSE_UNAUTHENTICATED = 4401;
/** The credential still works but grants something else now: the client connects again to get it. */
export const CLOSE_ACCESS_CHANGED = 4403;

export interface CredentialWatchOptions {
  /** Checks every open connection this often, in case a notification was lost. */
  recheckIntervalMs?: number;
}

interface WatchedConnection {
  socket: WebSocket;
  principal: Principal;
}

const MAX_RECONNECT_DELAY_MS = 10_000;

/**
 * One per server process: keeps its open WebSocket connections no more powerful than their credentials are now.
 * A connection is checked again when a credential change is announced (LISTEN, so a change made through any
 * replica reaches every one), and all of them every few seconds; a connection whose credential has ended is
 * closed with 4401, one whose grant changed with 4403.
 */
export class CredentialWatch {
  private readonly connections = new Set<WatchedConnection>();
  private readonly recheckIntervalMs: number;
  private listener: Client | null = null;
  private recheckTimer: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private reconnectDelayMs = 500;
  private running = false;
  private checkingAll: Promise<void> | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly auth: AuthService,
    options: CredentialWatchOptions = {},
  ) {
    this.recheckIntervalMs = options.recheckIntervalMs ?? 5000;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.connectListener();
    this.recheckTimer = setInterval(() => void this.checkAll(), this.recheckIntervalMs);
    this.recheckTimer.unref();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.recheckTimer) clearInterval(this.recheckTimer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.recheckTimer = this.reconnectTimer = null;
    const listener = this.listener;
    this.listener = null;
    if (listener) await listener.end().catch(() => undefined);
    await this.checkingAll;
  }

  /** Watches a connection authenticated as `principal` until it closes. */
  track(socket: WebSocket, principal: Principal): void {
    const connection = { socket, principal };
    this.connections.add(connection);
    socket.once('close', () => this.connections.delete(connection));
  }

  /** Open connections watched. */
  get size(): number {
    return this.connections.size;
  }

  /** Checks every open connection against the database now. */
  checkAll(): Promise<void> {
    this.checkingAll ??= this.check([...this.connections])
      .catch((error: unknown) => {
        if (this.running) log.warn('Could not check the credentials of open connections; trying again shortly', error);
      })
      .finally(() => (this.checkingAll = null));
    return this.checkingAll;
  }

  private async check(connections: WatchedConnection[]): Promise<void> {
    if (connections.length === 0) return;
    const current = await this.auth.reauthenticate(connections.map((connection) => connection.principal));
    for (const connection of connections) {
      const access = current.get(credentialKey(connection.principal));
      if (!access?.principal) {
        this.close(connection, CLOSE_UNAUTHENTICATED, access?.refusal ?? 'Sign in again');
      } else if (!sameGrant(connection.principal, access.principal)) {
        this.close(connection, CLOSE_ACCESS_CHANGED, 'Your access has changed; connect again');
      }
    }
  }

  private close(connection: WatchedConnection, code: number, reason: string): void {
    this.connections.delete(connection);
    connection.socket.close(code, reason);
  }

  private matching(subject: string): WatchedConnection[] {
    const separator = subject.indexOf(':');
    const kind = subject.slice(0, separator);
    const id = subject.slice(separator + 1);
    return [...this.connections].filter(({ principal }) => {
      if (kind === 'session') return principal.kind === 'USER' && principal.sessionId === id;
      if (kind === 'user') return principal.kind === 'USER' && principal.id === id;
      if (kind === 'token') return principal.kind === 'API_TOKEN' && principal.id === id;
      return false;
    });
  }

  private onNotification(message: Notification): void {
    if (message.channel !== CREDENTIALS_CHANNEL || !message.payload) return;
    const connections = this.matching(message.payload);
    this.check(connections).catch((error: unknown) => {
      // The periodic check closes them a little later.
      log.warn('Could not check the connections of a changed credential', error);
    });
  }

  private async connectListener(): Promise<void> {
    const client = new Client(listenerConfig(this.dataSource, 'shiplog-credentials'));
    this.listener = client;
    client.on('notification', (message: Notification) => this.onNotification(message));
    client.on('error', (error: Error) => this.onListenerLost(client, error));
    client.on('end', () => this.onListenerLost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${CREDENTIALS_CHANNEL}`);
    } catch (error) {
      this.onListenerLost(client, error);
      return;
    }
    if (this.listener !== client) return;
    this.reconnectDelayMs = 500;
    // Whatever changed while no one listened.
    void this.checkAll();
  }

  private onListenerLost(client: Client, error?: unknown): void {
    if (this.listener !== client) return;
    this.listener = null;
    client.removeAllListeners('end');
    client.removeAllListeners('error');
    client.on('error', () => undefined);
    client.end().catch(() => undefined);
    if (!this.running) return;
    log.warn(`Lost the ${CREDENTIALS_CHANNEL} listener connection; reconnecting in ${this.reconnectDelayMs} ms`, error);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (this.running) void this.connectListener();
    }, this.reconnectDelayMs);
    this.reconnectTimer.unref();
    this.reconnectDelayMs = Math.min(this.reconnectDelayMs * 2, MAX_RECONNECT_DELAY_MS);
  }
}
