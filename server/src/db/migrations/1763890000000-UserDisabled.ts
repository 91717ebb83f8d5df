import { MigrationInterface, QueryRunner } from 'typeorm';

/** Users can be disabled (offboarded) without deleting them, so the audit log keeps naming them. */
export class UserDisabled1763890000000 implements MigrationInterface {
  name = 'UserDisabled1763890000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "app_user" ADD "disabled_at" TIMESTAMP WITH TIME ZONE`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "app_user" DROP COLUMN "disabled_at"`);
  }
}
