import { labelsToRecord } from '@shiplog/shared';
import { injectable } from 'tsyringe';
import { In, type EntityManager } from 'typeorm';
import type { Access } from '../../auth/access';
import { badInput, notFound } from '../../common/errors';
import { isId } from '../../common/ids';
import { Application } from '../application/application.entity';
import { Artifact } from '../application/artifact.entity';
import { RunningArtifact } from '../deployment/running-artifact.entity';
import { ReleaseComponent } from '../release/release-component.entity';
import { Release, ReleaseStatus } from '../release/release.entity';
import { Installation } from '../tenant/installation.entity';
import { Tenant } from '../tenant/tenant.entity';
import { EnvironmentTier } from '../tier/environment-tier.entity';
import type { RolloutPlanInput } from './rollout.inputs';
import { TargetStatus } from './rollout-target.entity';
import { Rollout, RolloutStatus } from './rollout.entity';
import {
  PlannedAction,
  type ExcludedInstallation,
  type PlannedTarget,
  PromotionMissing,
  type PromotionGap,
  type RolloutOverlap,
  type RolloutPlan,
} from './rollout.plan';

const UNFINISHED_ROLLOUT = [
  RolloutStatus.PENDING,
  RolloutStatus.RUNNING,
  RolloutStatus.WAITING_FOR_PROMOTION,
  RolloutStatus.PAUSED,
];
const OPEN_TARGET = [TargetStatus.PENDING, TargetStatus.AWAITING_APPROVAL, TargetStatus.RUNNING];

interface Candidate {
  installation: Installation;
  tenant: Tenant;
  tier: EnvironmentTier;
}

/** Works out a rollout's targets, waves and per-stage deployments, and what stops it from starting. */
@injectable()
export class RolloutPlanner {
  async plan(
    manager: EntityManager,
    access: Access,
    input: RolloutPlanInput,
  ): Promise<RolloutPlan & { components: ReleaseComponent[] }> {
    const release = isId(input.releaseId) ? await manager.getRepository(Release).findOneBy({ id: input.releaseId }) : null;
    if (!release) throw notFound('Release', input.releaseId);
    const blockers: string[] = [];
    if (release.status !== ReleaseStatus.LOCKED) {
      blockers.push(`Release ${release.version} is ${release.status}; only a LOCKED release can roll out`);
    }
    const components = await manager
      .getRepository(ReleaseComponent)
      .find({ where: { releaseId: release.id }, order: { stage: 'ASC' } });

    const explicit = Boolean(input.installationIds?.length);
    const candidates = explicit
      ? await this.byIds(manager, access, input.installationIds!)
      : await this.bySelector(manager, access, input);
    const excluded: ExcludedInstallation[] = [];
    const eligible: Candidate[] = [];
    for (const candidate of candidates) {
      const reason = candidate.tenant.archivedAt
        ? `Tenant ${candidate.tenant.slug} is archived`
        : candidate.installation.archivedAt
          ? `Installation ${candidate.tenant.slug}/${candidate.installation.slug} is archived`
          : candidate.tenant.blocked
            ? `Tenant ${candidate.tenant.slug} is blocked`
            : candidate.installation.frozen
              ? `Installation ${candidate.tenant.slug}/${candidate.installation.slug} is frozen`
              : null;
      if (reason === null) eligible.push(candidate);
      else if (explicit) blockers.push(reason);
      else excluded.push({ installation: candidate.installation, reason });
    }
    if (eligible.length === 0) blockers.push('No installation to roll out to');
    const promotionGaps = await this.promotionGaps(manager, release, eligible);
    blockers.push(...promotionGaps.map((gap) => promotionBlocker(gap, release)));

    eligible.sort(
      (a, b) =>
        a.tier.rank - b.tier.rank ||
        a.tenant.slug.localeCompare(b.tenant.slug) ||
        a.installation.slug.localeCompare(b.installation.slug),
    );
    const requested = this.assignWaves(eligible, input);
    const planned = requested.map(({ label, taken }, index) => ({ index: index + 1, label, targetCount: taken.length }));
    if (eligible.length > 0 && !input.allowEmptyWaves) {
      for (const wave of planned.filter((w) => w.targetCount === 0)) {
        blockers.push(`Wave ${wave.index} (${wave.label}) would take no installation; change it, remove it or allow empty waves`);
      }
    }
    const waves = requested.map((wave) => wave.taken).filter((taken) => taken.length > 0);

    const running = eligible.length
      ? await manager.getRepository(RunningArtifact).findBy({ installationId: In(eligible.map((c) => c.installation.id)) })
      : [];
    const runningBy = new Map(running.map((row) => [`${row.installationId}/${row.applicationId}`, row.artifactId]));
    const applications = new Map(
      (await manager.getRepository(Application).findBy({ id: In(components.map((c) => c.applicationId)) })).map((a) => [a.id, a]),
    );
    const artifactIds = [...new Set([...components.map((c) => c.artifactId!), ...running.map((r) => r.artifactId)])];
    const artifacts = new Map((await manager.getRepository(Artifact).findBy({ id: In(artifactIds) })).map((a) => [a.id, a]));
    const stages = [...new Set(components.map((c) => c.stage))];

    let deploymentCount = 0;
    let skipCount = 0;
    const targets: PlannedTarget[] = waves.flatMap((wave, index) =>
      wave.map((candidate) => ({
        installation: candidate.installation,
        wave: index + 1,
        requiresApproval: candidate.installation.requiresApproval,
        stages: stages.map((stage) => ({
          stage,
          deployments: components
            .filter((component) => component.stage === stage)
            .map((component) => {
              const runningId = runningBy.get(`${candidate.installation.id}/${component.applicationId}`) ?? null;
              const skip = runningId === component.artifactId;
              if (skip) skipCount += 1;
              else deploymentCount += 1;
              return {
                application: applications.get(component.applicationId)!,
                artifact: artifacts.get(component.artifactId!)!,
                action: skip ? PlannedAction.SKIP : PlannedAction.DEPLOY,
                running: runningId ? (artifacts.get(runningId) ?? null) : null,
              };
            }),
        })),
      })),
    );
    return {
      release,
      components,
      waveCount: waves.length,
      waves: planned,
      targets,
      excluded,
      overlaps: await this.overlaps(manager, targets),
      blockers,
      promotionGaps,
      deploymentCount,
      skipCount,
    };
  }

