import { MigrationInterface, QueryRunner } from 'typeorm';

export class RolloutEngine1763860000000 implements MigrationInterface {
  name = 'RolloutEngine1763860000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "event_record" ("sequence" BIGSERIAL NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "type" text NOT NULL, "tenant_id" uuid, "rollout_id" uuid, "target_id" uuid, "deployment_id" uuid, "data" jsonb NOT NULL DEFAULT '{}', CONSTRAINT "PK_90b7e9ba42d1af5188974f0e8ad" PRIMARY KEY ("sequence"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_08dadd3180da1f6f492ac8adda" ON "event_record"  ("rollout_id", "sequence") `);
    await queryRunner.query(
      `CREATE TABLE "rollout" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "release_id" uuid NOT NULL, "status" text NOT NULL, "failure_policy" text NOT NULL, "max_parallel" integer NOT NULL, "error_budget_percent" integer, "current_wave" integer NOT NULL DEFAULT '1', "wave_count" integer NOT NULL, "promote_after_seconds" integer, "reason" text NOT NULL, "status_reason" text, "created_by" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "started_at" TIMESTAMP WITH TIME ZONE, "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_96a66b8ca2a1fb3c7d647b00762" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_597649a55733265d24a24e77b9" ON "rollout"  ("release_id") `);
    await queryRunner.query(`CREATE INDEX "IDX_17a560081f3a37dcbd539f5a87" ON "rollout"  ("status", "created_at") `);
    await queryRunner.query(
      `CREATE TABLE "rollout_target" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "rollout_id" uuid NOT NULL, "installation_id" uuid NOT NULL, "tenant_id" uuid NOT NULL, "wave" integer NOT NULL, "position" integer NOT NULL, "status" text NOT NULL, "current_stage" integer, "baseline" jsonb NOT NULL DEFAULT '{}', "rolling_back" boolean NOT NULL DEFAULT false, "approved_by" text, "status_reason" text, "started_at" TIMESTAMP WITH TIME ZONE, "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_925fae11b3868fd1df700c8e104" UNIQUE ("rollout_id", "installation_id"), CONSTRAINT "PK_8fca10d6395ba55bd8491ac531d" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_ddf3d25836b7db07c2b21ef8a2" ON "rollout_target"  ("installation_id") `);
    await queryRunner.query(`CREATE INDEX "IDX_9a8bd5129e4a2c763d63d97c1f" ON "rollout_target"  ("tenant_id") `);
    await queryRunner.query(
      `CREATE INDEX "IDX_5370a4c5a5ae380b612391e58b" ON "rollout_target"  ("rollout_id", "wave", "position") `,
    );
    await queryRunner.query(
      `CREATE TABLE "deployment" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "installation_id" uuid NOT NULL, "tenant_id" uuid NOT NULL, "application_id" uuid NOT NULL, "artifact_id" uuid NOT NULL, "rollout_id" uuid, "target_id" uuid, "stage" integer, "kind" text NOT NULL DEFAULT 'ROLLOUT', "status" text NOT NULL, "reason" text NOT NULL, "triggered_by" text NOT NULL, "message" text, "external_url" text, "queued_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "started_at" TIMESTAMP WITH TIME ZONE, "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_ee1f952fc81f37c6fea69c2e248" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_132c5177d936d9d5350b88d057" ON "deployment"  ("tenant_id") `);
    await queryRunner.query(`CREATE INDEX "IDX_45caf234cb4b7060abe829077b" ON "deployment"  ("artifact_id") `);
    await queryRunner.query(`CREATE INDEX "IDX_e46741139c690950621b2d0600" ON "deployment"  ("status", "queued_at") `);
    await queryRunner.query(
      `CREATE INDEX "IDX_8c79b9198f3f9c072cd2939d1f" ON "deployment"  ("rollout_id", "target_id", "stage") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_e3919d1d0ebea5c5ce0aed4819" ON "deployment"  ("installation_id", "application_id", "queued_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "deployment_log_line" ("id" BIGSERIAL NOT NULL, "deployment_id" uuid NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "line" text NOT NULL, CONSTRAINT "PK_7c9f2ff8f4b7ab807e71897d0c3" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_6a0869dd8650aec7ebeba3cf0b" ON "deployment_log_line"  ("deployment_id", "id") `);
    await queryRunner.query(
      `CREATE TABLE "running_artifact" ("installation_id" uuid NOT NULL, "application_id" uuid NOT NULL, "artifact_id" uuid NOT NULL, "deployment_id" uuid NOT NULL, "since" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_fb2b03e549c821fda99d313252e" PRIMARY KEY ("installation_id", "application_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_e458af4de3266c9ce6d1228d6d" ON "running_artifact"  ("artifact_id") `);
    await queryRunner.query(
      `CREATE TABLE "verification" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "deployment_id" uuid NOT NULL, "status" text NOT NULL, "source" text NOT NULL, "url" text, "recorded_by" text NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_f7e3a90ca384e71d6e2e93bb340" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_0f6258c5b38a2dc3bcb105fa24" ON "verification"  ("deployment_id", "at") `);
    await queryRunner.query(
      `ALTER TABLE "rollout" ADD CONSTRAINT "FK_597649a55733265d24a24e77b94" FOREIGN KEY ("release_id") REFERENCES "release"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "rollout_target" ADD CONSTRAINT "FK_4eea67f8a4d158243c44462be2e" FOREIGN KEY ("rollout_id") REFERENCES "rollout"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "rollout_target" ADD CONSTRAINT "FK_ddf3d25836b7db07c2b21ef8a2c" FOREIGN KEY ("installation_id") REFERENCES "installation"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "deployment" ADD CONSTRAINT "FK_860e3bba3c07410073465ce5a58" FOREIGN KEY ("installation_id") REFERENCES "installation"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "deployment" ADD CONSTRAINT "FK_d9d24a1546e314e9dda897cfc20" FOREIGN KEY ("application_id") REFERENCES "application"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "deployment" ADD CONSTRAINT "FK_45caf234cb4b7060abe829077bc" FOREIGN KEY ("artifact_id") REFERENCES "artifact"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "deployment" ADD CONSTRAINT "FK_f1866fbb53cc90aac489fe2722d" FOREIGN KEY ("rollout_id") REFERENCES "rollout"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "deployment" ADD CONSTRAINT "FK_ca4493dec7eece91531704c6416" FOREIGN KEY ("target_id") REFERENCES "rollout_target"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "deployment_log_line" ADD CONSTRAINT "FK_c8c1a04599fcaab441efd898bb4" FOREIGN KEY ("deployment_id") REFERENCES "deployment"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "running_artifact" ADD CONSTRAINT "FK_840df588fe9e593888e5b41fbfa" FOREIGN KEY ("installation_id") REFERENCES "installation"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "running_artifact" ADD CONSTRAINT "FK_6481b549f0939bea555d703f129" FOREIGN KEY ("application_id") REFERENCES "application"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "running_artifact" ADD CONSTRAINT "FK_e458af4de3266c9ce6d1228d6dc" FOREIGN KEY ("artifact_id") REFERENCES "artifact"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "running_artifact" ADD CONSTRAINT "FK_e2806e7b3d1e08e907ba710fb06" FOREIGN KEY ("deployment_id") REFERENCES "deployment"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "verification" ADD CONSTRAINT "FK_78699c4dbf51808153b6f49e53a" FOREIGN KEY ("deployment_id") REFERENCES "deployment"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "verification" DROP CONSTRAINT "FK_78699c4dbf51808153b6f49e53a"`);
    await queryRunner.query(`ALTER TABLE "running_artifact" DROP CONSTRAINT "FK_e2806e7b3d1e08e907ba710fb06"`);
    await queryRunner.query(`ALTER TABLE "running_artifact" DROP CONSTRAINT "FK_e458af4de3266c9ce6d1228d6dc"`);
    await queryRunner.query(`ALTER TABLE "running_artifact" DROP CONSTRAINT "FK_6481b549f0939bea555d703f129"`);
    await queryRunner.query(`ALTER TABLE "running_artifact" DROP CONSTRAINT "FK_840df588fe9e593888e5b41fbfa"`);
    await queryRunner.query(`ALTER TABLE "deployment_log_line" DROP CONSTRAINT "FK_c8c1a04599fcaab441efd898bb4"`);
    await queryRunner.query(`ALTER TABLE "deployment" DROP CONSTRAINT "FK_ca4493dec7eece91531704c6416"`);
    await queryRunner.query(`ALTER TABLE "deployment" DROP CONSTRAINT "FK_f1866fbb53cc90aac489fe2722d"`);
    await queryRunner.query(`ALTER TABLE "deployment" DROP CONSTRAINT "FK_45caf234cb4b7060abe829077bc"`);
    await queryRunner.query(`ALTER TABLE "deployment" DROP CONSTRAINT "FK_d9d24a1546e314e9dda897cfc20"`);
    await queryRunner.query(`ALTER TABLE "deployment" DROP CONSTRAINT "FK_860e3bba3c07410073465ce5a58"`);
    await queryRunner.query(`ALTER TABLE "rollout_target" DROP CONSTRAINT "FK_ddf3d25836b7db07c2b21ef8a2c"`);
    await queryRunner.query(`ALTER TABLE "rollout_target" DROP CONSTRAINT "FK_4eea67f8a4d158243c44462be2e"`);
    await queryRunner.query(`ALTER TABLE "rollout" DROP CONSTRAINT "FK_597649a55733265d24a24e77b94"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_0f6258c5b38a2dc3bcb105fa24"`);
    await queryRunner.query(`DROP TABLE "verification"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_e458af4de3266c9ce6d1228d6d"`);
    await queryRunner.query(`DROP TABLE "running_artifact"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_6a0869dd8650aec7ebeba3cf0b"`);
    await queryRunner.query(`DROP TABLE "deployment_log_line"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_e3919d1d0ebea5c5ce0aed4819"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_8c79b9198f3f9c072cd2939d1f"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_e46741139c690950621b2d0600"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_45caf234cb4b7060abe829077b"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_132c5177d936d9d5350b88d057"`);
    await queryRunner.query(`DROP TABLE "deployment"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_5370a4c5a5ae380b612391e58b"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_9a8bd5129e4a2c763d63d97c1f"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_ddf3d25836b7db07c2b21ef8a2"`);
    await queryRunner.query(`DROP TABLE "rollout_target"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_17a560081f3a37dcbd539f5a87"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_597649a55733265d24a24e77b9"`);
    await queryRunner.query(`DROP TABLE "rollout"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_08dadd3180da1f6f492ac8adda"`);
    await queryRunner.query(`DROP TABLE "event_record"`);
  }
}
