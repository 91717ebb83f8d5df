import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tenants, installations, applications and release tracks can be archived (and restored): hidden from lists and
 * selectors, with their history kept. Audit events of one configuration apply share a change set.
 */
export class Archiving1764100000000 implements MigrationInterface {
  name = 'Archiving1764100000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['tenant', 'installation', 'application', 'release_track']) {
      await queryRunner.query(`ALTER TABLE "${table}" ADD "archived_at" TIMESTAMP WITH TIME ZONE`);
    }
    await queryRunner.query(`ALTER TABLE "audit_event" ADD "change_set_id" uuid`);
    await queryRunner.query(
      `CREATE INDEX "IDX_audit_event_change_set" ON "audit_event" ("change_set_id") WHERE "change_set_id" IS NOT NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_audit_event_change_set"`);
    await queryRunner.query(`ALTER TABLE "audit_event" DROP COLUMN "change_set_id"`);
    for (const table of ['tenant', 'installation', 'application', 'release_track']) {
      await queryRunner.query(`ALTER TABLE "${table}" DROP COLUMN "archived_at"`);
    }
  }
}
