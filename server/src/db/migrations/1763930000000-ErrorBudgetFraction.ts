import { MigrationInterface, QueryRunner } from 'typeorm';

/** An error budget may be a fraction of a percent (12.5 %), as the dashboard lets people type it. */
export class ErrorBudgetFraction1763930000000 implements MigrationInterface {
  name = 'ErrorBudgetFraction1763930000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "rollout" ALTER COLUMN "error_budget_percent" TYPE double precision`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "rollout" ALTER COLUMN "error_budget_percent" TYPE integer USING round("error_budget_percent")::integer`,
    );
  }
}
