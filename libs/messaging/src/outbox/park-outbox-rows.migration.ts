import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Parking of outbox rows the broker keeps refusing: the attempts charged to a row, its last
 * refusal, when it was first refused, and when it was parked. A parked row leaves the relay's index of rows to send (the
 * relay's scan never visits it again); the parked index finds a key's parked rows, for the rows
 * of that key that follow, the admin list and the requeue.
 */
export class ParkOutboxRows1765065600000 implements MigrationInterface {
  name = 'ParkOutboxRows1765065600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE messaging_outbox
        ADD COLUMN attempts smallint NOT NULL DEFAULT 0,
        ADD COLUMN last_error text,
        ADD COLUMN refused_at timestamptz,
        ADD COLUMN parked_at timestamptz`);
    await queryRunner.query(`DROP INDEX messaging_outbox_unsent`);
    await queryRunner.query(
      `CREATE INDEX messaging_outbox_unsent ON messaging_outbox (id) WHERE sent_at IS NULL AND parked_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX messaging_outbox_parked ON messaging_outbox (topic, key, id) WHERE parked_at IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX messaging_outbox_parked`);
    await queryRunner.query(`DROP INDEX messaging_outbox_unsent`);
    await queryRunner.query(
      `CREATE INDEX messaging_outbox_unsent ON messaging_outbox (id) WHERE sent_at IS NULL`,
    );
    await queryRunner.query(
      `ALTER TABLE messaging_outbox DROP COLUMN attempts, DROP COLUMN last_error, DROP COLUMN refused_at, DROP COLUMN parked_at`,
    );
  }
}
