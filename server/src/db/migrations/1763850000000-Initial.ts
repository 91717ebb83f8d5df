import { MigrationInterface, QueryRunner } from 'typeorm';

export class Initial1763850000000 implements MigrationInterface {
  name = 'Initial1763850000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "audit_event" ("id" BIGSERIAL NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "actor" text NOT NULL, "action" text NOT NULL, "subject_type" text NOT NULL, "subject_id" text NOT NULL, "tenant_id" uuid, "reason" text, "before" jsonb, "after" jsonb, CONSTRAINT "PK_481efbe8b0a403efe3f47a6528f" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_45452915f68f5a171bc4107b9e" ON "audit_event"  ("action") `);
    await queryRunner.query(`CREATE INDEX "IDX_64a0c89023ec3dfe5c532aebfc" ON "audit_event"  ("tenant_id", "id") `);
    await queryRunner.query(`CREATE INDEX "IDX_7ed6d720728d20a2672b5fbd8a" ON "audit_event"  ("subject_type", "subject_id") `);
    await queryRunner.query(
      `CREATE TABLE "api_token" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "role" text NOT NULL, "tenant_ids" uuid array, "token_hash" text NOT NULL, "prefix" text NOT NULL, "created_by" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_bafaa5aab5957cd193fb2da8f24" UNIQUE ("token_hash"), CONSTRAINT "PK_d862311c568d175c26f41bc6f98" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "app_user" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "username" text NOT NULL, "password_hash" text NOT NULL, "role" text NOT NULL, "tenant_ids" uuid array, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_c480e576dd71729addbc2d51b67" UNIQUE ("username"), CONSTRAINT "PK_22a5c4a3d9b2fb8e4e73fc4ada1" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "user_session" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "token_hash" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_9ccf6d901cef4067214284f327e" UNIQUE ("token_hash"), CONSTRAINT "PK_adf3b49590842ac3cf54cac451a" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_13275383dcdf095ee29f2b3455" ON "user_session"  ("user_id") `);
    await queryRunner.query(
      `CREATE TABLE "application" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "slug" text NOT NULL, "name" text NOT NULL, "description" text NOT NULL DEFAULT '', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_2b25e20c70b5908ad52a496d684" UNIQUE ("slug"), CONSTRAINT "PK_569e0c3e863ebdf5f2408ee1670" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "artifact" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "application_id" uuid NOT NULL, "version" text NOT NULL, "image_ref" text NOT NULL, "digest" text, "commit_sha" text, "build_url" text, "registered_by" text NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_6011e55f0a2cc774c560645cddb" UNIQUE ("application_id", "version"), CONSTRAINT "PK_1f238d1d4ef8f85d0c0b8616fa3" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_98c0aa7d9470833b1ad7db91e2" ON "artifact"  ("application_id", "created_at") `);
    await queryRunner.query(
      `CREATE TABLE "release_track" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "slug" text NOT NULL, "name" text NOT NULL, "description" text NOT NULL DEFAULT '', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_a6d13c8c8995c89b61dadeb39a9" UNIQUE ("slug"), CONSTRAINT "PK_5279081216753c6a27211eb46d8" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "release" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "track_id" uuid NOT NULL, "version" text NOT NULL, "sort_key" text COLLATE "C" NOT NULL, "status" text NOT NULL DEFAULT 'DRAFT', "instructions" text NOT NULL DEFAULT '', "locked_at" TIMESTAMP WITH TIME ZONE, "locked_by" text, "status_reason" text, "created_by" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_b3ad81cd864fe2f2c92f580b451" UNIQUE ("track_id", "version"), CONSTRAINT "PK_1a2253436964eea9c558f9464f4" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_079aa5efb9d86e1225c4d89a09" ON "release"  ("track_id", "sort_key", "id") `);
    await queryRunner.query(
      `CREATE TABLE "release_component" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "release_id" uuid NOT NULL, "application_id" uuid NOT NULL, "artifact_id" uuid, "stage" integer NOT NULL, "instructions" text NOT NULL DEFAULT '', CONSTRAINT "UQ_6402d5375693a6be876e1bc9ca4" UNIQUE ("release_id", "application_id"), CONSTRAINT "PK_41a700324d3a4f3d19609dc1767" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_7d1b199c862d87abb81034d5ed" ON "release_component"  ("application_id") `);
    await queryRunner.query(`CREATE INDEX "IDX_b5e37f23f2565819af49298916" ON "release_component"  ("artifact_id") `);
    await queryRunner.query(
      `CREATE TABLE "environment_tier" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "rank" integer NOT NULL, "required_tiers" text array NOT NULL DEFAULT '{}', "require_verification" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_c33a1b51986e02f968298985610" UNIQUE ("name"), CONSTRAINT "UQ_9f20c29cc38e541bc909e1aff40" UNIQUE ("rank"), CONSTRAINT "PK_73a87b7180eb69b0b6019062ff6" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "tenant" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "slug" text NOT NULL, "name" text NOT NULL, "labels" jsonb NOT NULL DEFAULT '{}', "contacts" text array NOT NULL DEFAULT '{}', "blocked" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_abfd243f7bd832e806d19c5a919" UNIQUE ("slug"), CONSTRAINT "PK_da8c6efd67bb301e810e56ac139" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "installation" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "slug" text NOT NULL, "name" text NOT NULL, "tier_id" uuid NOT NULL, "labels" jsonb NOT NULL DEFAULT '{}', "driver" text NOT NULL, "driver_config" jsonb NOT NULL DEFAULT '{}', "requires_approval" boolean NOT NULL DEFAULT false, "frozen" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_2072105921d0c93c60cd576bd07" UNIQUE ("tenant_id", "slug"), CONSTRAINT "PK_f0cd0b17a45357b5e1da1da1680" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "IDX_efd07a90162054ba095b900cbe" ON "installation"  ("tenant_id") `);
    await queryRunner.query(`CREATE INDEX "IDX_d290d4315da2f967fe183ed43a" ON "installation"  ("tier_id") `);
    await queryRunner.query(
      `ALTER TABLE "user_session" ADD CONSTRAINT "FK_13275383dcdf095ee29f2b3455a" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "artifact" ADD CONSTRAINT "FK_d83ff4c3836536ef19b97c21324" FOREIGN KEY ("application_id") REFERENCES "application"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "release" ADD CONSTRAINT "FK_5279081216753c6a27211eb46d8" FOREIGN KEY ("track_id") REFERENCES "release_track"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "release_component" ADD CONSTRAINT "FK_13cb7c86c93e2eb34d5df96bab3" FOREIGN KEY ("release_id") REFERENCES "release"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "release_component" ADD CONSTRAINT "FK_7d1b199c862d87abb81034d5edf" FOREIGN KEY ("application_id") REFERENCES "application"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "release_component" ADD CONSTRAINT "FK_b5e37f23f2565819af492989161" FOREIGN KEY ("artifact_id") REFERENCES "artifact"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "installation" ADD CONSTRAINT "FK_efd07a90162054ba095b900cbed" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "installation" ADD CONSTRAINT "FK_d290d4315da2f967fe183ed43a5" FOREIGN KEY ("tier_id") REFERENCES "environment_tier"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    // Label selectors (labels @> {...}) on tenants and installations.
    await queryRunner.query(`CREATE INDEX "tenant_labels_gin" ON "tenant" USING gin ("labels" jsonb_path_ops)`);
    await queryRunner.query(`CREATE INDEX "installation_labels_gin" ON "installation" USING gin ("labels" jsonb_path_ops)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "installation_labels_gin"`);
    await queryRunner.query(`DROP INDEX "tenant_labels_gin"`);
    await queryRunner.query(`ALTER TABLE "installation" DROP CONSTRAINT "FK_d290d4315da2f967fe183ed43a5"`);
    await queryRunner.query(`ALTER TABLE "installation" DROP CONSTRAINT "FK_efd07a90162054ba095b900cbed"`);
    await queryRunner.query(`ALTER TABLE "release_component" DROP CONSTRAINT "FK_b5e37f23f2565819af492989161"`);
    await queryRunner.query(`ALTER TABLE "release_component" DROP CONSTRAINT "FK_7d1b199c862d87abb81034d5edf"`);
    await queryRunner.query(`ALTER TABLE "release_component" DROP CONSTRAINT "FK_13cb7c86c93e2eb34d5df96bab3"`);
    await queryRunner.query(`ALTER TABLE "release" DROP CONSTRAINT "FK_5279081216753c6a27211eb46d8"`);
    await queryRunner.query(`ALTER TABLE "artifact" DROP CONSTRAINT "FK_d83ff4c3836536ef19b97c21324"`);
    await queryRunner.query(`ALTER TABLE "user_session" DROP CONSTRAINT "FK_13275383dcdf095ee29f2b3455a"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_d290d4315da2f967fe183ed43a"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_efd07a90162054ba095b900cbe"`);
    await queryRunner.query(`DROP TABLE "installation"`);
    await queryRunner.query(`DROP TABLE "tenant"`);
    await queryRunner.query(`DROP TABLE "environment_tier"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_b5e37f23f2565819af49298916"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_7d1b199c862d87abb81034d5ed"`);
    await queryRunner.query(`DROP TABLE "release_component"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_079aa5efb9d86e1225c4d89a09"`);
    await queryRunner.query(`DROP TABLE "release"`);
    await queryRunner.query(`DROP TABLE "release_track"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_98c0aa7d9470833b1ad7db91e2"`);
    await queryRunner.query(`DROP TABLE "artifact"`);
    await queryRunner.query(`DROP TABLE "application"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_13275383dcdf095ee29f2b3455"`);
    await queryRunner.query(`DROP TABLE "user_session"`);
    await queryRunner.query(`DROP TABLE "app_user"`);
    await queryRunner.query(`DROP TABLE "api_token"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_7ed6d720728d20a2672b5fbd8a"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_64a0c89023ec3dfe5c532aebfc"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_45452915f68f5a171bc4107b9e"`);
    await queryRunner.query(`DROP TABLE "audit_event"`);
  }
}
