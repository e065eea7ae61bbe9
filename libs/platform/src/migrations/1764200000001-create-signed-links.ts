import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signed links, in every service's database (dated before the services' own migrations). Only
 * the SHA-256 of each link's secret is stored: a copy of the table opens nothing.
 */
export class CreateSignedLinks1764200000001 implements MigrationInterface {
  name = 'CreateSignedLinks1764200000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE signed_links (
        id uuid PRIMARY KEY,
        secret_hash bytea NOT NULL,
        purpose text NOT NULL,
        resource_id text NOT NULL,
        academy text NOT NULL,
        issued_for text,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        revoked_at timestamptz
      )`);
    // Revoking every link of a resource (a proposal withdrawn, an agreement cancelled).
    await queryRunner.query(
      `CREATE INDEX signed_links_resource ON signed_links (purpose, resource_id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE signed_links`);
  }
}
