import {
  createApplications,
  createFleet,
  lockedRelease,
  nextReleaseVersion,
  startRollout,
  waitForRollout,
} from '../factories/rollouts';
import { auditEvents, createSignedInUser, createTier } from '../factories/tenants';
import { dataOf, errorCode, startTestServer, type TestServer } from '../support/server';

let server: TestServer;
let ids: Record<string, string>;
const since = new Date(Date.now() - 3600_000).toISOString();

beforeAll(async () => {
  server = await startTestServer();
  await createTier(server, { name: 'dev', rank: 10 });
  await createApplications(server, ['api'], ['1.0.0']);
  const failing = { delayMs: 0, fail: ['api'] };
  ids = await createFleet(server, [
    { tenant: 'att-a', slug: 'x', tier: 'dev', driverConfig: failing },
    { tenant: 'att-a', slug: 'y', tier: 'dev', driverConfig: failing },
    { tenant: 'att-b', slug: 'z', tier: 'dev', driverConfig: failing },
  ]);
});
afterAll(() => server.close());

const ATTENTION = `query ($since: DateTime!, $all: Boolean!, $first: Int, $after: String) {
  attention(since: $since, includeAcknowledged: $all, first: $first, after: $after) {
    totalCount acknowledgedCount pageInfo { hasNextPage endCursor }
    nodes { key kind count rolloutCount acknowledgedBy acknowledgedAt canAcknowledge
      installation { slug } rollout { id } latestDeployment { status installation { slug } } }
  }
}`;

async function attention(token?: string, all = false, page: { first?: number; after?: string } = {}) {
  return dataOf(await server.gql<{ attention: any }>(ATTENTION, { since, all, ...page }, token)).attention;
}

function acknowledge(key: string, token?: string) {
  return server.gql<{ acknowledgeAttentionItem: any }>(
    `mutation ($input: AcknowledgeAttentionItemInput!) { acknowledgeAttentionItem(input: $input) { key acknowledgedBy acknowledgedAt } }`,
    { input: { key } },
    token,
  );
}

/** A rollout of a new release to `installations` that ends FAILED (every installation fails, policy CONTINUE). */
async function failingRollout(installations: string[]): Promise<string> {
  const releaseId = await lockedRelease(server, nextReleaseVersion(), [{ app: 'api', version: '1.0.0', stage: 1 }]);
  const { id } = dataOf(
    await startRollout(server, { releaseId, installationIds: installations.map((key) => ids[key]), failurePolicy: 'CONTINUE' }),
  ).startRollout;
  await waitForRollout(server, id, (r) => r.status === 'FAILED');
  return id;
}

const keysOf = (connection: any): string[] => connection.nodes.map((n: any) => n.key).sort();

