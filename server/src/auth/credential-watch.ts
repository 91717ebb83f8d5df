import type { DataSource, EntityManager } from 'typeorm';
import type { WebSocket } from 'ws';
import { ChannelListener } from '../db/listener';
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

/**
 * One per server process: keeps its open WebSocket connections no more powerful than their credentials are now.
 * A connection is checked again when a credential change is announced (LISTEN, so a change made through any
 * replica reaches every one), and all of them every few seconds; a connection whose credential has ended is
 * closed with 4401, one whose grant changed with 4403.
 */
export class CredentialWatch {
  private readonly connections = new Set<WatchedConnection>();
  private readonly recheckIntervalMs: number;
  private readonly listener: ChannelListener;
  private recheckTimer: NodeJS.Timeout | null = null;
  private running = false;
  private checkingAll: Promise<void> | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly auth: AuthService,
    options: CredentialWatchOptions = {},
  ) {
    this.recheckIntervalMs = options.recheckIntervalMs ?? 5000;
    this.listener = new ChannelListener(dataSource, 'shiplog-credentials', CREDENTIALS_CHANNEL, {
      onNotification: (payload) => this.onNotification(payload),
      // Whatever changed while no one listened.
      onReady: () => void this.checkAll(),
    });
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.listener.start();
    this.recheckTimer = setInterval(() => void this.checkAll(), this.recheckIntervalMs);
    this.recheckTimer.unref();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.recheckTimer) clearInterval(this.recheckTimer);
    this.recheckTimer = null;
    await this.listener.stop();
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

  private onNotification(payload: string | undefined): void {
    if (!payload) return;
    const connections = this.matching(payload);
    this.check(connections).catch((error: unknown) => {
      // The periodic check closes them a little later.
      log.warn('Could not check the connections of a changed credential', error);
    });
  }
}
