import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../src/db/embedded';
import { createTestDatabase } from '../support/database';
import { until } from '../support/subscriptions';

const SERVER_ROOT = path.resolve(__dirname, '..', '..');
const ADMIN_TOKEN = 'process-test-admin-token-0123456789';

interface Started {
  child: ChildProcess;
  output: () => string;
  url: string;
}

function environmentWithout(...names: string[]): NodeJS.ProcessEnv {
  const environment = { ...process.env };
  for (const name of names) delete environment[name];
  return environment;
}

/** Runs the server entry point as `pnpm start` does, and waits for it to say it is running. */
async function startShiplog(env: NodeJS.ProcessEnv): Promise<Started> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/main.ts'], { cwd: SERVER_ROOT, env });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Shiplog did not start:\n${output}`)), 60_000);
    const check = () => {
      const match = /Shiplog is running at (\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Shiplog exited with ${code}:\n${output}`));
    });
  });
  child.removeAllListeners('exit');
  return { child, output: () => output, url };
}

async function stop(started: Started): Promise<number | null> {
  return new Promise((resolve) => {
    started.child.once('exit', (code) => resolve(code));
    started.child.kill('SIGTERM');
  });
}

async function gql(url: string, query: string, token: string | null = ADMIN_TOKEN) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as { data?: any; errors?: { message: string }[] };
}

describe('starting Shiplog', () => {
  it('stops with a message naming each bad setting', async () => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/main.ts'], {
      cwd: SERVER_ROOT,
      env: { ...process.env, PORT: 'eighty', SHIPLOG_DEMO_DATA: 'maybe', SHIPLOG_ADMIN_TOKEN: 'short' },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('PORT: must be a port number');
    expect(stderr).toContain("SHIPLOG_DEMO_DATA: must be 'true' or 'false'");
    expect(stderr).toContain('SHIPLOG_ADMIN_TOKEN: must be at least 16 characters');
  });

  it('loads demo data into a DATABASE_URL database without writing the password into the data folder', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shiplog-demo-'));
    const database = await createTestDatabase();
    try {
      const started = await startShiplog({
        ...process.env,
        DATABASE_URL: database.url,
        SHIPLOG_DATA_DIR: dataDir,
        SHIPLOG_DEMO_DATA: 'true',
        PORT: String(await freePort()),
        SHIPLOG_ADMIN_TOKEN: ADMIN_TOKEN,
      });
      try {
        // Said right after the server says it is running.
        await until(() => /start empty/.test(started.output()), 'the demo password to be printed');
        const password = /with password '([^']+)'/.exec(started.output())?.[1];
        expect(password).toBeDefined();
        expect(started.output()).not.toContain('demo-credentials.txt');
        const signIn = await gql(
          started.url,
          `mutation { signIn(input: { username: "admin", password: "${password}" }) { token } }`,
          null,
        );
        expect(signIn.data.signIn.token).toMatch(/^shs_/);
      } finally {
        expect(await stop(started)).toBe(0);
      }
      expect(fs.readdirSync(dataDir)).toEqual([]);
    } finally {
      await database.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('runs on an embedded PostgreSQL with demo data that survives a restart', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shiplog-start-'));
    const env = {
      ...environmentWithout('DATABASE_URL', 'SHIPLOG_DEMO_DATA'),
      SHIPLOG_DATA_DIR: dataDir,
      PORT: String(await freePort()),
      SHIPLOG_ADMIN_TOKEN: ADMIN_TOKEN,
    };
    try {
      const first = await startShiplog(env);
      expect((await fetch(`${first.url}/healthz`)).status).toBe(200);
      const password = /with password '([^']+)'/.exec(first.output())?.[1];
      expect(password).toBeDefined();
      expect(fs.readFileSync(path.join(dataDir, 'demo-credentials.txt'), 'utf8')).toContain(password);

      const catalog = await gql(
        first.url,
        '{ tenants { totalCount } installations { totalCount } releaseTracks { slug releases { nodes { version status } } } }',
      );
      expect(catalog.data.tenants.totalCount).toBe(12);
      expect(catalog.data.installations.totalCount).toBe(36);
      const statuses = catalog.data.releaseTracks.flatMap((track: any) => track.releases.nodes.map((r: any) => r.status));
      expect(new Set(statuses)).toEqual(new Set(['DRAFT', 'LOCKED', 'RESCINDED']));

      const signIn = await gql(
        first.url,
        `mutation { signIn(input: { username: "admin", password: "${password}" }) { token } }`,
        null,
      );
      expect(signIn.data.signIn.token).toMatch(/^shs_/);
      await gql(first.url, 'mutation { createApplication(input: { slug: "added-later", name: "Added later" }) { id } }');
      expect(await stop(first)).toBe(0);

      const second = await startShiplog(env);
      try {
        expect(second.output()).not.toContain('Loaded the demo data set');
        const again = await gql(second.url, '{ tenants { totalCount } application(slug: "added-later") { name } }');
        expect(again.data).toEqual({ tenants: { totalCount: 12 }, application: { name: 'Added later' } });

        // A second Shiplog on the same data folder is told why it cannot start, instead of failing obscurely.
        await expect(startShiplog({ ...env, PORT: String(await freePort()) })).rejects.toThrow(/is already running \(pid \d+\)/);
      } finally {
        await stop(second);
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
