import { MigrationInterface, QueryRunner } from 'typeorm';

/** The engine looks up a rollout's targets by status on every advance (running, pending in order, failed). */
export class RolloutTargetStatusIndex1763880500000 implements MigrationInterface {
  name = 'RolloutTargetStatusIndex1763880500000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "rollout_target_by_status" ON "rollout_target" ("rollout_id", "status", "wave", "position")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."rollout_target_by_status"`);
  }
}
