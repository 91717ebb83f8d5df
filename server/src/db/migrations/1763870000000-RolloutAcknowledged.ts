import { MigrationInterface, QueryRunner } from 'typeorm';

export class RolloutAcknowledged1763870000000 implements MigrationInterface {
  name = 'RolloutAcknowledged1763870000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "rollout" ADD "acknowledged_at" TIMESTAMP WITH TIME ZONE`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "rollout" DROP COLUMN "acknowledged_at"`);
  }
}
