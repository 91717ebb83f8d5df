import type { AuditAction } from '@shiplog/shared';
import { randomUUID } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService, type AuditEntry } from '../../audit/audit.service';
import type { Access } from '../../auth/access';
import { conflict } from '../../common/errors';
import { Role } from '../../common/roles';
import type { Config } from '../../config';
import { CONFIG } from '../../tokens';
import { Application } from '../application/application.entity';
import { ReleaseTrack } from '../release/release-track.entity';
import { assertNoOpenRollouts } from '../tenant/archiving';
import { REDACTED, keepRedactedSecrets, redactDriverConfig, validateDriverConfig } from '../tenant/driver-config';
import { Installation } from '../tenant/installation.entity';
import { Tenant } from '../tenant/tenant.entity';
import { EnvironmentTier } from '../tier/environment-tier.entity';
import { documentError, parseDocuments, type DocumentProblem, type Source } from './configuration.documents';
import type { ConfigurationInput } from './configuration.inputs';
import {
  ConfigurationKind,
  type ConfigurationChange,
  type ConfigurationFieldChange,
  type ConfigurationKindPlan,
  type ConfigurationPlan,
} from './configuration.plan';

/** A prune larger than this many objects, or than this share of a kind, needs pruneMax. */
export const PRUNE_GUARD_COUNT = 10;
export const PRUNE_GUARD_SHARE = 0.25;

type Row = Record<string, unknown>;

/** One object's change, with what the apply writes. */
interface Step {
  kind: ConfigurationKind;
  key: string;
  id: string | null;
  tenantId: string | null;
  fields: ConfigurationFieldChange[];
  /** The object as declared (created or updated), in its stored shape. */
  values: Row;
  /** For the audit: before and after, secrets redacted. */
  before: Row | null;
  after: Row | null;
}

interface KindSteps {
  creates: Step[];
  updates: Step[];
  archives: Step[];
  unchanged: number;
}

interface WorkingPlan {
  kinds: Map<ConfigurationKind, KindSteps>;
}

const KINDS = [
  ConfigurationKind.TIER,
  ConfigurationKind.APPLICATION,
  ConfigurationKind.RELEASE_TRACK,
  ConfigurationKind.TENANT,
  ConfigurationKind.INSTALLATION,
];

const SUBJECT: Record<ConfigurationKind, { type: string; action: string }> = {
  TIER: { type: 'EnvironmentTier', action: 'tier' },
  APPLICATION: { type: 'Application', action: 'application' },
  RELEASE_TRACK: { type: 'ReleaseTrack', action: 'track' },
  TENANT: { type: 'Tenant', action: 'tenant' },
  INSTALLATION: { type: 'Installation', action: 'installation' },
};

/** Stable text of a value for comparing and showing: object keys sorted. */
function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Row)[key])]),
    );
  }
  return value;
}

function leaves(value: unknown, prefix: string, out = new Map<string, unknown>()): Map<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [key, item] of Object.entries(value)) leaves(item, `${prefix}.${key}`, out);
  } else out.set(prefix, value);
  return out;
}

const isSecretText = (value: unknown) => typeof value === 'string' && value.includes(REDACTED);

/** The fields of `before` and `after` that differ; driver settings leaf by leaf, secrets never shown. */
function diff(before: Row | null, after: Row, secretsOf?: string): ConfigurationFieldChange[] {
  const changes: ConfigurationFieldChange[] = [];
  for (const [field, value] of Object.entries(after)) {
    const old = before?.[field];
    if (field === secretsOf) {
      const real = [leaves(old ?? {}, field), leaves(value, field)];
      const shown = [leaves(redactDriverConfig((old ?? {}) as Row), field), leaves(redactDriverConfig(value as Row), field)];
      for (const path of new Set([...real[0].keys(), ...real[1].keys()])) {
        if (text(real[0].get(path)) === text(real[1].get(path)) && real[0].has(path) === real[1].has(path)) continue;
        const secret = isSecretText(shown[0].get(path)) || isSecretText(shown[1].get(path));
        const was = real[0].has(path);
        const is = real[1].has(path);
        changes.push(
          secret
            ? { field: path, before: was ? '(secret)' : null, after: is ? (was ? '(changed)' : '(set)') : '(removed)' }
            : { field: path, before: was ? text(real[0].get(path)) : null, after: is ? text(real[1].get(path)) : null },
        );
      }
    } else if (before === null ? value !== undefined : text(old) !== text(value)) {
      changes.push({ field, before: before === null ? null : text(old), after: text(value) });
    }
  }
  return changes;
}

