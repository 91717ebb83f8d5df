import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A rollback of an installation names the rollout whose deployment it takes back, so that rollout's live page hears
 * of it. Rollbacks made before the upgrade keep no such link.
 */
export class RollbackUndoesRollout1765100000000 implements MigrationInterface {
  name = 'RollbackUndoesRollout1765100000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "deployment" ADD "undoes_rollout_id" uuid`);
    // Replaying a rollout's events finds its rollbacks' events too (they carry no rollout_id of their own).
    await queryRunner.query(
      `CREATE INDEX "event_record_undoes_rollout" ON "event_record" (("data"->>'undoesRolloutId'), "sequence")
       WHERE "data" ? 'undoesRolloutId'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "event_record_undoes_rollout"`);
    await queryRunner.query(`ALTER TABLE "deployment" DROP COLUMN "undoes_rollout_id"`);
  }
}
