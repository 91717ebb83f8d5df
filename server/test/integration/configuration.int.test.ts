import { createApplications, createFleet, createTiers, lockedRelease, startRollout } from '../factories/rollouts';
import { createApiToken } from '../factories/tenants';
import { dataOf, errorCode, startTestServer, type TestServer } from '../support/server';

/** Configuration as code through the API: planConfiguration, applyConfiguration, exportConfiguration, archiving. */

const PLAN_FIELDS = `changeCount changeSetId kinds { kind unchangedCount creates { key } updates { key fields { field before after } }
  archives { key } }`;
const PLAN = `query ($input: ConfigurationInput!) { planConfiguration(input: $input) { ${PLAN_FIELDS} } }`;
const APPLY = `mutation ($input: ConfigurationInput!) { applyConfiguration(input: $input) { ${PLAN_FIELDS} } }`;
const SECRET = 'a-webhook-secret-0123456789';
const NEW_SECRET = 'another-secret-9876543210abc';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

type Doc = Record<string, unknown>;
const documents = (docs: Doc[], file = 'fleet.yaml') => docs.map((content, n) => ({ file, index: n + 1, content }));

function kindOf(plan: any, kind: string) {
  return plan.kinds.find((k: any) => k.kind === kind);
}

const baseDocs = (secret = SECRET): Doc[] => [
  { kind: 'Tier', name: 'dev', rank: 10 },
  { kind: 'Tier', name: 'prod', rank: 30, requiredTiers: ['dev'], requireVerification: true },
  { kind: 'Application', slug: 'api', name: 'API' },
  { kind: 'ReleaseTrack', slug: 'product', name: 'Product' },
  {
    kind: 'Tenant',
    slug: 'acme',
    name: 'Acme',
    labels: { region: 'eu', cohort: 'early' },
    contacts: ['ops@acme.example'],
    installations: [
      { slug: 'dev', name: 'Acme dev', tier: 'dev' },
      {
        slug: 'prod',
        name: 'Acme prod',
        tier: 'prod',
        labels: { zone: 'a' },
        driver: 'WEBHOOK',
        driverConfig: { url: 'https://deploy.acme.example/hook', secret },
        requiresApproval: true,
      },
    ],
  },
];

