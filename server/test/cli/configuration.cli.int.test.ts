import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { lockedRelease } from '../factories/rollouts';
import { ADMIN_TOKEN, dataOf, startTestServer, type TestServer } from '../support/server';

/** shiplog plan / apply / export, run as a CI job runs the built CLI: a separate process against a real server. */
const CLI = path.resolve(__dirname, '../../dist/cli/shiplog.mjs');
const SECRET = 'cli-webhook-secret-0123456789';
const ROTATED = 'cli-rotated-secret-9876543210';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let server: TestServer;
let dir: string;
const printed: string[] = [];

function shiplog(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: dir, SHIPLOG_URL: server.url, SHIPLOG_TOKEN: ADMIN_TOKEN, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      printed.push(stdout, stderr);
      resolve({ code, stdout, stderr });
    });
  });
}

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

const TIERS = `kind: Tier
name: dev
rank: 10
---
kind: Tier
name: prod
rank: 30
requiredTiers: [dev]
`;

const tenant = (slug: string, extra = '') => `kind: Tenant
slug: ${slug}
name: ${slug.toUpperCase()}
labels:
  region: eu
installations:
  - slug: prod
    name: ${slug} prod
    tier: prod
${extra}`;

const WEBHOOK_TENANT = `kind: Tenant
slug: acme
name: Acme
contacts: [ops@acme.example]
installations:
  - slug: prod
    name: Acme prod
    tier: prod
    driver: WEBHOOK
    driverConfig:
      url: https://deploy.acme.example/hook
      secret: \${env:ACME_SECRET}
    requiresApproval: true
  - slug: dev
    name: Acme dev
    tier: dev
`;

