import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A PFMP period is cancelled, never deleted: it keeps its row with its status, reason and date.
 * A cancelled period no longer holds its start date in its class (another may start that day).
 */
export class CancelPfmpPeriods1765224000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE pfmp_periods
        ADD COLUMN status varchar(9) NOT NULL DEFAULT 'scheduled'
          CHECK (status IN ('scheduled', 'cancelled')),
        ADD COLUMN cancellation_reason varchar(20)
          CHECK (cancellation_reason IN ('calendar-changed', 'class-closed', 'scheduled-in-error', 'other')),
        ADD COLUMN cancelled_at timestamptz,
        ADD CONSTRAINT pfmp_periods_cancellation CHECK (
          (status = 'cancelled') = (cancellation_reason IS NOT NULL)
          AND (status = 'cancelled') = (cancelled_at IS NOT NULL)
        )`);
    await queryRunner.query(
      'ALTER TABLE pfmp_periods DROP CONSTRAINT pfmp_periods_class_id_start_date_key',
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX pfmp_periods_scheduled_start ON pfmp_periods (class_id, start_date)
       WHERE status = 'scheduled'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX pfmp_periods_scheduled_start');
    await queryRunner.query("DELETE FROM pfmp_periods WHERE status = 'cancelled'");
    await queryRunner.query(
      'ALTER TABLE pfmp_periods ADD CONSTRAINT pfmp_periods_class_id_start_date_key UNIQUE (class_id, start_date)',
    );
    await queryRunner.query(`
      ALTER TABLE pfmp_periods
        DROP CONSTRAINT pfmp_periods_cancellation,
        DROP COLUMN cancelled_at,
        DROP COLUMN cancellation_reason,
        DROP COLUMN status`);
  }
}