  /** The planned installations that another unfinished rollout still has to finish, in plan order. */
  private async overlaps(manager: EntityManager, targets: PlannedTarget[]): Promise<RolloutOverlap[]> {
    if (targets.length === 0) return [];
    const rows: { installation_id: string; rollout_id: string; status: TargetStatus }[] = await manager.query(
      `SELECT t.installation_id, t.rollout_id, t.status
         FROM rollout_target t JOIN rollout r ON r.id = t.rollout_id
        WHERE t.installation_id = ANY($1) AND t.status = ANY($2) AND r.status = ANY($3)
        ORDER BY r.created_at, r.id`,
      [targets.map((t) => t.installation.id), OPEN_TARGET, UNFINISHED_ROLLOUT],
    );
    if (rows.length === 0) return [];
    const rollouts = new Map(
      (await manager.getRepository(Rollout).findBy({ id: In([...new Set(rows.map((row) => row.rollout_id))]) })).map((r) => [
        r.id,
        r,
      ]),
    );
    return targets.flatMap(({ installation }) =>
      rows
        .filter((row) => row.installation_id === installation.id)
        .map((row) => ({ installation, rollout: rollouts.get(row.rollout_id)!, targetStatus: row.status })),
    );
  }

  private async byIds(manager: EntityManager, access: Access, ids: string[]): Promise<Candidate[]> {
    const unique = [...new Set(ids)];
    const found = await this.candidates(manager, (query) => query.where('i.id = ANY(:ids)', { ids: unique.filter(isId) }));
    const visible = new Map(found.filter((c) => access.canSeeTenant(c.tenant.id)).map((c) => [c.installation.id, c]));
    const missing = unique.find((id) => !visible.has(id));
    if (missing !== undefined) throw notFound('Installation', missing);
    return [...visible.values()];
  }

  private async bySelector(manager: EntityManager, access: Access, input: RolloutPlanInput): Promise<Candidate[]> {
    const selector = input.selector;
    if (!selector) throw badInput('Choose the installations: give installationIds or a selector');
    const scope = access.tenantScope();
    return this.candidates(manager, (query) => {
      if (scope !== null) query.andWhere('t.id = ANY(:scope)', { scope });
      // Archived tenants and installations are out of every selector (not even listed as excluded).
      query.andWhere('t.archived_at IS NULL AND i.archived_at IS NULL');
      if (selector.tenantSlugs?.length) query.andWhere('t.slug = ANY(:slugs)', { slugs: selector.tenantSlugs });
      if (selector.tenantLabels?.length) query.andWhere('t.labels @> :labels', { labels: labelsToRecord(selector.tenantLabels) });
      if (selector.tiers?.length) query.andWhere('tier.name = ANY(:tiers)', { tiers: selector.tiers });
      return query;
    });
  }

