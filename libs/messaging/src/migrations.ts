import { MigrationInterface, QueryRunner } from 'typeorm';
import { InboxMessage } from './inbox/inbox-message.entity';
import { InboxPerHandler1765069200000 } from './inbox/inbox-per-handler.migration';
import { OutboxMessage } from './outbox/outbox-message.entity';
import { ParkOutboxRows1765065600000 } from './outbox/park-outbox-rows.migration';

export const OUTBOX_CHANNEL = 'messaging_outbox';

/** Outbox and inbox tables; a NOTIFY at commit wakes the relay (no multi-second polling). */
export class CreateMessagingTables1764300000000 implements MigrationInterface {
  name = 'CreateMessagingTables1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE messaging_outbox (
        id bigserial PRIMARY KEY,
        event_id uuid,
        topic text NOT NULL,
        key text NOT NULL,
        shard smallint NOT NULL,
        headers jsonb NOT NULL,
        value text,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz
      )`);
    await queryRunner.query(
      `CREATE INDEX messaging_outbox_unsent ON messaging_outbox (id) WHERE sent_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX messaging_outbox_sent_at ON messaging_outbox (sent_at) WHERE sent_at IS NOT NULL`,
    );
    await queryRunner.query(`
      CREATE FUNCTION messaging_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('${OUTBOX_CHANNEL}', '');
        RETURN NULL;
      END $$`);
    // Per statement: one notification per insert, delivered at commit only.
    await queryRunner.query(`
      CREATE TRIGGER messaging_outbox_notify AFTER INSERT ON messaging_outbox
      FOR EACH STATEMENT EXECUTE FUNCTION messaging_outbox_notify()`);
    await queryRunner.query(`
      CREATE TABLE messaging_inbox (
        consumer text NOT NULL,
        event_id text NOT NULL,
        type text NOT NULL,
        handled_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, event_id)
      )`);
    await queryRunner.query(
      `CREATE INDEX messaging_inbox_handled_at ON messaging_inbox (handled_at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE messaging_inbox`);
    await queryRunner.query(`DROP TRIGGER messaging_outbox_notify ON messaging_outbox`);
    await queryRunner.query(`DROP FUNCTION messaging_outbox_notify()`);
    await queryRunner.query(`DROP TABLE messaging_outbox`);
  }
}

/** Add to the service's DataSource: `entities: [...messagingEntities]`, `migrations: [...messagingMigrations]`. */
export const messagingEntities = [OutboxMessage, InboxMessage];
export const messagingMigrations = [
  CreateMessagingTables1764300000000,
  ParkOutboxRows1765065600000,
  InboxPerHandler1765069200000,
];
