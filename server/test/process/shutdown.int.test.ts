import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { freePort } from '../../src/db/embedded';
import { createTestDatabase } from '../support/database';
import { startShiplog, type ShiplogProcess } from '../support/process';

const TOKEN = 'shutdown-admin-token-0123456789';
/** Generous: an orderly stop of an idle server takes well under a second. */
const EXIT_BOUND_MS = 20_000;

/** The environment a real deployment has: no NODE_ENV (Shiplog then runs as production), no test settings. */
function environment(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, SHIPLOG_ADMIN_TOKEN: TOKEN, SHIPLOG_DEMO_DATA: 'false', ...extra };
  delete env.NODE_ENV;
  return env;
}

/** A live subscription on a graphql-ws connection, and the code the server closed that connection with. */
async function openLiveConnection(url: string) {
  let closeCode: number | undefined;
  let acknowledged!: () => void;
  const connected = new Promise<void>((resolve) => (acknowledged = resolve));
  const client = createClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${TOKEN}` },
    retryAttempts: 0,
    lazy: false,
    // The close is what the test looks at; the client need not report it.
    onNonLazyError: () => {},
    on: {
      connected: () => acknowledged(),
      closed: (event) => (closeCode = (event as { code: number }).code),
    },
  });
  await connected;
  client.subscribe({ query: 'subscription { events { sequence } }' }, { next: () => {}, error: () => {}, complete: () => {} });
  return { closeCode: () => closeCode, dispose: () => client.dispose() };
}

/**
 * A request that is under way when the signal comes: its headers and half its body are sent now, the rest when
 * `finish` is called. Resolves with the status and the body of the answer.
 */
function requestUnderWay(url: string) {
  const body = JSON.stringify({ query: '{ tenants { totalCount } }' });
  const half = Math.floor(body.length / 2);
  const request = http.request(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${TOKEN}` },
  });
  const answer = new Promise<{ status: number | undefined; body: string }>((resolve, reject) => {
    request.on('response', (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode, body: text }));
    });
    request.on('error', reject);
  });
  request.write(body.slice(0, half));
  return {
    answer: answer.catch((error: Error) => ({ status: undefined, body: error.message })),
    finish: () => request.end(body.slice(half)),
  };
}

function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Sends the signal and waits for the exit, failing after the bound; the code, or null if it did not exit. */
async function signalAndWait(shiplog: ShiplogProcess, signal: NodeJS.Signals): Promise<number | null | 'timeout'> {
  const exited = new Promise<number | null>((resolve) => shiplog.child.once('exit', (code) => resolve(code)));
  shiplog.child.kill(signal);
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), EXIT_BOUND_MS).unref());
  const outcome = await Promise.race([exited, timeout]);
  if (outcome === 'timeout') await shiplog.kill();
  return outcome;
}

async function expectOrderlyStop(shiplog: ShiplogProcess, port: number, signal: NodeJS.Signals) {
  expect((await fetch(`${shiplog.url}/healthz`)).status).toBe(200);
  const live = await openLiveConnection(shiplog.url);
  const underWay = requestUnderWay(shiplog.url);
  // The server has the request's headers before the signal comes.
  await new Promise((resolve) => setTimeout(resolve, 300));
  try {
    const exiting = signalAndWait(shiplog, signal);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    underWay.finish();
    const exit = await exiting;
    expect({ exit, output: exit === 0 ? '' : shiplog.output() }).toEqual({ exit: 0, output: '' });
    // The request under way was answered, from the database, before the server (and its database) stopped.
    expect(await underWay.answer).toEqual({ status: 200, body: expect.stringContaining('"totalCount":0') });
    expect(live.closeCode()).toBe(1001);
    expect(await portAccepts(port)).toBe(false);
  } finally {
    await live.dispose();
  }
}

describe('stopping Shiplog', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`on ${signal} with DATABASE_URL, answers the request under way, closes live connections with 1001 and exits with 0`, async () => {
      const port = await freePort();
      const shiplog = await startShiplog(environment({ DATABASE_URL: database.url, PORT: String(port) }));
      await expectOrderlyStop(shiplog, port, signal);
      expect(shiplog.output()).toContain(`${signal}: shutting down`);
    }, 60_000);
  }

  it('on SIGTERM with the embedded database, answers the request under way, then stops PostgreSQL and exits with 0', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shiplog-shutdown-'));
    try {
      const port = await freePort();
      const env = environment({ SHIPLOG_DATA_DIR: dataDir, PORT: String(port) });
      delete env.DATABASE_URL;
      const shiplog = await startShiplog(env, 120_000);
      const pidFile = path.join(dataDir, 'postgres', 'postmaster.pid');
      const postgresPid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
      await expectOrderlyStop(shiplog, port, 'SIGTERM');
      // PostgreSQL shut down cleanly before the server exited: nothing is left running on the folder.
      expect(fs.existsSync(pidFile)).toBe(false);
      expect(() => process.kill(postgresPid, 0)).toThrow();
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
