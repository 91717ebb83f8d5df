import { MigrationInterface, QueryRunner } from 'typeorm';

/** Acknowledgements of "Needs attention" items: who took an item off the list, and when. */
export class AttentionAcknowledgement1764800000000 implements MigrationInterface {
  name = 'AttentionAcknowledgement1764800000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "attention_acknowledgement" (
         "id" uuid NOT NULL DEFAULT gen_random_uuid(),
         "item_key" text NOT NULL,
         "tenant_id" uuid,
         "acknowledged_by" text NOT NULL,
         "acknowledged_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
         CONSTRAINT "PK_attention_acknowledgement" PRIMARY KEY ("id")
       )`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_attention_acknowledgement_item" ON "attention_acknowledgement" ("item_key", "acknowledged_at")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "attention_acknowledgement"`);
  }
}