describe('attention', () => {
  let first: string;
  let second: string;

  beforeAll(async () => {
    first = await failingRollout(['att-a/x', 'att-a/y', 'att-b/z']);
    second = await failingRollout(['att-a/x']);
  });

  it('groups the failures of one installation over rollouts, and a rollout over its installations', async () => {
    const all = await attention();
    const byKey = new Map(all.nodes.map((n: any) => [n.key, n]));
    expect(byKey.get(`installation:${ids['att-a/x']}`)).toMatchObject({
      kind: 'INSTALLATION',
      count: 2,
      rolloutCount: 2,
      installation: { slug: 'x' },
      latestDeployment: { status: 'FAILED', installation: { slug: 'x' } },
      acknowledgedBy: null,
      canAcknowledge: true,
    });
    expect(byKey.get(`installation:${ids['att-a/y']}`)).toMatchObject({ count: 1, rolloutCount: 1 });
    expect(byKey.get(`rollout:${first}`)).toMatchObject({ kind: 'ROLLOUT', count: 3, rollout: { id: first } });
    expect(byKey.get(`rollout:${second}`)).toMatchObject({ kind: 'ROLLOUT', count: 1 });
    expect(all.totalCount).toBe(5);
    // Latest first: the second rollout and x, which failed in it, head the list.
    expect(
      all.nodes
        .slice(0, 2)
        .map((n: any) => n.key)
        .sort(),
    ).toEqual([`installation:${ids['att-a/x']}`, `rollout:${second}`].sort());

    // Pages follow one another without repeats.
    const one = await attention(undefined, false, { first: 2 });
    const two = await attention(undefined, false, { first: 10, after: one.pageInfo.endCursor });
    expect(one.pageInfo.hasNextPage).toBe(true);
    expect([...keysOf(one), ...keysOf(two)].sort()).toEqual(keysOf(all));
  });

  it("shows a tenant-scoped viewer only its tenants' items, counts only its installations, and lets it acknowledge nothing", async () => {
    const viewer = await createSignedInUser(server, { role: 'VIEWER', tenantSlugs: ['att-a'] });
    const seen = await attention(viewer.token);
    expect(keysOf(seen)).toEqual(
      [`installation:${ids['att-a/x']}`, `installation:${ids['att-a/y']}`, `rollout:${first}`, `rollout:${second}`].sort(),
    );
    expect(seen.nodes.find((n: any) => n.key === `rollout:${first}`).count).toBe(2);
    expect(seen.nodes.every((n: any) => n.canAcknowledge === false)).toBe(true);
    expect(errorCode(await acknowledge(`installation:${ids['att-a/x']}`, viewer.token))).toBe('FORBIDDEN');
  });

  it('takes an acknowledged item off the list for everyone until it occurs again, and audits who did it', async () => {
    const operator = await createSignedInUser(server, { role: 'OPERATOR', tenantSlugs: ['att-a'] });
    const x = `installation:${ids['att-a/x']}`;
    const mine = await attention(operator.token);
    expect(mine.nodes.find((n: any) => n.key === x).canAcknowledge).toBe(true);
    // The first rollout also reached att-b: its item is not the operator's alone to take off everyone's list.
    expect(mine.nodes.find((n: any) => n.key === `rollout:${first}`).canAcknowledge).toBe(false);
    expect(errorCode(await acknowledge(`rollout:${first}`, operator.token))).toBe('FORBIDDEN');
    expect(errorCode(await acknowledge(`installation:${ids['att-b/z']}`, operator.token))).toBe('NOT_FOUND');
    expect(errorCode(await acknowledge('something', operator.token))).toBe('BAD_USER_INPUT');

    const acknowledged = dataOf(await acknowledge(x, operator.token)).acknowledgeAttentionItem;
    expect(acknowledged).toEqual({ key: x, acknowledgedBy: `user:${operator.name}`, acknowledgedAt: expect.any(String) });
    dataOf(await acknowledge(`rollout:${second}`, operator.token));

    // Gone for everyone, the admin included; shown with who and when on request.
    const after = await attention();
    expect(keysOf(after)).not.toContain(x);
    expect(keysOf(after)).not.toContain(`rollout:${second}`);
    expect(after.acknowledgedCount).toBe(2);
    const withAcknowledged = await attention(undefined, true);
    expect(withAcknowledged.nodes.find((n: any) => n.key === x)).toMatchObject({
      acknowledgedBy: `user:${operator.name}`,
      acknowledgedAt: acknowledged.acknowledgedAt,
      canAcknowledge: false,
    });
    const audit = await auditEvents(server, { action: 'attention.acknowledge', subjectId: ids['att-a/x'] });
    expect(audit.nodes).toEqual([expect.objectContaining({ actor: `user:${operator.name}`, subjectType: 'Installation' })]);

    // A new failure on x brings it back, unacknowledged, with the new count.
    await failingRollout(['att-a/x']);
    const back = (await attention()).nodes.find((n: any) => n.key === x);
    expect(back).toMatchObject({ count: 3, rolloutCount: 3, acknowledgedBy: null, acknowledgedAt: null, canAcknowledge: true });
    // The second rollout did not occur again: it stays acknowledged.
    expect(keysOf(await attention())).not.toContain(`rollout:${second}`);
  });
});