beforeAll(async () => {
  execFileSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: path.resolve(__dirname, '../..'), stdio: 'inherit' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shiplog-config-'));
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
afterAll(() => {
  // Secrets are never printed, by any command of this file.
  expect(printed.join('\n')).not.toMatch(new RegExp(`${SECRET}|${ROTATED}`));
});

describe('shiplog plan and apply', () => {
  test('a missing ${env:NAME} is a usage error (exit 2) naming file and field', async () => {
    const file = write('config/acme.yaml', WEBHOOK_TENANT);
    const run = await shiplog(['plan', '-f', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `${file}, document 1, installations[0].driverConfig.secret: the environment variable ACME_SECRET is not set`,
    );
  });

  test('plan shows the changes and changes nothing; --exit-code exits 7; apply applies; applying again changes nothing', async () => {
    write('config/tiers.yaml', TIERS);
    write('config/acme.yaml', WEBHOOK_TENANT);
    const config = path.join(dir, 'config');
    const env = { ACME_SECRET: SECRET };

    const plan = await shiplog(['plan', '-f', config, '--exit-code'], env);
    expect(plan.code).toBe(7);
    expect(plan.stdout).toContain('+ tier prod');
    expect(plan.stdout).toContain('+ installation acme/prod');
    expect(plan.stdout).toContain('Plan: 5 to create, 0 to update, 0 to archive, 0 unchanged.');
    expect(dataOf(await server.gql<any>('{ tenants { totalCount } }')).tenants.totalCount).toBe(0);

    const apply = await shiplog(['apply', '-f', config, '-o', 'json'], env);
    expect(apply.code).toBe(0);
    const applied = JSON.parse(apply.stdout);
    expect(applied.changeCount).toBe(5);
    expect(applied.changeSetId).toEqual(expect.any(String));

    const again = await shiplog(['apply', '-f', config], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('No changes: 5 objects are as declared.');
    const clean = await shiplog(
      ['plan', '-f', path.join(config, 'tiers.yaml'), '-f', path.join(config, 'acme.yaml'), '--exit-code', '-o', 'yaml'],
      env,
    );
    expect(clean.code).toBe(0);
    expect(parseYaml(clean.stdout).changeCount).toBe(0);

    // A rotated secret shows as (changed), never its value.
    const rotated = await shiplog(['plan', '-f', config], { ACME_SECRET: ROTATED });
    expect(rotated.stdout).toContain('~ installation acme/prod');
    expect(rotated.stdout).toContain('driverConfig.secret: (secret) → (changed)');
  });

  test('export writes no secret, and planning the export shows no changes (file and directory)', async () => {
    const run = await shiplog(['export']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('secret: "********" # secret kept on the server');
    const file = write('export/all.yaml', run.stdout);
    const plan = await shiplog(['plan', '-f', file, '--exit-code']);
    expect({ code: plan.code, stdout: plan.stdout }).toEqual({ code: 0, stdout: expect.stringContaining('No changes') });

    const exported = await shiplog(['export', '--to', path.join(dir, 'exported')]);
    expect(exported.code).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'exported')).sort()).toEqual(['tenants.yaml', 'tiers.yaml']);
    expect(fs.readFileSync(path.join(dir, 'exported', 'tenants.yaml'), 'utf8')).not.toContain(SECRET);
    const fromDir = await shiplog(['plan', '-f', path.join(dir, 'exported'), '--exit-code']);
    expect(fromDir.code).toBe(0);

    const json = await shiplog(['export', '-o', 'json']);
    expect(JSON.parse(json.stdout).map((d: any) => d.kind)).toEqual(['Tier', 'Tier', 'Tenant']);
  });

  test('a bad document is refused (exit 4) naming file, document and field; a YAML error is a usage error', async () => {
    const bad = write('bad/one.yaml', `${TIERS}---\nkind: Tenant\nslug: x\nname: X\nblocked: maybe\n`);
    const run = await shiplog(['apply', '-f', bad]);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain(`${bad}, document 3, blocked:`);
    const broken = write('bad/two.yaml', 'kind: [Tier\n');
    expect((await shiplog(['plan', '-f', broken])).code).toBe(2);
  });
});

describe('shiplog apply --prune', () => {
  test('refuses a large prune (exit 4, listing what it would archive) unless --prune-max allows it', async () => {
    const fleet = write('fleet/fleet.yaml', [TIERS, ...Array.from({ length: 6 }, (_, n) => tenant(`t${n}`))].join('---\n'));
    expect((await shiplog(['apply', '-f', fleet])).code).toBe(0);
    // acme is not in this file: without --prune it is left alone.
    const small = write('fleet/small.yaml', [TIERS, ...Array.from({ length: 3 }, (_, n) => tenant(`t${n}`))].join('---\n'));
    const plain = await shiplog(['plan', '-f', small, '--exit-code']);
    expect(plain.code).toBe(0);

    const refused = await shiplog(['apply', '-f', small, '--prune']);
    expect(refused.code).toBe(4);
    for (const slug of ['acme', 't3', 't4', 't5']) expect(refused.stderr).toContain(`would archive Tenant ${slug}`);
    expect(dataOf(await server.gql<any>('{ tenants { totalCount } }')).tenants.totalCount).toBe(7);

    expect((await shiplog(['apply', '-f', small, '--prune', '--prune-max', '3'])).code).toBe(4);
    const allowed = await shiplog(['apply', '-f', small, '--prune', '--prune-max', '4']);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain('- tenant acme (archive)');
    expect(allowed.stdout).toContain('Applied: 0 created, 0 updated, 4 archived');
    const tenants = dataOf(await server.gql<any>('{ tenants { nodes { slug } } }')).tenants.nodes;
    expect(tenants.map((t: any) => t.slug)).toEqual(['t0', 't1', 't2']);
  });

  test('an installation archived by prune is not targeted by a new rollout', async () => {
    const withDev = write(
      'fleet/dev.yaml',
      [TIERS, ...Array.from({ length: 3 }, (_, n) => tenant(`t${n}`, `  - slug: dev\n    name: dev\n    tier: dev\n`))].join(
        '---\n',
      ),
    );
    expect((await shiplog(['apply', '-f', withDev])).code).toBe(0);
    const withoutT0Dev = write(
      'fleet/dev2.yaml',
      [TIERS, tenant('t0'), ...[1, 2].map((n) => tenant(`t${n}`, `  - slug: dev\n    name: dev\n    tier: dev\n`))].join('---\n'),
    );
    const pruned = await shiplog(['apply', '-f', withoutT0Dev, '--prune']);
    expect(pruned.code).toBe(0);
    expect(pruned.stdout).toContain('- installation t0/dev (archive)');

    dataOf(await server.gql(`mutation { createApplication(input: { slug: "api", name: "API" }) { id } }`));
    dataOf(
      await server.gql(
        `mutation { registerArtifact(input: { applicationSlug: "api", version: "1.0.0", imageRef: "r/api:1", digest: "sha256:${'a'.repeat(64)}" }) { id } }`,
      ),
    );
    const releaseId = await lockedRelease(server, '1.0.0', [{ app: 'api', version: '1.0.0', stage: 1 }]);
    const preview = dataOf(
      await server.gql<any>(
        `query ($input: RolloutPlanInput!) { previewRollout(input: $input) { targets { installation { slug tenant { slug } } } } }`,
        { input: { releaseId, selector: { tiers: ['dev'] } } },
      ),
    ).previewRollout;
    expect(preview.targets.map((t: any) => `${t.installation.tenant.slug}/${t.installation.slug}`)).toEqual(['t1/dev', 't2/dev']);
  });
});
