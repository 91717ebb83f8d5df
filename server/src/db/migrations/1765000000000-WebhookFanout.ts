import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outbound webhook messages are made from committed events after the fact: one row holds how far the event log has
 * been fanned out. It starts at the newest event, so events from before the upgrade make no messages again.
 */
export class WebhookFanout1765000000000 implements MigrationInterface {
  name = 'WebhookFanout1765000000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "webhook_fanout" ("id" smallint PRIMARY KEY CHECK ("id" = 1), "sequence" bigint NOT NULL)`,
    );
    await queryRunner.query(
      `INSERT INTO "webhook_fanout" ("id", "sequence") SELECT 1, coalesce(max("sequence"), 0) FROM "event_record"`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "webhook_fanout"`);
  }
}
