import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { createApplications, createFleet, createTiers, getDeployment, waitFor } from '../factories/rollouts';
import { createApiToken, type Caller } from '../factories/tenants';
import { ADMIN_TOKEN, dataOf, startTestServer, type TestServer } from '../support/server';

/** The CLI as built by the server's build (pnpm build); these tests run that file, as a CI job would. */
const CLI = path.resolve(__dirname, '../../dist/cli/shiplog.mjs');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let server: TestServer;
let home: string;
let viewer: Caller;
/** Everything every run printed, to check that no secret was ever among it. */
const printed: string[] = [];

/** Runs the CLI in its own process, with the server and admin token in the environment unless `env` says otherwise. */
function shiplog(args: string[], options: { env?: Record<string, string | undefined>; input?: string } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: home, XDG_CONFIG_HOME: path.join(home, 'config') };
    for (const [key, value] of Object.entries({ SHIPLOG_URL: server.url, SHIPLOG_TOKEN: ADMIN_TOKEN, ...options.env })) {
      if (value !== undefined) env[key] = value;
    }
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      printed.push(stdout, stderr);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Runs the CLI with `-o json` and parses what it printed; the run must succeed. */
async function json(args: string[]): Promise<any> {
  const run = await shiplog([...args, '-o', 'json']);
  if (run.code !== 0) throw new Error(`shiplog ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

async function deploymentOn(rolloutId: string): Promise<string> {
  const { deployments } = dataOf(
    await server.gql<{ deployments: { nodes: { id: string }[] } }>(
      `query ($id: ID!) { deployments(first: 10, filter: { rolloutId: $id }) { nodes { id } } }`,
      { id: rolloutId },
    ),
  );
  return deployments.nodes[0].id;
}

beforeAll(async () => {
  // The build (pnpm build) makes it; made again here from the current source, so that the tests never run a stale one.
  execFileSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: path.resolve(__dirname, '../..'), stdio: 'inherit' });
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'shiplog-cli-'));
  server = await startTestServer();
  await createTiers(server);
  await createApplications(server, ['api', 'web'], []);
  await createFleet(
    server,
    [
      { tenant: 'acme', slug: 'dev', tier: 'dev' },
      { tenant: 'acme', slug: 'prod', tier: 'prod' },
      { tenant: 'globex', slug: 'prod', tier: 'prod' },
      { tenant: 'acme', slug: 'broken', tier: 'dev', driverConfig: { delayMs: 0, fail: ['api'] } },
      { tenant: 'acme', slug: 'slow', tier: 'qa', driverConfig: { delayMs: 600_000 } },
      { tenant: 'acme', slug: 'gated', tier: 'qa', requiresApproval: true },
      { tenant: 'acme', slug: 'manual', tier: 'qa', driver: 'MANUAL', driverConfig: {} },
    ],
    { globex: [{ key: 'region', value: 'eu' }] },
  );
  dataOf(await server.gql(`mutation { createReleaseTrack(input: { slug: "product", name: "Product" }) { id } }`));
  viewer = await createApiToken(server, { role: 'VIEWER' });
});
afterAll(async () => {
  await server?.close();
  fs.rmSync(home, { recursive: true, force: true });
});

describe('getting the CLI', () => {
  test('every server serves the built CLI at /cli/shiplog.mjs, and the fetched file runs with only Node', async () => {
    const response = await fetch(`${server.url}/cli/shiplog.mjs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/javascript/);
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.equals(fs.readFileSync(CLI))).toBe(true);
    const fetched = path.join(home, 'shiplog.mjs');
    fs.writeFileSync(fetched, body);
    const run = await new Promise<Run>((resolve) => {
      const child = spawn(process.execPath, [fetched, '--help'], { env: { PATH: process.env.PATH ?? '' } });
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.on('close', (code) => resolve({ code, stdout, stderr: '' }));
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: shiplog');
  });

  test('--help on every command shows its usage and the exit codes', async () => {
    const commands = [
      [],
      ['login'],
      ['logout'],
      ['artifact', 'register'],
      ...['create', 'set', 'lock', 'unlock', 'rescind', 'show', 'list'].map((c) => ['release', c]),
      ...['preview', 'start', 'status', 'list', 'pause', 'resume', 'abort', 'promote', 'approve', 'reject', 'retry'].map((c) => [
        'rollout',
        c,
      ]),
      ...['report', 'log', 'verify'].map((c) => ['deployment', c]),
      ['whereis'],
      ['running'],
      ['deployments'],
      ['journey'],
      ['plan'],
      ['apply'],
      ['export'],
    ];
    for (const command of commands) {
      const run = await shiplog([...command, '--help']);
      expect({ command, code: run.code }).toEqual({ command, code: 0 });
      expect(run.stdout).toContain(`Usage: shiplog ${command.join(' ')}`.trim());
      expect(run.stdout).toContain('5  a waited-for rollout ended without success');
      expect(run.stdout).toContain('7  plan --exit-code found changes');
      for (const line of run.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    }
  });

  test('completion prints a bash script that knows the commands, and a zsh one', async () => {
    const bash = await shiplog(['completion', 'bash']);
    expect(bash.code).toBe(0);
    expect(bash.stdout).toContain('complete -o default -F _shiplog_complete shiplog');
    expect(bash.stdout).toContain('"rollout start") words="--track --version');
    const script = path.join(home, 'completion.bash');
    fs.writeFileSync(script, bash.stdout);
    // The script is valid bash, and completing `shiplog rollout st` offers start and status.
    const completed = await new Promise<string>((resolve) => {
      const child = spawn('bash', [
        '-c',
        `source ${script}; COMP_WORDS=(shiplog rollout st); COMP_CWORD=2; _shiplog_complete; echo "\${COMPREPLY[@]}"`,
      ]);
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.on('close', () => resolve(out.trim()));
    });
    expect(completed.split(' ').sort()).toEqual(['start', 'status']);
    const zsh = await shiplog(['completion', 'zsh']);
    expect(zsh.code).toBe(0);
    expect(zsh.stdout).toContain('bashcompinit');
  });
});