describe('configuration as code', () => {
  it('plans without changing anything, applies in one audited change set, and a second apply changes nothing', async () => {
    const plan = dataOf(
      await server.gql<{ planConfiguration: any }>(PLAN, { input: { documents: documents(baseDocs()) } }),
    ).planConfiguration;
    expect(plan.changeCount).toBe(7);
    expect(kindOf(plan, 'INSTALLATION').creates.map((c: any) => c.key)).toEqual(['acme/dev', 'acme/prod']);
    expect(plan.changeSetId).toBeNull();
    const before = dataOf(await server.gql<{ tenants: any }>('{ tenants { totalCount } }')).tenants;
    expect(before.totalCount).toBe(0);

    const applied = dataOf(
      await server.gql<{ applyConfiguration: any }>(APPLY, { input: { documents: documents(baseDocs()) } }),
    ).applyConfiguration;
    expect(applied.changeCount).toBe(7);
    expect(applied.changeSetId).toEqual(expect.any(String));
    const installation = dataOf(
      await server.gql<{ installations: any }>(
        `{ installations(filter: { tenantSlugs: ["acme"] }) { nodes { slug driver driverConfig requiresApproval tier { name } labels { key value } } } }`,
      ),
    ).installations.nodes.find((i: any) => i.slug === 'prod');
    expect(installation).toMatchObject({ driver: 'WEBHOOK', requiresApproval: true, tier: { name: 'prod' } });
    expect(installation.driverConfig.secret).toBe('********');

    const audit = dataOf(
      await server.gql<{ auditEvents: any }>(
        `query ($id: String) { auditEvents(first: 50, filter: { changeSetId: $id }) { nodes { actor action changeSetId before after } } }`,
        { id: applied.changeSetId },
      ),
    ).auditEvents.nodes;
    expect(audit.map((e: any) => e.action).sort()).toEqual(
      [
        'application.create',
        'configuration.apply',
        'installation.create',
        'installation.create',
        'tenant.create',
        'tier.create',
        'tier.create',
        'track.create',
      ].sort(),
    );
    expect(new Set(audit.map((e: any) => e.actor))).toEqual(new Set([audit[0].actor]));
    expect(audit[0].actor).toMatch(/^(token|user):/);
    expect(JSON.stringify(audit)).not.toContain(SECRET);

    const again = dataOf(
      await server.gql<{ applyConfiguration: any }>(APPLY, { input: { documents: documents(baseDocs()) } }),
    ).applyConfiguration;
    expect(again.changeCount).toBe(0);
    expect(again.changeSetId).toBeNull();
    expect(kindOf(again, 'INSTALLATION').unchangedCount).toBe(2);
  });

  it('shows updates field by field, and a changed secret only as (changed), never its value', async () => {
    const docs = baseDocs(NEW_SECRET);
    (docs[4] as any).labels = { region: 'us', cohort: 'early' };
    const plan = dataOf(
      await server.gql<{ planConfiguration: any }>(PLAN, { input: { documents: documents(docs) } }),
    ).planConfiguration;
    expect(kindOf(plan, 'TENANT').updates).toEqual([
      {
        key: 'acme',
        fields: [{ field: 'labels', before: '{"cohort":"early","region":"eu"}', after: '{"cohort":"early","region":"us"}' }],
      },
    ]);
    expect(kindOf(plan, 'INSTALLATION').updates).toEqual([
      { key: 'acme/prod', fields: [{ field: 'driverConfig.secret', before: '(secret)', after: '(changed)' }] },
    ]);
    const applied = dataOf(
      await server.gql<{ applyConfiguration: any }>(APPLY, { input: { documents: documents(docs) } }),
    ).applyConfiguration;
    const audit = dataOf(
      await server.gql<{ auditEvents: any }>(
        `query ($id: String) { auditEvents(first: 50, filter: { changeSetId: $id }) { nodes { action before after } } }`,
        { id: applied.changeSetId },
      ),
    ).auditEvents.nodes;
    expect(JSON.stringify([plan, applied, audit])).not.toMatch(new RegExp(`${SECRET}|${NEW_SECRET}`));
    // The stored secret is the new one: the export reads it back redacted, and planning the export shows no change.
    const exported = dataOf(await server.gql<{ exportConfiguration: Doc[] }>('{ exportConfiguration }')).exportConfiguration;
    expect(JSON.stringify(exported)).not.toContain(NEW_SECRET);
    const replan = dataOf(
      await server.gql<{ planConfiguration: any }>(PLAN, { input: { documents: documents(exported) } }),
    ).planConfiguration;
    expect(replan.changeCount).toBe(0);
  });

  it('names file, document and field of every bad document (BAD_USER_INPUT), and applies none of it', async () => {
    const response = await server.gql(APPLY, {
      input: {
        documents: [
          { file: 'a.yaml', index: 1, content: { kind: 'Tenant', slug: 'Bad Slug', name: 'x' } },
          { file: 'c.yaml', index: 3, content: { kind: 'Gizmo' } },
          { file: 'd.yaml', index: 1, content: { kind: 'Tenant', slug: 'env', name: '${env:NAME}' } },
        ],
      },
    });
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
    const problems = response.errors![0].extensions!.problems as any[];
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: 'a.yaml', document: 1, field: 'slug' }),
        expect.objectContaining({ file: 'c.yaml', document: 3 }),
        expect.objectContaining({ file: 'd.yaml', document: 1, field: 'name' }),
      ]),
    );
    // References are checked once every document has its shape: an unknown tier, a WEBHOOK without its secret.
    const references = await server.gql(APPLY, {
      input: {
        documents: [
          {
            file: 'b.yaml',
            index: 2,
            content: {
              kind: 'Tenant',
              slug: 'ok',
              name: 'ok',
              installations: [
                { slug: 'i', name: 'i', tier: 'nope' },
                {
                  slug: 'w',
                  name: 'w',
                  tier: 'dev',
                  driver: 'WEBHOOK',
                  driverConfig: { url: 'https://x.example', secret: '********' },
                },
              ],
            },
          },
        ],
      },
    });
    expect(errorCode(references)).toBe('BAD_USER_INPUT');
    expect(references.errors![0].extensions!.problems).toEqual([
      { file: 'b.yaml', document: 2, field: 'installations[0].tier', message: "names an unknown tier 'nope'" },
      {
        file: 'b.yaml',
        document: 2,
        field: 'installations[1].driverConfig.secret',
        message: expect.stringContaining('${env:NAME}'),
      },
    ]);
    const tenants = dataOf(await server.gql<{ tenants: any }>('{ tenants { nodes { slug } } }')).tenants.nodes;
    expect(tenants.map((t: any) => t.slug)).toEqual(['acme']);
  });

  it('refuses callers other than an unscoped ADMIN', async () => {
    const manager = await createApiToken(server, { role: 'RELEASE_MANAGER' });
    const scopedAdmin = await createApiToken(server, { role: 'ADMIN', tenantSlugs: ['acme'] });
    for (const token of [manager.token, scopedAdmin.token]) {
      expect(errorCode(await server.gql(PLAN, { input: { documents: documents(baseDocs()) } }, token))).toBe('FORBIDDEN');
      expect(errorCode(await server.gql(APPLY, { input: { documents: documents(baseDocs()) } }, token))).toBe('FORBIDDEN');
      expect(errorCode(await server.gql('{ exportConfiguration }', {}, token))).toBe('FORBIDDEN');
    }
  });
});