/** The installation as the audit shows it: secrets redacted. */
function safeInstallation(values: Row | null): Row | null {
  return values && { ...values, driverConfig: redactDriverConfig((values.driverConfig ?? {}) as Row) };
}

@injectable()
export class ConfigurationService {
  constructor(
    @inject(DataSource) private readonly dataSource: DataSource,
    @inject(CONFIG) private readonly config: Config,
    private readonly audit: AuditService,
  ) {}

  /** What applying the documents would change; changes nothing. */
  async plan(access: Access, input: ConfigurationInput): Promise<ConfigurationPlan> {
    access.requireUnscoped(Role.ADMIN);
    const parsed = parseDocuments(input.documents);
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const plan = await this.work(manager, parsed, input);
      return this.present(plan, null);
    });
  }

  /** Applies the documents' plan in one transaction, audited as one change set; nothing to do writes nothing. */
  async apply(access: Access, input: ConfigurationInput): Promise<ConfigurationPlan> {
    access.requireUnscoped(Role.ADMIN);
    const parsed = parseDocuments(input.documents);
    return this.dataSource.transaction(async (manager) => {
      // One apply at a time: two would plan against the same state and then both write.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('shiplog.configuration.apply'))`);
      const plan = await this.work(manager, parsed, input);
      const steps = KINDS.flatMap((kind) => {
        const k = plan.kinds.get(kind)!;
        return [...k.creates, ...k.updates, ...k.archives];
      });
      if (steps.length === 0) return this.present(plan, null);
      const changeSetId = randomUUID();
      await this.write(manager, plan);
      const entries: AuditEntry[] = [];
      for (const kind of KINDS) {
        const k = plan.kinds.get(kind)!;
        const subject = SUBJECT[kind];
        const push = (step: Step, verb: string) =>
          entries.push({
            // kind.create|update|archive: each combination configuration writes is in AUDIT_ACTIONS.
            action: `${subject.action}.${verb}` as AuditAction,
            subjectType: subject.type,
            subjectId: step.id!,
            tenantId: step.tenantId,
            reason: 'configuration apply',
            before: kind === ConfigurationKind.INSTALLATION ? safeInstallation(step.before) : step.before,
            after: kind === ConfigurationKind.INSTALLATION ? safeInstallation(step.after) : step.after,
            changeSetId,
          });
        k.creates.forEach((step) => push(step, 'create'));
        k.updates.forEach((step) => push(step, 'update'));
        k.archives.forEach((step) => push(step, 'archive'));
      }
      const counts = Object.fromEntries(
        KINDS.map((kind) => {
          const k = plan.kinds.get(kind)!;
          return [kind, { creates: k.creates.length, updates: k.updates.length, archives: k.archives.length }];
        }),
      );
      entries.push({
        action: 'configuration.apply',
        subjectType: 'ConfigurationChangeSet',
        subjectId: changeSetId,
        reason: input.prune ? 'configuration apply with prune' : 'configuration apply',
        after: counts,
        changeSetId,
      });
      await this.audit.recordMany(manager, access, entries);
      return this.present(plan, changeSetId);
    });
  }

  private present(plan: WorkingPlan, changeSetId: string | null): ConfigurationPlan {
    const change = (step: Step): ConfigurationChange => ({ key: step.key, fields: step.fields });
    const kinds: ConfigurationKindPlan[] = KINDS.map((kind) => {
      const k = plan.kinds.get(kind)!;
      return {
        kind,
        creates: k.creates.map((step) => ({ key: step.key, fields: [] })),
        updates: k.updates.map(change),
        archives: k.archives.map(change),
        unchangedCount: k.unchanged,
      };
    });
    return {
      changeCount: kinds.reduce((sum, k) => sum + k.creates.length + k.updates.length + k.archives.length, 0),
      kinds,
      changeSetId,
    };
  }

  /** Compares the documents with the database (read in a handful of queries) and works out every step. */
  private async work(
    manager: EntityManager,
    parsed: ReturnType<typeof parseDocuments>,
    input: ConfigurationInput,
  ): Promise<WorkingPlan> {
    const problems: DocumentProblem[] = [];
    const problem = (source: Source, field: string, message: string) =>
      problems.push({ file: source.file, document: source.index, field, message });
    const kinds = new Map<ConfigurationKind, KindSteps>(
      KINDS.map((kind) => [kind, { creates: [], updates: [], archives: [], unchanged: 0 }]),
    );
    const add = (kind: ConfigurationKind, step: Step, isNew: boolean) => {
      const k = kinds.get(kind)!;
      if (isNew) k.creates.push(step);
      else if (step.fields.length > 0) k.updates.push(step);
      else k.unchanged += 1;
    };

    // ---- tiers
    const tiers = await manager.getRepository(EnvironmentTier).find();
    const tierByName = new Map(tiers.map((t) => [t.name, t]));
    const rankOf = new Map(tiers.map((t) => [t.name, t.rank]));
    for (const doc of parsed.tiers) rankOf.set(doc.name, doc.rank);
    const ranksTaken = new Map<number, string>();
    for (const [tierName, rank] of rankOf) {
      const other = ranksTaken.get(rank);
      if (other !== undefined) {
        const doc = parsed.tiers.find((t) => t.name === tierName) ?? parsed.tiers.find((t) => t.name === other);
        if (doc)
          problem(doc.source, 'rank', `rank ${rank} is also the rank of tier '${doc.name === tierName ? other : tierName}'`);
      }
      ranksTaken.set(rank, tierName);
    }
    for (const doc of parsed.tiers) {
      const requiredTiers = [...new Set(doc.requiredTiers)];
      requiredTiers.forEach((required, n) => {
        if (!rankOf.has(required)) problem(doc.source, `requiredTiers[${n}]`, `names an unknown tier '${required}'`);
        else if (rankOf.get(required)! >= doc.rank) {
          problem(
            doc.source,
            `requiredTiers[${n}]`,
            `'${required}' must come earlier in the pipeline (a lower rank than ${doc.rank})`,
          );
        }
      });
      const existing = tierByName.get(doc.name);
      const values = { name: doc.name, rank: doc.rank, requiredTiers, requireVerification: doc.requireVerification };
      const before = existing
        ? {
            name: existing.name,
            rank: existing.rank,
            requiredTiers: existing.requiredTiers,
            requireVerification: existing.requireVerification,
          }
        : null;
      add(
        ConfigurationKind.TIER,
        {
          kind: ConfigurationKind.TIER,
          key: doc.name,
          id: existing?.id ?? null,
          tenantId: null,
          fields: diff(before, values),
          values,
          before,
          after: values,
        },
        !existing,
      );
    }
    const knownTiers = new Set(rankOf.keys());

    // ---- applications and tracks
    const simple = <T extends { id: string; slug: string; name: string; description: string; archivedAt: Date | null }>(
      kind: ConfigurationKind,
      rows: T[],
      docs: { slug: string; name: string; description: string }[],
    ) => {
      const bySlug = new Map(rows.map((row) => [row.slug, row]));
      for (const doc of docs) {
        const existing = bySlug.get(doc.slug);
        const values: Row = { slug: doc.slug, name: doc.name, description: doc.description, archived: false };
        const before = existing
          ? {
              slug: existing.slug,
              name: existing.name,
              description: existing.description,
              archived: Boolean(existing.archivedAt),
            }
          : null;
        add(
          kind,
          {
            kind,
            key: doc.slug,
            id: existing?.id ?? null,
            tenantId: null,
            fields: diff(before, values),
            values,
            before,
            after: values,
          },
          !existing,
        );
      }
      if (input.prune) {
        const declared = new Set(docs.map((d) => d.slug));
        for (const row of rows) {
          if (row.archivedAt || declared.has(row.slug)) continue;
          kinds.get(kind)!.archives.push({
            kind,
            key: row.slug,
            id: row.id,
            tenantId: null,
            fields: [{ field: 'archived', before: 'false', after: 'true' }],
            values: {},
            before: { archived: false },
            after: { archived: true },
          });
        }
      }
    };
    const applications = await manager.getRepository(Application).find();
    const tracks = await manager.getRepository(ReleaseTrack).find();
    simple(ConfigurationKind.APPLICATION, applications, parsed.applications);
    simple(ConfigurationKind.RELEASE_TRACK, tracks, parsed.tracks);

    // ---- tenants and their installations
    const tenants = await manager.getRepository(Tenant).find();
    const tenantBySlug = new Map(tenants.map((t) => [t.slug, t]));
    const installations = await manager.getRepository(Installation).find();
    const tierNameById = new Map(tiers.map((t) => [t.id, t.name]));
    const installationsByTenant = new Map<string, Installation[]>();
    for (const installation of installations) {
      const list = installationsByTenant.get(installation.tenantId) ?? [];
      list.push(installation);
      installationsByTenant.set(installation.tenantId, list);
    }
    const archivedInstallations: { id: string; key: string }[] = [];
    for (const doc of parsed.tenants) {
      const existing = tenantBySlug.get(doc.slug);
      const values: Row = {
        slug: doc.slug,
        name: doc.name,
        labels: doc.labels,
        contacts: doc.contacts,
        blocked: doc.blocked,
        archived: false,
      };
      const before = existing
        ? {
            slug: existing.slug,
            name: existing.name,
            labels: existing.labels,
            contacts: existing.contacts,
            blocked: existing.blocked,
            archived: Boolean(existing.archivedAt),
          }
        : null;
      add(
        ConfigurationKind.TENANT,
        {
          kind: ConfigurationKind.TENANT,
          key: doc.slug,
          id: existing?.id ?? null,
          tenantId: existing?.id ?? null,
          fields: diff(before, values),
          values,
          before,
          after: values,
        },
        !existing,
      );
      if (!doc.installations) continue;
      const current = new Map((existing ? (installationsByTenant.get(existing.id) ?? []) : []).map((i) => [i.slug, i]));
      doc.installations.forEach((declared, n) => {
        const field = `installations[${n}]`;
        const stored = current.get(declared.slug);
        if (!knownTiers.has(declared.tier)) problem(doc.source, `${field}.tier`, `names an unknown tier '${declared.tier}'`);
        let driverConfig: Row;
        try {
          const merged = (
            stored && stored.driver === declared.driver
              ? keepRedactedSecrets(declared.driverConfig, stored.driverConfig)
              : declared.driverConfig
          ) as Row;
          const unset = [...leaves(merged, 'driverConfig').entries()].find(([, value]) => isSecretText(value));
          if (unset) {
            throw new Error(`${unset[0]}: ${REDACTED} keeps a stored secret, and there is none here; give it as \${env:NAME}`);
          }
          driverConfig = validateDriverConfig(declared.driver, merged, this.config.webhookTargets);
        } catch (error) {
          const messages = (error as { details?: { problems?: string[] } }).details?.problems ?? [(error as Error).message];
          for (const message of messages) {
            const colon = message.indexOf(':');
            problem(doc.source, `${field}.${message.slice(0, colon)}`, message.slice(colon + 1).trim());
          }
          return;
        }
        const values: Row = {
          slug: declared.slug,
          name: declared.name,
          tier: declared.tier,
          labels: declared.labels,
          driver: declared.driver,
          driverConfig,
          requiresApproval: declared.requiresApproval,
          frozen: declared.frozen,
          archived: false,
        };
        const before = stored
          ? {
              slug: stored.slug,
              name: stored.name,
              tier: tierNameById.get(stored.tierId) ?? '',
              labels: stored.labels,
              driver: stored.driver,
              driverConfig: stored.driverConfig,
              requiresApproval: stored.requiresApproval,
              frozen: stored.frozen,
              archived: Boolean(stored.archivedAt),
            }
          : null;
        add(
          ConfigurationKind.INSTALLATION,
          {
            kind: ConfigurationKind.INSTALLATION,
            key: `${doc.slug}/${declared.slug}`,
            id: stored?.id ?? null,
            tenantId: existing?.id ?? null,
            fields: diff(before, values, 'driverConfig'),
            values: { ...values, tenantSlug: doc.slug },
            before,
            after: values,
          },
          !stored,
        );
      });
      if (input.prune && existing) {
        const declared = new Set(doc.installations.map((i) => i.slug));
        for (const installation of installationsByTenant.get(existing.id) ?? []) {
          if (installation.archivedAt || declared.has(installation.slug)) continue;
          const key = `${doc.slug}/${installation.slug}`;
          archivedInstallations.push({ id: installation.id, key });
          kinds.get(ConfigurationKind.INSTALLATION)!.archives.push({
            kind: ConfigurationKind.INSTALLATION,
            key,
            id: installation.id,
            tenantId: existing.id,
            fields: [{ field: 'archived', before: 'false', after: 'true' }],
            values: {},
            before: { archived: false },
            after: { archived: true },
          });
        }
      }
    }
    if (input.prune) {
      const declared = new Set(parsed.tenants.map((t) => t.slug));
      for (const tenant of tenants) {
        if (tenant.archivedAt || declared.has(tenant.slug)) continue;
        kinds.get(ConfigurationKind.TENANT)!.archives.push({
          kind: ConfigurationKind.TENANT,
          key: tenant.slug,
          id: tenant.id,
          tenantId: tenant.id,
          fields: [{ field: 'archived', before: 'false', after: 'true' }],
          values: {},
          before: { archived: false },
          after: { archived: true },
        });
        for (const installation of installationsByTenant.get(tenant.id) ?? []) {
          if (!installation.archivedAt)
            archivedInstallations.push({ id: installation.id, key: `${tenant.slug}/${installation.slug}` });
        }
      }
    }
    if (problems.length > 0) throw documentError(problems);
    for (const k of kinds.values()) k.archives.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

    if (input.prune) {
      const active: Record<ConfigurationKind, number> = {
        TIER: tiers.length,
        APPLICATION: applications.filter((a) => !a.archivedAt).length,
        RELEASE_TRACK: tracks.filter((t) => !t.archivedAt).length,
        TENANT: tenants.filter((t) => !t.archivedAt).length,
        INSTALLATION: installations.filter((i) => !i.archivedAt).length,
      };
      this.guardPrune(kinds, input.pruneMax ?? null, active);
      await assertNoOpenRollouts(
        manager,
        archivedInstallations.map((i) => i.id),
        archivedInstallations.length === 1 ? `installation '${archivedInstallations[0].key}'` : 'these installations',
      );
    }
    return { kinds };
  }

  /** Refuses a prune that would archive much of the fleet (a half-empty file), unless pruneMax allows that many. */
  private guardPrune(
    kinds: Map<ConfigurationKind, KindSteps>,
    pruneMax: number | null,
    active: Record<ConfigurationKind, number>,
  ) {
    const archives = KINDS.flatMap((kind) => kinds.get(kind)!.archives);
    if (archives.length === 0) return;
    const reasons: string[] = [];
    if (archives.length > PRUNE_GUARD_COUNT) reasons.push(`${archives.length} objects (more than ${PRUNE_GUARD_COUNT})`);
    for (const kind of KINDS) {
      const count = kinds.get(kind)!.archives.length;
      if (count > 0 && count > PRUNE_GUARD_SHARE * active[kind]) {
        reasons.push(
          `${count} of ${active[kind]} ${kind.toLowerCase().replace('_', ' ')}s (more than ${PRUNE_GUARD_SHARE * 100} %)`,
        );
      }
    }
    if (reasons.length === 0) return;
    if (pruneMax !== null && archives.length <= pruneMax) return;
    throw conflict(
      `The prune would archive ${reasons.join(' and ')}; check the files, or allow it with pruneMax ${archives.length}${
        pruneMax !== null ? ` (pruneMax ${pruneMax} allows fewer)` : ''
      }`,
      {
        blockers: archives.map((step) => `would archive ${SUBJECT[step.kind].type} ${step.key}`),
        pruneCount: archives.length,
      },
    );
  }

  /** Writes every step set-based: a statement per kind and change, whatever the number of objects. */
  private async write(manager: EntityManager, plan: WorkingPlan): Promise<void> {
    const k = (kind: ConfigurationKind) => plan.kinds.get(kind)!;
    const json = (rows: unknown[]) => JSON.stringify(rows);

    // tiers: few; ranks may swap, so changed ranks go out of the way first
    const tierSteps = [...k(ConfigurationKind.TIER).updates];
    const rankMoves = tierSteps.filter((step) => step.fields.some((f) => f.field === 'rank'));
    for (const [n, step] of rankMoves.entries()) {
      await manager.query('UPDATE environment_tier SET rank = $2 WHERE id = $1', [step.id, -1 - n]);
    }
    for (const step of tierSteps) {
      await manager.query('UPDATE environment_tier SET rank = $2, required_tiers = $3, require_verification = $4 WHERE id = $1', [
        step.id,
        step.values.rank,
        step.values.requiredTiers,
        step.values.requireVerification,
      ]);
    }
    for (const step of k(ConfigurationKind.TIER).creates) {
      const [row] = await manager.query<{ id: string }[]>(
        'INSERT INTO environment_tier (name, rank, required_tiers, require_verification) VALUES ($1, $2, $3, $4) RETURNING id',
        [step.values.name, step.values.rank, step.values.requiredTiers, step.values.requireVerification],
      );
      step.id = row.id;
    }

    for (const [kind, table] of [
      [ConfigurationKind.APPLICATION, 'application'],
      [ConfigurationKind.RELEASE_TRACK, 'release_track'],
    ] as const) {
      const { creates, updates, archives } = k(kind);
      if (creates.length) {
        const rows = await manager.query<{ id: string; slug: string }[]>(
          `INSERT INTO ${table} (slug, name, description)
           SELECT slug, name, description FROM jsonb_to_recordset($1::jsonb) AS v(slug text, name text, description text)
           RETURNING id, slug`,
          [json(creates.map((s) => s.values))],
        );
        const ids = new Map(rows.map((r) => [r.slug, r.id]));
        for (const step of creates) step.id = ids.get(step.key)!;
      }
      if (updates.length) {
        await manager.query(
          `UPDATE ${table} o SET name = v.name, description = v.description, archived_at = NULL
             FROM jsonb_to_recordset($1::jsonb) AS v(id uuid, name text, description text) WHERE o.id = v.id`,
          [json(updates.map((s) => ({ ...s.values, id: s.id })))],
        );
      }
      if (archives.length) {
        await manager.query(`UPDATE ${table} SET archived_at = now() WHERE id = ANY($1)`, [archives.map((s) => s.id)]);
      }
    }

    const tenantSteps = k(ConfigurationKind.TENANT);
    if (tenantSteps.creates.length) {
      const rows = await manager.query<{ id: string; slug: string }[]>(
        `INSERT INTO tenant (slug, name, labels, contacts, blocked)
         SELECT v.slug, v.name, v.labels, ARRAY(SELECT jsonb_array_elements_text(v.contacts)), v.blocked
           FROM jsonb_to_recordset($1::jsonb) AS v(slug text, name text, labels jsonb, contacts jsonb, blocked boolean)
         RETURNING id, slug`,
        [json(tenantSteps.creates.map((s) => s.values))],
      );
      const ids = new Map(rows.map((r) => [r.slug, r.id]));
      for (const step of tenantSteps.creates) step.id = step.tenantId = ids.get(step.key)!;
    }
    if (tenantSteps.updates.length) {
      await manager.query(
        `UPDATE tenant t SET name = v.name, labels = v.labels, contacts = ARRAY(SELECT jsonb_array_elements_text(v.contacts)),
                blocked = v.blocked, archived_at = NULL, updated_at = now()
           FROM jsonb_to_recordset($1::jsonb) AS v(id uuid, name text, labels jsonb, contacts jsonb, blocked boolean)
          WHERE t.id = v.id`,
        [json(tenantSteps.updates.map((s) => ({ ...s.values, id: s.id })))],
      );
    }
    if (tenantSteps.archives.length) {
      await manager.query('UPDATE tenant SET archived_at = now(), updated_at = now() WHERE id = ANY($1)', [
        tenantSteps.archives.map((s) => s.id),
      ]);
    }

    const installationSteps = k(ConfigurationKind.INSTALLATION);
    const tenantIds = new Map(
      (await manager.query<{ id: string; slug: string }[]>('SELECT id, slug FROM tenant')).map((r) => [r.slug, r.id]),
    );
    const tierIds = new Map(
      (await manager.query<{ id: string; name: string }[]>('SELECT id, name FROM environment_tier')).map((r) => [r.name, r.id]),
    );
    const installationRow = (step: Step) => ({
      ...step.values,
      id: step.id,
      tenantId: tenantIds.get(step.values.tenantSlug as string),
      tierId: tierIds.get(step.values.tier as string),
    });
    const columns = `(id uuid, "tenantId" uuid, slug text, name text, "tierId" uuid, labels jsonb, driver text, "driverConfig" jsonb,
                      "requiresApproval" boolean, frozen boolean)`;
    if (installationSteps.creates.length) {
      const rows = await manager.query<{ id: string; tenant_id: string }[]>(
        `INSERT INTO installation (tenant_id, slug, name, tier_id, labels, driver, driver_config, requires_approval, frozen)
         SELECT v."tenantId", v.slug, v.name, v."tierId", v.labels, v.driver, v."driverConfig", v."requiresApproval", v.frozen
           FROM jsonb_to_recordset($1::jsonb) AS v${columns}
         RETURNING id, tenant_id`,
        [json(installationSteps.creates.map(installationRow))],
      );
      // RETURNING gives the rows in the order of the SELECT, which follows the array.
      rows.forEach((row, n) => {
        installationSteps.creates[n].id = row.id;
        installationSteps.creates[n].tenantId = row.tenant_id;
      });
    }
    if (installationSteps.updates.length) {
      await manager.query(
        `UPDATE installation i SET name = v.name, tier_id = v."tierId", labels = v.labels, driver = v.driver,
                driver_config = v."driverConfig", requires_approval = v."requiresApproval", frozen = v.frozen,
                archived_at = NULL, updated_at = now()
           FROM jsonb_to_recordset($1::jsonb) AS v${columns}
          WHERE i.id = v.id`,
        [json(installationSteps.updates.map(installationRow))],
      );
    }
    if (installationSteps.archives.length) {
      await manager.query('UPDATE installation SET archived_at = now(), updated_at = now() WHERE id = ANY($1)', [
        installationSteps.archives.map((s) => s.id),
      ]);
    }
  }

  /** The current configuration as documents (archived objects left out); secrets read back as ********. */
  async export(access: Access): Promise<Row[]> {
    access.requireUnscoped(Role.ADMIN);
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const tiers = await manager.getRepository(EnvironmentTier).find({ order: { rank: 'ASC' } });
      const tierNames = new Map(tiers.map((t) => [t.id, t.name]));
      const applications = await manager.getRepository(Application).find({ order: { slug: 'ASC' } });
      const tracks = await manager.getRepository(ReleaseTrack).find({ order: { slug: 'ASC' } });
      const tenants = await manager.getRepository(Tenant).find({ order: { slug: 'ASC' } });
      const installations = await manager.getRepository(Installation).find({ order: { slug: 'ASC' } });
      const byTenant = new Map<string, Installation[]>();
      for (const installation of installations) {
        if (installation.archivedAt) continue;
        byTenant.set(installation.tenantId, [...(byTenant.get(installation.tenantId) ?? []), installation]);
      }
      return [
        ...tiers.map((t) => ({
          kind: 'Tier',
          name: t.name,
          rank: t.rank,
          requiredTiers: t.requiredTiers,
          requireVerification: t.requireVerification,
        })),
        ...applications
          .filter((a) => !a.archivedAt)
          .map((a) => ({ kind: 'Application', slug: a.slug, name: a.name, description: a.description })),
        ...tracks
          .filter((t) => !t.archivedAt)
          .map((t) => ({ kind: 'ReleaseTrack', slug: t.slug, name: t.name, description: t.description })),
        ...tenants
          .filter((t) => !t.archivedAt)
          .map((t) => ({
            kind: 'Tenant',
            slug: t.slug,
            name: t.name,
            labels: sortKeys(t.labels),
            contacts: t.contacts,
            blocked: t.blocked,
            installations: (byTenant.get(t.id) ?? []).map((i) => ({
              slug: i.slug,
              name: i.name,
              tier: tierNames.get(i.tierId),
              labels: sortKeys(i.labels),
              driver: i.driver,
              driverConfig: redactDriverConfig(i.driverConfig),
              requiresApproval: i.requiresApproval,
              frozen: i.frozen,
            })),
          })),
      ];
    });
  }
}
