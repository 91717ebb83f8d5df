import { MigrationInterface, QueryRunner } from 'typeorm';

/** Outbound event webhooks: the subscriptions, their messages (the delivery log) and each message's attempts. */
export class Webhooks1764000000000 implements MigrationInterface {
  name = 'Webhooks1764000000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "webhook" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "url" text NOT NULL, "description" text NOT NULL DEFAULT '', "event_types" text array NOT NULL DEFAULT '{}', "tenant_ids" uuid array, "enabled" boolean NOT NULL DEFAULT true, "disabled_reason" text, "format" text NOT NULL DEFAULT 'STANDARD', "secret" text NOT NULL, "previous_secret" text, "previous_secret_until" TIMESTAMP WITH TIME ZONE, "failing_since" TIMESTAMP WITH TIME ZONE, "disabled_at" TIMESTAMP WITH TIME ZONE, "created_by" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_e6765510c2d078db49632b59020" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "webhook_message" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "webhook_id" uuid NOT NULL, "event_sequence" bigint, "event_type" text NOT NULL, "status" text NOT NULL DEFAULT 'PENDING', "payload" jsonb, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "attempts_in_round" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP WITH TIME ZONE DEFAULT now(), "last_attempt_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_07903a2e1c41801efd06f7110b8" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_webhook_message_created" ON "webhook_message"  ("created_at") `);
    await queryRunner.query(`CREATE INDEX "IDX_webhook_message_due" ON "webhook_message"  ("status", "next_attempt_at") `);
    await queryRunner.query(
      `CREATE INDEX "IDX_webhook_message_webhook" ON "webhook_message"  ("webhook_id", "created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "webhook_attempt" ("id" BIGSERIAL NOT NULL, "message_id" uuid NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL, "http_status" integer, "duration_ms" integer NOT NULL, "error" text, "response_headers" jsonb, "response_body" text, CONSTRAINT "PK_e4ff77b66cdd20591ba6189a1f9" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_webhook_attempt_message" ON "webhook_attempt"  ("message_id", "id") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "webhook_attempt"`);
    await queryRunner.query(`DROP TABLE "webhook_message"`);
    await queryRunner.query(`DROP TABLE "webhook"`);
  }
}