describe('prune', () => {
  let prune: TestServer;
  beforeAll(async () => {
    prune = await startTestServer();
    const tenants = Array.from({ length: 12 }, (_, n) => ({
      kind: 'Tenant',
      slug: `t${n}`,
      name: `Tenant ${n}`,
      installations: [{ slug: 'prod', name: 'prod', tier: 'prod' }],
    }));
    dataOf(await prune.gql(APPLY, { input: { documents: documents([{ kind: 'Tier', name: 'prod', rank: 1 }, ...tenants]) } }));
  });
  afterAll(async () => {
    await prune?.close();
  });

  const fleetDocs = (keep: number) => [
    { kind: 'Tier', name: 'prod', rank: 1 },
    ...Array.from({ length: keep }, (_, n) => ({
      kind: 'Tenant',
      slug: `t${n}`,
      name: `Tenant ${n}`,
      installations: [{ slug: 'prod', name: 'prod', tier: 'prod' }],
    })),
  ];

  it('leaves objects missing from the files alone without prune', async () => {
    const plan = dataOf(
      await prune.gql<{ planConfiguration: any }>(PLAN, { input: { documents: documents(fleetDocs(1)) } }),
    ).planConfiguration;
    expect(plan.changeCount).toBe(0);
  });

  it('refuses a prune of more than 25 % of a kind (CONFLICT, listing what it would archive) unless pruneMax allows it', async () => {
    const refused = await prune.gql(APPLY, { input: { documents: documents(fleetDocs(8)), prune: true } });
    expect(errorCode(refused)).toBe('CONFLICT');
    expect(refused.errors![0].extensions!.blockers).toEqual(['t10', 't11', 't8', 't9'].map((t) => `would archive Tenant ${t}`));
    expect(errorCode(await prune.gql(APPLY, { input: { documents: documents(fleetDocs(8)), prune: true, pruneMax: 3 } }))).toBe(
      'CONFLICT',
    );
    const tenants = dataOf(await prune.gql<{ tenants: any }>('{ tenants { totalCount } }')).tenants;
    expect(tenants.totalCount).toBe(12);

    const applied = dataOf(
      await prune.gql<{ applyConfiguration: any }>(APPLY, {
        input: { documents: documents(fleetDocs(8)), prune: true, pruneMax: 4 },
      }),
    ).applyConfiguration;
    expect(kindOf(applied, 'TENANT').archives.map((a: any) => a.key)).toEqual(['t10', 't11', 't8', 't9']);
    const after = dataOf(
      await prune.gql<{ tenants: any; installations: any; all: any }>(
        '{ tenants { totalCount } installations { totalCount } all: tenants(filter: { includeArchived: true }) { totalCount } }',
      ),
    );
    expect(after.tenants.totalCount).toBe(8);
    expect(after.installations.totalCount).toBe(8);
    expect(after.all.totalCount).toBe(12);
  });

  it('allows a small prune within the guard, and restores an archived object that is declared again', async () => {
    const applied = dataOf(
      await prune.gql<{ applyConfiguration: any }>(APPLY, { input: { documents: documents(fleetDocs(7)), prune: true } }),
    ).applyConfiguration;
    expect(kindOf(applied, 'TENANT').archives.map((a: any) => a.key)).toEqual(['t7']);
    const restored = dataOf(
      await prune.gql<{ applyConfiguration: any }>(APPLY, { input: { documents: documents(fleetDocs(8)) } }),
    ).applyConfiguration;
    expect(kindOf(restored, 'TENANT').updates).toEqual([
      { key: 't7', fields: [{ field: 'archived', before: 'true', after: 'false' }] },
    ]);
  });

  it('refuses a prune of more than 10 objects even when each kind is under 25 %', async () => {
    // 40 more tenants, then a file keeping 29 of 48: 19 archives (< 25 % is 12; refused on both counts anyway)
    const many = await prune.gql(APPLY, {
      input: {
        documents: documents([
          ...fleetDocs(8),
          ...Array.from({ length: 40 }, (_, n) => ({ kind: 'Tenant', slug: `m${n}`, name: `m${n}` })),
        ]),
      },
    });
    dataOf(many);
    const refused = await prune.gql(PLAN, {
      input: {
        documents: documents([
          ...fleetDocs(8),
          ...Array.from({ length: 29 }, (_, n) => ({ kind: 'Tenant', slug: `m${n}`, name: `m${n}` })),
        ]),
        prune: true,
      },
    });
    expect(errorCode(refused)).toBe('CONFLICT');
    expect(refused.errors![0].message).toContain('11 objects (more than 10)');
  });
});

