import { inject, injectable } from 'tsyringe';
import { DataSource } from 'typeorm';
import { AuditService, snapshot } from '../../audit/audit.service';
import type { Access } from '../../auth/access';
import { badInput, conflict, isUniqueViolation } from '../../common/errors';
import { Role } from '../../common/roles';
import { EnvironmentTier } from './environment-tier.entity';
import type { CreateEnvironmentTierInput } from './tier.inputs';

@injectable()
export class TierService {
  constructor(
    @inject(DataSource) private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async list(access: Access): Promise<EnvironmentTier[]> {
    access.require(Role.VIEWER);
    return this.dataSource.getRepository(EnvironmentTier).find({ order: { rank: 'ASC' } });
  }

  async create(access: Access, input: CreateEnvironmentTierInput): Promise<EnvironmentTier> {
    access.requireUnscoped(Role.ADMIN);
    const requiredTiers = [...new Set(input.requiredTiers ?? [])];
    try {
      return await this.dataSource.transaction(async (manager) => {
        const tiers = manager.getRepository(EnvironmentTier);
        if (await tiers.existsBy({ name: input.name })) throw conflict(`A tier named '${input.name}' already exists`);
        if (await tiers.existsBy({ rank: input.rank })) throw conflict(`Another tier already has rank ${input.rank}`);
        const rankOf = new Map((await tiers.find()).map((tier) => [tier.name, tier.rank]));
        const unknown = requiredTiers.filter((name) => !rankOf.has(name));
        if (unknown.length > 0) throw badInput(`requiredTiers names unknown tiers: ${unknown.join(', ')}`);
        const later = requiredTiers.filter((name) => rankOf.get(name)! >= input.rank);
        if (later.length > 0) {
          throw badInput(
            `requiredTiers must come earlier in the pipeline (a lower rank than ${input.rank}): ${later.join(', ')}`,
          );
        }
        const tier = await tiers.save(
          tiers.create({
            name: input.name,
            rank: input.rank,
            requiredTiers,
            requireVerification: input.requireVerification ?? false,
          }),
        );
        await this.audit.record(manager, access, {
          action: 'tier.create',
          subjectType: 'EnvironmentTier',
          subjectId: tier.id,
          after: snapshot(tier),
        });
        return tier;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`A tier with name '${input.name}' or rank ${input.rank} already exists`);
      throw error;
    }
  }
}