describe('exit codes of failures', () => {
  test('usage errors exit 2: unknown command, missing or malformed options', async () => {
    for (const args of [
      ['frobnicate'],
      ['release', 'show', '--track', 'product'],
      ['release', 'set', '--track', 'product', '--version', '1', '--component', 'api-1.0.0'],
      ['rollout', 'status', 'x', '--wait', '--timeout', 'soon'],
      ['deployment', 'report', 'x', '--status', 'DONE'],
      ['-o', 'xml', 'rollout', 'list'],
    ]) {
      const run = await shiplog(args);
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
      expect(run.stderr).not.toBe('');
    }
    const noServer = await shiplog(['rollout', 'list'], { env: { SHIPLOG_URL: undefined } });
    expect(noServer.code).toBe(2);
    expect(noServer.stderr).toContain('--url');
  });

  test('a server that cannot be reached exits 1', async () => {
    const run = await shiplog(['rollout', 'list', '--url', 'http://127.0.0.1:9']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Cannot reach the Shiplog server');
  });

  test('no credential or one that is not allowed exits 3', async () => {
    const anonymous = await shiplog(['rollout', 'list'], { env: { SHIPLOG_TOKEN: undefined } });
    expect(anonymous.code).toBe(3);
    expect(anonymous.stderr).toContain('UNAUTHENTICATED');
    const wrong = await shiplog(['rollout', 'list', '--token', 'not-a-token']);
    expect(wrong.code).toBe(3);
    const forbidden = await shiplog(
      [
        'artifact',
        'register',
        '--app',
        'api',
        '--version',
        '9.9.9',
        '--image',
        'r/api:9',
        '--digest',
        `sha256:${'a'.repeat(64)}`,
      ],
      { env: { SHIPLOG_TOKEN: viewer.token } },
    );
    expect(forbidden.code).toBe(3);
    expect(forbidden.stderr).toContain('FORBIDDEN');
    // Nothing was registered.
    expect(dataOf(await server.gql(`{ artifact(applicationSlug: "api", version: "9.9.9") { id } }`)).artifact).toBeNull();
  });
});

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('artifacts and releases', () => {
  test('artifact register prints the artifact as a table, JSON or YAML, and registering again changes nothing', async () => {
    const args = ['artifact', 'register', '--app', 'api', '--version', '1.0.0', '--image', 'registry.example/api:1.0.0'];
    const first = await json([...args, '--digest', DIGEST, '--commit', 'abc1234', '--build-url', 'https://ci.example/1']);
    expect(first).toMatchObject({
      version: '1.0.0',
      imageRef: 'registry.example/api:1.0.0',
      digest: DIGEST,
      commitSha: 'abc1234',
    });
    const again = await shiplog([
      ...args,
      '--digest',
      DIGEST,
      '--commit',
      'abc1234',
      '--build-url',
      'https://ci.example/1',
      '-o',
      'yaml',
    ]);
    expect(again.code).toBe(0);
    expect(parseYaml(again.stdout)).toMatchObject({ id: first.id, version: '1.0.0', application: { slug: 'api' } });
    const table = await shiplog([...args, '--digest', DIGEST, '--commit', 'abc1234', '--build-url', 'https://ci.example/1']);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('api 1.0.0');
    for (const line of table.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    await json([
      'artifact',
      'register',
      '--app',
      'web',
      '--version',
      '1.0.0',
      '--image',
      'registry.example/web:1.0.0',
      '--digest',
      DIGEST,
    ]);
    await json([
      'artifact',
      'register',
      '--app',
      'api',
      '--version',
      '1.1.0',
      '--image',
      'registry.example/api:1.1.0',
      '--digest',
      DIGEST,
    ]);
  });

  test('release create, set, lock, show, list, unlock, clone and rescind', async () => {
    const created = await json(['release', 'create', '--track', 'product', '--version', '2026.1']);
    expect(created).toMatchObject({ version: '2026.1', status: 'DRAFT', track: { slug: 'product' } });
    const set = await json([
      'release',
      'set',
      '--track',
      'product',
      '--version',
      '2026.1',
      '--component',
      'api=1.0.0@1',
      '--component',
      'web=1.0.0@2',
    ]);
    expect(set.components.map((c: any) => [c.application.slug, c.artifact.version, c.stage])).toEqual([
      ['api', '1.0.0', 1],
      ['web', '1.0.0', 2],
    ]);
    expect((await json(['release', 'lock', '--track', 'product', '--version', '2026.1'])).status).toBe('LOCKED');
    const shown = await shiplog(['release', 'show', '--track', 'product', '--version', '2026.1', '-o', 'yaml']);
    expect(shown.code).toBe(0);
    expect(parseYaml(shown.stdout)).toMatchObject({ id: created.id, status: 'LOCKED' });
    const table = await shiplog(['release', 'show', '--track', 'product', '--version', '2026.1']);
    expect(table.stdout).toMatch(/status:\s+LOCKED/);
    expect(table.stdout).toMatch(/1\s+api\s+1\.0\.0/);

    // A clone copies the components; unlocking needs a reason (usage error without), rescinding too.
    const clone = await json(['release', 'create', '--track', 'product', '--version', '2026.2', '--clone-from', '2026.1']);
    expect(clone.components).toHaveLength(2);
    expect((await shiplog(['release', 'unlock', '--track', 'product', '--version', '2026.1'])).code).toBe(2);
    expect((await json(['release', 'unlock', '--track', 'product', '--version', '2026.1', '--reason', 'fix'])).status).toBe(
      'DRAFT',
    );
    expect((await json(['release', 'lock', '--track', 'product', '--version', '2026.1'])).status).toBe('LOCKED');
    expect((await json(['release', 'lock', '--track', 'product', '--version', '2026.2'])).status).toBe('LOCKED');
    const rescinded = await json(['release', 'rescind', '--track', 'product', '--version', '2026.2', '--reason', 'superseded']);
    expect(rescinded.status).toBe('RESCINDED');

    const all = await json(['release', 'list', '--track', 'product']);
    expect(all.map((r: any) => r.version).sort()).toEqual(['2026.1', '2026.2']);
    const locked = await json(['release', 'list', '--track', 'product', '--status', 'LOCKED']);
    expect(locked.map((r: any) => r.version)).toEqual(['2026.1']);
  });

  test('refusals exit 4 and say why: a release that does not exist, a duplicate version, an unknown application', async () => {
    const missing = await shiplog(['release', 'show', '--track', 'product', '--version', '0.0.0']);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain("No release '0.0.0'");
    const duplicate = await shiplog(['release', 'create', '--track', 'product', '--version', '2026.1']);
    expect(duplicate.code).toBe(4);
    const unknown = await shiplog([
      'artifact',
      'register',
      '--app',
      'nope',
      '--version',
      '1',
      '--image',
      'r/x:1',
      '--digest',
      DIGEST,
    ]);
    expect(unknown.code).toBe(4);
  });
});

describe('rollouts', () => {
  test('preview with selectors and waves; a blocked start exits 4 and prints the blockers', async () => {
    const plan = await shiplog([
      'rollout',
      'preview',
      '--track',
      'product',
      '--version',
      '2026.1',
      '--tier',
      'prod',
      '--wave',
      'label:region=eu',
      '--wave',
      'percent:100',
      '-o',
      'json',
    ]);
    expect(plan.code).toBe(0);
    const parsed = JSON.parse(plan.stdout);
    expect(parsed.targets.map((t: any) => [`${t.installation.tenant.slug}/${t.installation.slug}`, t.wave])).toEqual([
      ['globex/prod', 1],
      ['acme/prod', 2],
    ]);
    const byLabel = await json([
      'rollout',
      'preview',
      '--track',
      'product',
      '--version',
      '2026.1',
      '--tenant-label',
      'region=eu',
    ]);
    expect(byLabel.targets.map((t: any) => t.installation.tenant.slug)).toEqual(['globex']);

    // A draft cannot roll out: the server's blockers are printed, one a line.
    await json(['release', 'create', '--track', 'product', '--version', 'draft-1']);
    const blocked = await shiplog(['rollout', 'start', '--track', 'product', '--version', 'draft-1', '--tenant', 'acme']);
    expect(blocked.code).toBe(4);
    expect(blocked.stderr).toContain('CONFLICT');
    expect(blocked.stderr).toMatch(/\n {2}- \S/);
    const previewBlocked = await shiplog([
      'rollout',
      'preview',
      '--track',
      'product',
      '--version',
      'draft-1',
      '--tenant',
      'acme',
    ]);
    expect(previewBlocked.code).toBe(4);
    expect(previewBlocked.stderr).toMatch(/\n {2}- \S/);
  });

  test('start --wait follows a rollout to success (0); status --wait on a finished one returns at once', async () => {
    const run = await shiplog([
      'rollout',
      'start',
      '--track',
      'product',
      '--version',
      '2026.1',
      '--installation',
      'acme/dev',
      '--installation',
      'acme/prod',
      '--max-parallel',
      '2',
      '--reason',
      'CLI test',
      '--wait',
      '--timeout',
      '60s',
      '-o',
      'json',
    ]);
    expect(run.code).toBe(0);
    const rollout = JSON.parse(run.stdout);
    expect(rollout).toMatchObject({ status: 'SUCCEEDED', reason: 'CLI test', maxParallel: 2 });
    expect(rollout.targets.map((t: any) => t.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    // Not a terminal: plain lines, no escape sequences, one per change.
    expect(run.stderr).not.toContain('\u001b');
    expect(run.stderr).toMatch(/rollout \S+ SUCCEEDED/);

    const started = Date.now();
    const again = await shiplog(['rollout', 'status', rollout.id, '--wait']);
    expect(again.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(again.stdout).toMatch(/status:\s+SUCCEEDED/);

    const listed = await json(['rollout', 'list', '--status', 'SUCCEEDED']);
    expect(listed.map((r: any) => r.id)).toContain(rollout.id);
    const shown = await shiplog(['rollout', 'status', rollout.id, '-o', 'yaml']);
    expect(parseYaml(shown.stdout)).toMatchObject({ id: rollout.id, status: 'SUCCEEDED' });
  });

  test('a rollout paused by a failure ends waiting with 5, as does an aborted one; retry deploys again', async () => {
    const run = await shiplog([
      'rollout',
      'start',
      '--track',
      'product',
      '--version',
      '2026.1',
      '--installation',
      'acme/broken',
      '--policy',
      'PAUSE',
      '--wait',
      '--timeout',
      '60s',
      '-o',
      'json',
    ]);
    expect(run.code).toBe(5);
    const rollout = JSON.parse(run.stdout);
    expect(rollout.status).toBe('PAUSED');
    expect(run.stderr).toContain(`rollout ${rollout.id} ended PAUSED`);

    const retried = await json(['rollout', 'retry', rollout.id, '--installation', 'acme/broken']);
    expect(retried.installation).toEqual({ slug: 'broken', tenant: { slug: 'acme' } });
    const notInIt = await shiplog(['rollout', 'retry', rollout.id, '--installation', 'acme/prod']);
    expect(notInIt.code).toBe(4);

    await waitFor(
      'the retry to settle',
      () => json(['rollout', 'status', rollout.id]),
      (r) => r.status !== 'RUNNING',
    );
    expect((await json(['rollout', 'abort', rollout.id, '--reason', 'enough'])).status).toBe('ABORTED');
    const aborted = await shiplog(['rollout', 'status', rollout.id, '--wait']);
    expect(aborted.code).toBe(5);
  });

  test('waiting times out with 6; pause, resume and abort', async () => {
    const run = await shiplog([
      'rollout',
      'start',
      '--track',
      'product',
      '--version',
      '2026.1',
      '--installation',
      'acme/slow',
      '--wait',
      '--timeout',
      '2s',
      '-q',
    ]);
    expect(run.code).toBe(6);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('Timed out waiting for rollout');
    const [id] = (await json(['rollout', 'list', '--status', 'RUNNING'])).map((r: any) => r.id);
    expect((await json(['rollout', 'pause', id, '--reason', 'look'])).status).toBe('PAUSED');
    // A pause by a person is not a failure: waiting goes on (and times out here).
    const paused = await shiplog(['rollout', 'status', id, '--wait', '--timeout', '1s']);
    expect(paused.code).toBe(6);
    expect((await json(['rollout', 'resume', id])).status).toBe('RUNNING');
    expect((await json(['rollout', 'abort', id])).status).toBe('ABORTED');
  });

  test('waiting reports approval and promotion, and keeps waiting through them; approve, reject and promote', async () => {
    const gated = await shiplog([
      'rollout',
      'start',
      '--track',
      'product',
      '--version',
      '2026.1',
      '--installation',
      'acme/gated',
      '--wait',
      '--timeout',
      '3s',
      '--no-color',
    ]);
    expect(gated.code).toBe(6);
    expect(gated.stderr).toContain('1 waiting for approval');
    const id = /Started rollout (\S+)/.exec(gated.stderr)![1];
    expect((await json(['rollout', 'approve', id, '--installation', 'acme/gated'])).status).not.toBe('AWAITING_APPROVAL');
    expect((await shiplog(['rollout', 'status', id, '--wait', '--timeout', '60s'])).code).toBe(0);

    const second = await shiplog([
      'rollout',
      'start',
      '--track',
      'product',
      '--version',
      '2026.1',
      '--installation',
      'acme/gated',
      '-q',
    ]);
    expect(second.code).toBe(0);
    const [pending] = await json(['rollout', 'list', '--status', 'RUNNING']);
    await waitFor(
      'the target to wait for approval',
      () => json(['rollout', 'status', pending.id]),
      (r) => r.progress.awaitingApproval === 1,
    );
    expect((await json(['rollout', 'reject', pending.id, '--installation', 'acme/gated', '--reason', 'no'])).status).toBe(
      'REJECTED',
    );

    const waves = await shiplog([
      'rollout',
      'start',
      '--track',
      'product',
      '--version',
      '2026.1',
      '--tier',
      'prod',
      '--wave',
      'count:1',
      '--wave',
      'count:1',
      '--wait',
      '--timeout',
      '3s',
    ]);
    expect(waves.code).toBe(6);
    expect(waves.stderr).toContain('waiting for promotion');
    const wavesId = /Started rollout (\S+)/.exec(waves.stderr)![1];
    expect((await json(['rollout', 'promote', wavesId])).status).toBe('RUNNING');
    expect((await shiplog(['rollout', 'status', wavesId, '--wait', '--timeout', '60s'])).code).toBe(0);
  });
});

describe('waiting on live events', () => {
  test('--wait follows the event stream through an approval to success, printing one line per change', async () => {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: home,
      SHIPLOG_URL: server.url,
      SHIPLOG_TOKEN: ADMIN_TOKEN,
    };
    const args = ['rollout', 'start', '--track', 'product', '--version', '2026.1', '--installation', 'acme/gated', '--wait'];
    const child = spawn(process.execPath, [CLI, ...args, '--timeout', '60s'], { env });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await waitFor(
      'the CLI to report the approval it waits for',
      async () => stderr,
      (text) => text.includes('1 waiting for approval'),
    );
    const id = /Started rollout (\S+)/.exec(stderr)![1];
    const target = dataOf(
      await server.gql<{ rollout: { targets: { id: string }[] } }>(`query ($id: ID!) { rollout(id: $id) { targets { id } } }`, {
        id,
      }),
    ).rollout.targets[0].id;
    dataOf(await server.gql(`mutation ($id: ID!) { approveRolloutTarget(input: { targetId: $id }) { id } }`, { id: target }));
    expect(await exited).toBe(0);
    printed.push(stderr);
    // Target lines come only from the event stream (reading the rollout prints its summary line).
    // (SKIPPED: acme/gated already runs this release since the approval test.)
    expect(stderr).toMatch(/\n {2}acme\/gated: (SUCCEEDED|SKIPPED) \(wave 1\)\n/);
    expect(stderr).toMatch(new RegExp(`rollout ${id} SUCCEEDED`));
    expect(stderr).not.toContain('polling');
  });
  test('without a WebSocket (a proxy that refuses upgrades), --wait polls, and still sees the end', async () => {
    // Forwards HTTP requests to the server; a WebSocket upgrade finds no handler, and its socket is closed.
    const proxy = http.createServer((req, res) => {
      const upstream = http.request(`${server.url}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      req.pipe(upstream);
    });
    proxy.on('upgrade', (_req, socket) => socket.destroy());
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = proxy.address() as { port: number };
      await json(['release', 'create', '--track', 'product', '--version', '2026.3', '--clone-from', '2026.1']);
      await json([
        'artifact',
        'register',
        '--app',
        'web',
        '--version',
        '1.1.0',
        '--image',
        'registry.example/web:1.1.0',
        '--digest',
        DIGEST,
      ]);
      await json([
        'release',
        'set',
        '--track',
        'product',
        '--version',
        '2026.3',
        '--component',
        'api=1.0.0@1',
        '--component',
        'web=1.1.0@2',
      ]);
      await json(['release', 'lock', '--track', 'product', '--version', '2026.3']);
      const child = spawn(
        process.execPath,
        [CLI, 'rollout', 'start', '--track', 'product', '--version', '2026.3', '--installation', 'acme/gated', '--wait'],
        {
          env: { PATH: process.env.PATH ?? '', HOME: home, SHIPLOG_URL: `http://127.0.0.1:${port}`, SHIPLOG_TOKEN: ADMIN_TOKEN },
        },
      );
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      await waitFor(
        'the CLI to poll',
        async () => stderr,
        (text) => text.includes('(no live events from the server; polling)'),
        20_000,
      );
      expect(stderr).toContain('1 waiting for approval');
      const id = /Started rollout (\S+)/.exec(stderr)![1];
      const target = dataOf(
        await server.gql<{ rollout: { targets: { id: string }[] } }>(`query ($id: ID!) { rollout(id: $id) { targets { id } } }`, {
          id,
        }),
      ).rollout.targets[0].id;
      dataOf(await server.gql(`mutation ($id: ID!) { approveRolloutTarget(input: { targetId: $id }) { id } }`, { id: target }));
      expect(await exited).toBe(0);
      printed.push(stderr);
      expect(stderr).toMatch(new RegExp(`rollout ${id} SUCCEEDED`));
    } finally {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});

describe('deployments, for orchestrators', () => {
  test('report, log (arguments, and standard input in batches of at most 1,000 lines) and verify', async () => {
    const started = await json([
      'rollout',
      'start',
      '--track',
      'product',
      '--version',
      '2026.1',
      '--installation',
      'acme/manual',
    ]);
    const id = await deploymentOn(started.id);
    await waitFor(
      'the MANUAL driver to take the deployment',
      () => getDeployment(server, id),
      (d) => d.log.length > 0,
    );
    const before = (await getDeployment(server, id)).log.length;

    expect((await shiplog(['deployment', 'log', id, 'first line', 'second line'])).code).toBe(0);
    const lines = Array.from({ length: 2500 }, (_, i) => `stdin line ${i}`);
    const streamed = await shiplog(['deployment', 'log', id], { input: `${lines.join('\n')}\n` });
    expect(streamed.code).toBe(0);
    expect(streamed.stderr).toContain('Appended 2500 lines');
    const log = dataOf(
      await server.gql<{ deployment: { logLines: { totalCount: number; nodes: { line: string }[] } } }>(
        `query ($id: ID!) { deployment(id: $id) { logLines(first: 3) { totalCount nodes { line } } } }`,
        { id },
      ),
    ).deployment.logLines;
    expect(log.totalCount).toBe(before + 2 + 2500);

    // --url is the orchestrator's page here; the server comes from SHIPLOG_URL.
    const reported = await json([
      'deployment',
      'report',
      id,
      '--status',
      'SUCCEEDED',
      '--message',
      'done',
      '--url',
      'https://orchestrator.example/runs/1',
    ]);
    expect(reported).toMatchObject({ status: 'SUCCEEDED', message: 'done', externalUrl: 'https://orchestrator.example/runs/1' });
    const verified = await json([
      'deployment',
      'verify',
      id,
      '--status',
      'PASSED',
      '--source',
      'smoke',
      '--url',
      'https://ci.example/2',
    ]);
    expect(verified).toMatchObject({ status: 'PASSED', source: 'smoke', url: 'https://ci.example/2' });
    const refused = await shiplog(['deployment', 'report', id, '--status', 'FAILED']);
    expect(refused.code).toBe(4);
  });
});

describe('questions', () => {
  test('whereis, running, deployments and journey', async () => {
    const where = await json(['whereis', 'api', '1.0.0']);
    expect(where.map((i: any) => `${i.tenant.slug}/${i.slug}`)).toEqual(
      expect.arrayContaining(['acme/dev', 'acme/prod', 'globex/prod']),
    );
    expect(where.map((i: any) => `${i.tenant.slug}/${i.slug}`)).not.toContain('acme/broken');

    const running = await shiplog(['running', 'acme/prod', '-o', 'yaml']);
    expect(running.code).toBe(0);
    const parsed = parseYaml(running.stdout);
    expect(parsed.running.map((r: any) => [r.application.slug, r.artifact.version]).sort()).toEqual([
      ['api', '1.0.0'],
      ['web', '1.0.0'],
    ]);
    const table = await shiplog(['running', 'acme/prod']);
    expect(table.stdout).toMatch(/^APPLICATION\s+VERSION/);
    expect((await shiplog(['running', 'acme/nowhere'])).code).toBe(4);

    const failed = await json(['deployments', '--app', 'api', '--tenant', 'acme', '--status', 'FAILED', '--since', '1h']);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((d: any) => d.status === 'FAILED' && d.installation.slug === 'broken')).toBe(true);
    expect(await json(['deployments', '--app', 'api', '--since', '2000-01-01T00:00:00Z', '--version', '1.1.0'])).toEqual([]);
    const deployments = await shiplog(['deployments', '--app', 'web']);
    for (const line of deployments.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80);

    const journey = await json(['journey', 'api', '1.0.0']);
    const steps = journey.journeyConnection.nodes.map((s: any) => `${s.installation.tenant.slug}/${s.installation.slug}`);
    expect(steps).toEqual(expect.arrayContaining(['acme/dev', 'acme/prod']));
    expect((await shiplog(['journey', 'api', '7.7.7'])).code).toBe(4);
  });
});

describe('signing in', () => {
  test('login asks for the password without echo, stores the session 0600 in the profile; logout ends it', async () => {
    const user = 'cli-user';
    const password = 'cli-password-0123456789';
    dataOf(
      await server.gql(`mutation ($input: CreateUserInput!) { createUser(input: $input) { id } }`, {
        input: { username: user, password, role: 'VIEWER' },
      }),
    );
    const env = { SHIPLOG_URL: undefined, SHIPLOG_TOKEN: undefined };

    const wrong = await shiplog(['login', '--url', server.url, '--profile', 'ci', '--username', user], { env, input: 'nope\n' });
    expect(wrong.code).toBe(3);

    const login = await shiplog(['login', '--url', server.url, '--profile', 'ci'], { env, input: `${user}\n${password}\n` });
    expect(login.code).toBe(0);
    expect(login.stderr).toContain('Password: ');
    expect(login.stderr).toContain(`as ${user}`);
    expect(login.stdout + login.stderr).not.toContain(password);

    const file = path.join(home, 'config', 'shiplog', 'config.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(fs.readFileSync(file, 'utf8')).profiles.ci;
    expect(stored).toMatchObject({ url: server.url, username: user });
    expect(login.stdout + login.stderr).not.toContain(stored.token);

    // The profile is the connection: no URL or token in the environment. Another profile has no session.
    const listed = await shiplog(['rollout', 'list', '--profile', 'ci', '-o', 'json'], { env });
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout).length).toBeGreaterThan(0);
    expect((await shiplog(['rollout', 'list', '--profile', 'other'], { env })).code).toBe(2);
    expect(listed.stdout + listed.stderr).not.toContain(stored.token);

    const logout = await shiplog(['logout', '--profile', 'ci'], { env });
    expect(logout.code).toBe(0);
    expect(logout.stderr).toContain('Signed out (profile ci)');
    const again = await shiplog(['logout', '--profile', 'ci'], { env });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('Not signed in (profile ci)');
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).profiles.ci).toBeUndefined();
    // The session ended on the server too.
    const response = await server.gql(`{ viewer { name } }`, {}, stored.token);
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(printed.join('\n')).not.toContain(stored.token);
  });

  test('secrets are never printed: the admin token passed in the environment or as --token appears in no output', () => {
    expect(printed.length).toBeGreaterThan(50);
    expect(printed.join('\n')).not.toContain(ADMIN_TOKEN);
    expect(printed.join('\n')).not.toContain(viewer.token);
  });
});
