import { MigrationInterface, QueryRunner } from 'typeorm';

export class DeploymentStatsIndex1763880000000 implements MigrationInterface {
  name = 'DeploymentStatsIndex1763880000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "IDX_defd00c3902eff08fa6edb42ee" ON "deployment" ("finished_at") WHERE status IN ('SUCCEEDED', 'FAILED')`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_defd00c3902eff08fa6edb42ee"`);
  }
}