  private async candidates(
    manager: EntityManager,
    where: (query: ReturnType<typeof this.baseQuery>) => ReturnType<typeof this.baseQuery>,
  ): Promise<Candidate[]> {
    const installations = await where(this.baseQuery(manager)).getMany();
    return installations.map((installation) => ({ installation, tenant: installation.tenant!, tier: installation.tier! }));
  }

  private baseQuery(manager: EntityManager) {
    return manager
      .getRepository(Installation)
      .createQueryBuilder('i')
      .innerJoinAndSelect('i.tenant', 't')
      .innerJoinAndSelect('i.tier', 'tier');
  }

  /** A tier's promotion rule: the release must have succeeded (and been verified, if the tier says so) on the tiers it names. */
  private async promotionGaps(manager: EntityManager, release: Release, targets: Candidate[]): Promise<PromotionGap[]> {
    const tiers = new Map(targets.map((c) => [c.tier.id, c.tier]));
    const required = [...new Set([...tiers.values()].flatMap((tier) => tier.requiredTiers))];
    if (required.length === 0) return [];
    const rows: { name: string; verified: boolean }[] = await manager.query(
      `SELECT et.name,
              bool_or(EXISTS (SELECT 1 FROM deployment d JOIN verification v ON v.deployment_id = d.id
                              WHERE d.target_id = t.id AND v.status = 'PASSED')) AS verified
         FROM rollout_target t
         JOIN rollout r ON r.id = t.rollout_id
         JOIN installation i ON i.id = t.installation_id
         JOIN environment_tier et ON et.id = i.tier_id
        WHERE r.release_id = $1 AND t.status IN ('SUCCEEDED', 'SKIPPED') AND et.name = ANY($2)
        GROUP BY et.name`,
      [release.id, required],
    );
    const reached = new Map(rows.map((row) => [row.name, row.verified]));
    const gaps: PromotionGap[] = [];
    for (const tier of tiers.values()) {
      for (const name of tier.requiredTiers) {
        if (!reached.has(name)) gaps.push({ tier: tier.name, requiredTier: name, missing: PromotionMissing.SUCCESS });
        else if (tier.requireVerification && !reached.get(name)) {
          gaps.push({ tier: tier.name, requiredTier: name, missing: PromotionMissing.VERIFICATION });
        }
      }
    }
    return gaps;
  }

  /** Each requested wave with what it takes (maybe nothing), then the rest (when anything is left, or no wave was asked for). */
  private assignWaves(targets: Candidate[], input: RolloutPlanInput): { label: string; taken: Candidate[] }[] {
    let remaining = [...targets];
    const waves: { label: string; taken: Candidate[] }[] = [];
    for (const [index, spec] of (input.waves ?? []).entries()) {
      let taken: Candidate[];
      let label: string;
      if (spec.tenantLabels?.length) {
        const wanted = labelsToRecord(spec.tenantLabels);
        taken = remaining.filter((c) => Object.entries(wanted).every(([key, value]) => c.tenant.labels[key] === value));
        label = `tenants labelled ${spec.tenantLabels.map((l) => `${l.key}=${l.value}`).join(', ')}`;
      } else if (spec.count) {
        taken = remaining.slice(0, spec.count);
        label = `first ${spec.count}`;
      } else if (spec.percent) {
        taken = remaining.slice(0, Math.ceil((targets.length * spec.percent) / 100));
        label = `${spec.percent} %`;
      } else {
        throw badInput(`Wave ${index + 1} needs tenantLabels, count or percent`);
      }
      waves.push({ label, taken });
      const chosen = new Set(taken);
      remaining = remaining.filter((c) => !chosen.has(c));
    }
    if (waves.length === 0) waves.push({ label: 'all', taken: remaining });
    else if (remaining.length > 0) waves.push({ label: 'the rest', taken: remaining });
    return waves;
  }
}

/** A promotion gap as the blocker people read. */
function promotionBlocker(gap: PromotionGap, release: Release): string {
  return gap.missing === PromotionMissing.SUCCESS
    ? `${gap.tier} requires the release to have succeeded on ${gap.requiredTier} first; ${release.version} has not`
    : `${gap.tier} requires a passed verification of the release on ${gap.requiredTier}; there is none yet`;
}
