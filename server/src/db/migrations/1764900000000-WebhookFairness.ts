import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outbound webhook messages are claimed per endpoint, so a slow endpoint holds back only its own messages: a claim
 * under way is marked until when it holds (`claimed_until`), counted per endpoint, and each endpoint's due messages
 * are read from an index of its pending ones.
 */
export class WebhookFairness1764900000000 implements MigrationInterface {
  name = 'WebhookFairness1764900000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "webhook_message" ADD "claimed_until" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(
      `CREATE INDEX "IDX_webhook_message_pending" ON "webhook_message" ("webhook_id", "next_attempt_at") WHERE status = 'PENDING'`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_webhook_message_claimed" ON "webhook_message" ("webhook_id") WHERE claimed_until IS NOT NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_webhook_message_claimed"`);
    await queryRunner.query(`DROP INDEX "IDX_webhook_message_pending"`);
    await queryRunner.query(`ALTER TABLE "webhook_message" DROP COLUMN "claimed_until"`);
  }
}
