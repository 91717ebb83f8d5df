import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When a release was first locked. Unlocking clears locked_at, but a release that was ever locked may have been
 * rolled out, cloned or referred to, so it must not be deleted; this column remembers. Existing releases take the
 * time from locked_at, or from their first release.lock audit event, or (past DRAFT without either) their last change.
 */
export class ReleaseFirstLockedAt1763910000000 implements MigrationInterface {
  name = 'ReleaseFirstLockedAt1763910000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "release" ADD "first_locked_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(
      `UPDATE "release" r SET "first_locked_at" = coalesce(
          (SELECT min(a."at") FROM "audit_event" a
            WHERE a."subject_type" = 'Release' AND a."subject_id" = r."id"::text AND a."action" = 'release.lock'),
          r."locked_at",
          CASE WHEN r."status" <> 'DRAFT' THEN r."updated_at" END)`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "release" DROP COLUMN "first_locked_at"`);
  }
}
