import { MigrationInterface, QueryRunner } from 'typeorm';

/** Failed sign-ins per username, client address and both, for throttling guesses across every replica. */
export class SignInThrottle1763890500000 implements MigrationInterface {
  name = 'SignInThrottle1763890500000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "sign_in_throttle" ("key" text NOT NULL, "failures" integer NOT NULL DEFAULT '0',
        "blocked_until" TIMESTAMP WITH TIME ZONE, "last_failure_at" TIMESTAMP WITH TIME ZONE,
        "last_success_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_sign_in_throttle" PRIMARY KEY ("key"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "sign_in_throttle"`);
  }
}
