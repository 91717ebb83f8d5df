import { z } from 'zod';
import type { EntityManager } from 'typeorm';
import { Application } from '../../modules/application/application.entity';
import { DeploymentStatus } from '../../modules/deployment/deployment.entity';
import type { DeploymentOutcome } from '../deployment-lifecycle';

/** SIMULATED: finishes by itself after `delayMs` (at once without it), failing the applications named in `fail`. */
export const simulatedConfig = z
  .object({
    delayMs: z.number().int().min(0).max(3_600_000).optional(),
    fail: z.array(z.string()).optional(),
  })
  .strict();

export type SimulatedConfig = z.infer<typeof simulatedConfig>;

export function simulatedOutcome(config: SimulatedConfig, applicationSlug: string): DeploymentOutcome & { message: string } {
  return (config.fail ?? []).includes(applicationSlug)
    ? { status: DeploymentStatus.FAILED, message: `Simulated failure of ${applicationSlug}` }
    : { status: DeploymentStatus.SUCCEEDED, message: 'Simulated deployment succeeded' };
}

/** Application slugs by id: a slug never changes, so they are read once per process. */
const applicationSlugs = new Map<string, string>();
const MAX_CACHED_SLUGS = 10_000;

/** Application slugs by id, covering at least `ids`; read from the database only when one is new to this process. */
export async function slugsOf(manager: EntityManager, ids: Iterable<string>): Promise<ReadonlyMap<string, string>> {
  for (const id of ids) {
    if (applicationSlugs.has(id)) continue;
    if (applicationSlugs.size >= MAX_CACHED_SLUGS) applicationSlugs.clear();
    for (const a of await manager.getRepository(Application).find()) applicationSlugs.set(a.id, a.slug);
    break;
  }
  return applicationSlugs;
}
