import { MigrationInterface, QueryRunner } from 'typeorm';

/** Whether a paused rollout was paused by a failure or by a person, so clients need not read the reason's words. */
export class RolloutPausedBy1763920000000 implements MigrationInterface {
  name = 'RolloutPausedBy1763920000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "rollout" ADD "paused_by" text`);
    await queryRunner.query(
      `UPDATE "rollout" SET "paused_by" = CASE WHEN status_reason LIKE 'An installation failed%' THEN 'FAILURE' ELSE 'PERSON' END
        WHERE status = 'PAUSED'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "rollout" DROP COLUMN "paused_by"`);
  }
}
