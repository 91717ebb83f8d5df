/**
 * `pnpm bench:configuration`: applies a configuration of 1,000 tenants × 10 installations through the API (as
 * `shiplog apply` sends it), then plans it again (no changes expected). Not a test: it prints figures.
 * Needs DATABASE_URL (it makes and drops its own database).
 */
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { dataOf, startTestServer } from '../test/support/server';

const TENANTS = Number(process.env.BENCH_TENANTS ?? 1000);
const PER_TENANT = Number(process.env.BENCH_INSTALLATIONS_PER_TENANT ?? 10);
const TIERS = ['dev', 'qa', 'staging', 'prod'];

const FIELDS = 'changeCount kinds { kind unchangedCount creates { key } updates { key } archives { key } }';

async function main() {
  const server = await startTestServer();
  try {
    const documents = [
      ...TIERS.map((name, rank) => ({ kind: 'Tier', name, rank })),
      ...Array.from({ length: TENANTS }, (_, t) => ({
        kind: 'Tenant',
        slug: `tenant-${t}`,
        name: `Tenant ${t}`,
        labels: { region: t % 2 ? 'eu' : 'us', cohort: `c${t % 5}` },
        installations: Array.from({ length: PER_TENANT }, (_, i) => ({
          slug: `inst-${i}`,
          name: `Installation ${i}`,
          tier: TIERS[i % TIERS.length],
          labels: { zone: `z${i}` },
        })),
      })),
    ].map((content, n) => ({ file: 'fleet.yaml', index: n + 1, content }));
    const input = { documents };
    console.log(`request body: ${(JSON.stringify(input).length / 1024 / 1024).toFixed(2)} MB`);

    let start = performance.now();
    const applied = dataOf(
      await server.gql<{ applyConfiguration: { changeCount: number } }>(
        `mutation ($input: ConfigurationInput!) { applyConfiguration(input: $input) { ${FIELDS} } }`,
        { input },
      ),
    ).applyConfiguration;
    const applyMs = performance.now() - start;
    console.log(`apply: ${applied.changeCount} changes in ${(applyMs / 1000).toFixed(2)} s`);

    start = performance.now();
    const planned = dataOf(
      await server.gql<{ planConfiguration: { changeCount: number } }>(
        `query ($input: ConfigurationInput!) { planConfiguration(input: $input) { ${FIELDS} } }`,
        { input },
      ),
    ).planConfiguration;
    const planMs = performance.now() - start;
    console.log(`plan afterwards: ${planned.changeCount} changes in ${(planMs / 1000).toFixed(2)} s`);
    if (planned.changeCount !== 0) process.exitCode = 1;
  } finally {
    await server.close();
  }
}

void main();
