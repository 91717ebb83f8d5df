import { versionSortKey } from '@shiplog/shared';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Artifacts get the same version sort key releases have, so "older / newer than the release" is a comparison the
 * database can make across thousands of installations (the matrix's drift filter and sort). The key is computed
 * in JavaScript (semver precedence), so existing artifacts are filled in batches here.
 */
export class ArtifactSortKey1764600000000 implements MigrationInterface {
  name = 'ArtifactSortKey1764600000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "artifact" ADD "sort_key" text COLLATE "C"`);
    for (;;) {
      const rows = (await queryRunner.query(`SELECT "id", "version" FROM "artifact" WHERE "sort_key" IS NULL LIMIT 1000`)) as {
        id: string;
        version: string;
      }[];
      if (rows.length === 0) break;
      await queryRunner.query(
        `UPDATE "artifact" a SET "sort_key" = k.key FROM unnest($1::uuid[], $2::text[]) AS k(id, key) WHERE a."id" = k.id`,
        [rows.map((row) => row.id), rows.map((row) => versionSortKey(row.version))],
      );
    }
    await queryRunner.query(`ALTER TABLE "artifact" ALTER COLUMN "sort_key" SET NOT NULL`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "artifact" DROP COLUMN "sort_key"`);
  }
}
