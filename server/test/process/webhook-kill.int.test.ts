import { Client } from 'pg';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { waitFor } from '../factories/rollouts';
import { createTestDatabase } from '../support/database';
import { gqlAt, processEnvironment, startShiplog, type ShiplogProcess } from '../support/process';
import { startReceiver } from '../support/receiver';

const TOKEN = 'webhook-kill-admin-token-0123456789';

/**
 * At least once across a crash: the release.locked message is committed with its event, the server is killed
 * (SIGKILL) while its attempt is under way (the receiver holds the request open), and a new server process on the
 * same database delivers it, under the same webhook-id and with a valid signature.
 */
describe('an outbound webhook message, its server killed before delivery', () => {
  const processes: ShiplogProcess[] = [];
  afterEach(async () => {
    for (const p of processes.splice(0)) if (p.child.exitCode === null && p.child.signalCode === null) await p.kill();
  });

  it('is delivered by the next server process, under the same webhook-id', async () => {
    const database = await createTestDatabase();
    const client = new Client({ connectionString: database.url });
    // The first request is held open, as a slow receiver would; every later one is answered 200.
    const receiver = await startReceiver((_request, earlier) =>
      earlier.length === 0 ? { status: 200, hold: true } : { status: 200 },
    );
    try {
      const env = await processEnvironment(database.url, TOKEN, { SHIPLOG_WEBHOOK_RETRY_SCHEDULE: '0s,1s,1s' });
      const first = await startShiplog(env);
      processes.push(first);
      const q = (text: string, variables: Record<string, unknown> = {}) => gqlAt(first.url, text, variables, TOKEN);
      const created = await q(
        `mutation ($url: String!) { createWebhook(input: { url: $url, eventTypes: [RELEASE_LOCKED] }) { id secret } }`,
        { url: receiver.url },
      );
      const { secret } = created.createWebhook as { id: string; secret: string };
      await q(`mutation { createReleaseTrack(input: { slug: "p", name: "P" }) { id } }`);
      await q(`mutation { createApplication(input: { slug: "api", name: "api" }) { id } }`);
      await q(`mutation { registerArtifact(input: { applicationSlug: "api", version: "1.0.0", imageRef: "img" }) { id } }`);
      const release = await q(`mutation { createRelease(input: { trackSlug: "p", version: "1.0.0" }) { id } }`);
      const releaseId = release.createRelease.id as string;
      await q(`mutation ($input: SetReleaseComponentsInput!) { setReleaseComponents(input: $input) { id } }`, {
        input: { releaseId, components: [{ applicationSlug: 'api', artifactVersion: '1.0.0', stage: 1 }] },
      });
      await q(`mutation ($id: ID!) { lockRelease(input: { releaseId: $id }) { id } }`, { id: releaseId });

      // The attempt is under way when the receiver holds its request: the message was committed, not delivered.
      await waitFor(
        'the first attempt to reach the receiver',
        async () => receiver.requests.length,
        (n) => n === 1,
      );
      await first.kill();
      await client.connect();
      const statusOf = async () =>
        (
          await client.query<{ id: string; status: string }>(
            `SELECT id, status FROM webhook_message WHERE event_type = 'release.locked'`,
          )
        ).rows;
      expect(await statusOf()).toEqual([{ id: expect.any(String), status: 'PENDING' }]);

      const second = await startShiplog(
        await processEnvironment(database.url, TOKEN, { SHIPLOG_WEBHOOK_RETRY_SCHEDULE: '0s,1s,1s' }),
      );
      processes.push(second);
      // The killed process's claim runs out (45 s) and the new process, looking for due messages, takes it up.
      const [message] = await waitFor(
        'the message to be delivered',
        statusOf,
        (rows) => rows[0]?.status === 'SUCCEEDED',
        150_000,
      );

      expect(receiver.requests.length).toBeGreaterThanOrEqual(2);
      const ids = new Set(receiver.requests.map((request) => request.headers['webhook-id']));
      expect([...ids]).toEqual([`msg_${message.id.replace(/-/g, '')}`]);
      const delivered = receiver.requests.at(-1)!;
      const payload = new StandardWebhook(secret).verify(delivered.raw, delivered.headers as Record<string, string>);
      expect(payload).toMatchObject({ type: 'release.locked', data: { release: { id: releaseId } } });
    } finally {
      for (const p of processes.splice(0)) if (p.child.exitCode === null && p.child.signalCode === null) await p.kill();
      await client.end().catch(() => undefined);
      await receiver.close();
      await database.drop();
    }
  }, 240_000);
});
