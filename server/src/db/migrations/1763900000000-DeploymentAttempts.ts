import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deployment attempts: a retry is the next attempt of the deployment it follows (once: a failed attempt has one
 * retry at most), a rollback follows the deployment it undoes, and a deployment is handed to its driver once (dispatched_at). Existing rows of one (target,
 * application) become consecutive attempts in queue order, so the first-attempt index can hold.
 */
export class DeploymentAttempts1763900000000 implements MigrationInterface {
  name = 'DeploymentAttempts1763900000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "deployment" ADD "attempt" integer NOT NULL DEFAULT '1'`);
    await queryRunner.query(`ALTER TABLE "deployment" ADD "previous_deployment_id" uuid`);
    await queryRunner.query(`ALTER TABLE "deployment" ADD "dispatched_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(
      `UPDATE "deployment" d SET "attempt" = o.n, "previous_deployment_id" = o.previous
         FROM (SELECT id, row_number() OVER w AS n, lag(id) OVER w AS previous
                 FROM "deployment" WHERE kind = 'ROLLOUT' AND target_id IS NOT NULL
               WINDOW w AS (PARTITION BY target_id, application_id ORDER BY queued_at, id)) o
        WHERE d.id = o.id AND o.n > 1`,
    );
    await queryRunner.query(
      `UPDATE "deployment" SET "dispatched_at" = coalesce("started_at", "queued_at") WHERE status NOT IN ('QUEUED', 'SKIPPED')`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "deployment_retries" ON "deployment"  ("previous_deployment_id") WHERE kind = 'ROLLOUT' AND previous_deployment_id IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "deployment_first_attempt" ON "deployment"  ("target_id", "application_id") WHERE kind = 'ROLLOUT' AND attempt = 1`,
    );
    await queryRunner.query(
      `ALTER TABLE "deployment" ADD CONSTRAINT "FK_a43243c7f7b91141859bcfaf78e" FOREIGN KEY ("previous_deployment_id") REFERENCES "deployment"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "deployment" DROP CONSTRAINT "FK_a43243c7f7b91141859bcfaf78e"`);
    await queryRunner.query(`DROP INDEX "public"."deployment_first_attempt"`);
    await queryRunner.query(`DROP INDEX "public"."deployment_retries"`);
    await queryRunner.query(`ALTER TABLE "deployment" DROP COLUMN "dispatched_at"`);
    await queryRunner.query(`ALTER TABLE "deployment" DROP COLUMN "previous_deployment_id"`);
    await queryRunner.query(`ALTER TABLE "deployment" DROP COLUMN "attempt"`);
  }
}
