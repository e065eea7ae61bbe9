import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log of personal data, in every service's database. Dated before every service's own
 * migrations, so that a fresh database has it first. Indexes serve the admin list (newest first,
 * per academy, per entity, per subject) and the retention purge (by time).
 */
export class CreateAuditLog1764200000000 implements MigrationInterface {
  name = 'CreateAuditLog1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE audit_log (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        occurred_at timestamptz NOT NULL DEFAULT now(),
        subject text NOT NULL,
        roles text[] NOT NULL,
        academy text,
        entity text NOT NULL,
        entity_id text NOT NULL,
        action text NOT NULL,
        fields text[] NOT NULL DEFAULT '{}',
        request_id text,
        event_id text,
        ip text,
        user_agent text
      )`);
    await queryRunner.query(`CREATE INDEX audit_log_occurred_at ON audit_log (occurred_at)`);
    await queryRunner.query(`CREATE INDEX audit_log_academy ON audit_log (academy, occurred_at)`);
    await queryRunner.query(
      `CREATE INDEX audit_log_entity ON audit_log (entity, entity_id, occurred_at)`,
    );
    await queryRunner.query(`CREATE INDEX audit_log_subject ON audit_log (subject, occurred_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE audit_log`);
  }
}