describe('archiving', () => {
  let fleet: TestServer;
  beforeAll(async () => {
    fleet = await startTestServer();
    await createTiers(fleet);
    await createApplications(fleet, ['api'], ['1.0.0']);
    await createFleet(fleet, [
      { tenant: 'acme', slug: 'prod', tier: 'prod' },
      { tenant: 'acme', slug: 'slow', tier: 'prod', driverConfig: { delayMs: 600_000 } },
      { tenant: 'globex', slug: 'prod', tier: 'prod' },
    ]);
  });
  afterAll(async () => {
    await fleet?.close();
  });

  const ARCHIVE_INSTALLATION = `mutation ($input: InstallationSlugInput!) { archiveInstallation(input: $input) { slug archivedAt } }`;
  const RESTORE_INSTALLATION = `mutation ($input: InstallationSlugInput!) { restoreInstallation(input: $input) { slug archivedAt } }`;

  it('an archived installation leaves lists and selectors, no new rollout targets it, and it can be restored', async () => {
    const archived = dataOf(
      await fleet.gql<{ archiveInstallation: any }>(ARCHIVE_INSTALLATION, {
        input: { tenantSlug: 'globex', slug: 'prod', reason: 'gone' },
      }),
    ).archiveInstallation;
    expect(archived.archivedAt).toEqual(expect.any(String));
    const lists = dataOf(
      await fleet.gql<{ installations: any; all: any; tenant: any }>(
        `{ installations { nodes { tenant { slug } slug } } all: installations(filter: { includeArchived: true }) { totalCount }
           tenant(slug: "globex") { installationCount installations { totalCount } } }`,
      ),
    );
    expect(lists.installations.nodes.map((i: any) => `${i.tenant.slug}/${i.slug}`)).toEqual(['acme/prod', 'acme/slow']);
    expect(lists.all.totalCount).toBe(3);
    expect(lists.tenant.installationCount).toBe(0);

    const releaseId = await lockedRelease(fleet, '1.0.0', [{ app: 'api', version: '1.0.0', stage: 1 }]);
    const preview = dataOf(
      await fleet.gql<{ previewRollout: any }>(
        `query ($input: RolloutPlanInput!) { previewRollout(input: $input) { targets { installation { slug tenant { slug } } } excluded { reason } } }`,
        { input: { releaseId, selector: { tiers: ['prod'] } } },
      ),
    ).previewRollout;
    expect(preview.targets.map((t: any) => `${t.installation.tenant.slug}/${t.installation.slug}`)).toEqual([
      'acme/prod',
      'acme/slow',
    ]);
    expect(preview.excluded).toEqual([]);

    const restored = dataOf(
      await fleet.gql<{ restoreInstallation: any }>(RESTORE_INSTALLATION, { input: { tenantSlug: 'globex', slug: 'prod' } }),
    ).restoreInstallation;
    expect(restored.archivedAt).toBeNull();
    const audit = dataOf(
      await fleet.gql<{ auditEvents: any }>(
        `{ auditEvents(first: 5, filter: { subjectType: "Installation", search: "installation." }) { nodes { action reason } } }`,
      ),
    ).auditEvents.nodes;
    expect(audit.slice(0, 2)).toEqual([
      { action: 'installation.restore', reason: null },
      { action: 'installation.archive', reason: 'gone' },
    ]);
  });

  it('refuses (CONFLICT, naming the rollouts) to archive an installation or tenant an unfinished rollout still has work on', async () => {
    const releaseId = await lockedRelease(fleet, '1.0.1', [{ app: 'api', version: '1.0.0', stage: 1 }]);
    const started = dataOf(await startRollout(fleet, { releaseId, selector: { tenantSlugs: ['acme'] } })).startRollout;
    const refused = await fleet.gql(ARCHIVE_INSTALLATION, { input: { tenantSlug: 'acme', slug: 'slow' } });
    expect(errorCode(refused)).toBe('CONFLICT');
    expect(refused.errors![0].extensions!.rolloutIds).toEqual([started.id]);
    expect(refused.errors![0].extensions!.blockers).toEqual([`Rollout ${started.id} still has work on acme/slow`]);
    const tenantRefused = await fleet.gql(`mutation { archiveTenant(input: { slug: "acme" }) { archivedAt } }`);
    expect(errorCode(tenantRefused)).toBe('CONFLICT');
    dataOf(
      await fleet.gql(`mutation ($id: ID!) { abortRollout(input: { rolloutId: $id, reason: "test" }) { id } }`, {
        id: started.id,
      }),
    );
    dataOf(await fleet.gql(ARCHIVE_INSTALLATION, { input: { tenantSlug: 'acme', slug: 'slow' } }));
    dataOf(await fleet.gql(RESTORE_INSTALLATION, { input: { tenantSlug: 'acme', slug: 'slow' } }));
  });

  it('an archived tenant leaves lists and rollouts with its installations; a tenant-scoped token cannot archive', async () => {
    const scoped = await createApiToken(fleet, { role: 'ADMIN', tenantSlugs: ['globex'] });
    expect(errorCode(await fleet.gql(`mutation { archiveTenant(input: { slug: "globex" }) { id } }`, {}, scoped.token))).toBe(
      'FORBIDDEN',
    );
    dataOf(await fleet.gql(`mutation { archiveTenant(input: { slug: "globex" }) { archivedAt } }`));
    const lists = dataOf(
      await fleet.gql<{ tenants: any; installations: any }>(
        `{ tenants { nodes { slug } } installations(filter: { tiers: ["prod"] }) { nodes { tenant { slug } } } }`,
      ),
    );
    expect(lists.tenants.nodes.map((t: any) => t.slug)).toEqual(['acme']);
    expect(lists.installations.nodes.every((i: any) => i.tenant.slug === 'acme')).toBe(true);
    const releaseId = await lockedRelease(fleet, '1.0.2', [{ app: 'api', version: '1.0.0', stage: 1 }]);
    const explicit = await fleet.gql<{ previewRollout: any }>(
      `query ($input: RolloutPlanInput!) { previewRollout(input: $input) { blockers } }`,
      { input: { releaseId, selector: { tenantSlugs: ['globex'] } } },
    );
    expect(dataOf(explicit).previewRollout.blockers).toContain('No installation to roll out to');
    dataOf(await fleet.gql(`mutation { restoreTenant(input: { slug: "globex" }) { archivedAt } }`));
    expect(dataOf(await fleet.gql<{ tenants: any }>('{ tenants { totalCount } }')).tenants.totalCount).toBe(2);
  });

  it('archives and restores applications and release tracks, which leave their lists', async () => {
    dataOf(await fleet.gql(`mutation { archiveApplication(input: { slug: "api" }) { archivedAt } }`));
    dataOf(await fleet.gql(`mutation { archiveReleaseTrack(input: { slug: "product" }) { archivedAt } }`));
    const lists = dataOf(
      await fleet.gql<any>(`{ applications { totalCount } all: applications(includeArchived: true) { totalCount }
        releaseTracks { slug } allTracks: releaseTracks(includeArchived: true) { slug archivedAt } }`),
    );
    expect(lists.applications.totalCount).toBe(0);
    expect(lists.all.totalCount).toBe(1);
    expect(lists.releaseTracks).toEqual([]);
    expect(lists.allTracks[0].archivedAt).toEqual(expect.any(String));
    const refused = await fleet.gql(`mutation { createRelease(input: { trackSlug: "product", version: "9.9.9" }) { id } }`);
    expect(errorCode(refused)).toBe('CONFLICT');
    dataOf(await fleet.gql(`mutation { restoreApplication(input: { slug: "api" }) { archivedAt } }`));
    dataOf(await fleet.gql(`mutation { restoreReleaseTrack(input: { slug: "product" }) { archivedAt } }`));
    expect(dataOf(await fleet.gql<any>('{ releaseTracks { slug } }')).releaseTracks).toEqual([{ slug: 'product' }]);
  });
});
