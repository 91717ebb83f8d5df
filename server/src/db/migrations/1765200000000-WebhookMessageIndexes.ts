import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two indexes of webhook messages that no query reads any longer (claims read the pending index per endpoint, the
 * retention the per-endpoint index): each cost the fan-out one more index write per message.
 */
export class WebhookMessageIndexes1765200000000 implements MigrationInterface {
  name = 'WebhookMessageIndexes1765200000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_webhook_message_due"`);
    await queryRunner.query(`DROP INDEX "IDX_webhook_message_created"`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "IDX_webhook_message_created" ON "webhook_message" ("created_at")`);
    await queryRunner.query(`CREATE INDEX "IDX_webhook_message_due" ON "webhook_message" ("status", "next_attempt_at")`);
  }
}
