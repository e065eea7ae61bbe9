import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The inbox records each handler's effect apart: its key becomes (consumer, event id, handler),
 * so that one handler's failure retries that handler only.
 *
 * Rows written before it meant "every handler of this event is done": they keep that meaning as
 * handler `*` (the column's default), which the consumer reads as done for every handler until
 * the inbox's 30-day retention deletes them. During a rolling upgrade a replica of the previous
 * build still writes `*` rows (it knows no handler column); a trigger skips such a row when a
 * handler of the event is already recorded, so that the previous build sees a duplicate rather
 * than applying again what this build applied. It narrows the mixed-build window, it does not
 * close it: two uncommitted inserts of both builds do not see each other, and an old replica may
 * take a retry meant for one handler. Roll out a build that changes the inbox with the Recreate
 * strategy; no build before this one had handlers, so no deployment meets the case today.
 */
export class InboxPerHandler1765069200000 implements MigrationInterface {
  name = 'InboxPerHandler1765069200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE messaging_inbox ADD COLUMN handler text NOT NULL DEFAULT '*'`,
    );
    await queryRunner.query(`ALTER TABLE messaging_inbox DROP CONSTRAINT messaging_inbox_pkey`);
    await queryRunner.query(
      `ALTER TABLE messaging_inbox ADD CONSTRAINT messaging_inbox_pkey PRIMARY KEY (consumer, event_id, handler)`,
    );
    await queryRunner.query(`
      CREATE FUNCTION messaging_inbox_every_handler() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM messaging_inbox
                   WHERE consumer = NEW.consumer AND event_id = NEW.event_id) THEN
          RETURN NULL;
        END IF;
        RETURN NEW;
      END $$`);
    // Only rows of the previous build (handler '*') run it: this build's inserts skip the call.
    await queryRunner.query(`
      CREATE TRIGGER messaging_inbox_every_handler BEFORE INSERT ON messaging_inbox
      FOR EACH ROW WHEN (NEW.handler = '*') EXECUTE FUNCTION messaging_inbox_every_handler()`);
  }

  /** Back to one row per event: an event any handler is done with counts as done. */
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER messaging_inbox_every_handler ON messaging_inbox`);
    await queryRunner.query(`DROP FUNCTION messaging_inbox_every_handler()`);
    await queryRunner.query(`
      DELETE FROM messaging_inbox later USING messaging_inbox earlier
      WHERE later.consumer = earlier.consumer AND later.event_id = earlier.event_id
        AND later.handler > earlier.handler`);
    await queryRunner.query(`ALTER TABLE messaging_inbox DROP CONSTRAINT messaging_inbox_pkey`);
    await queryRunner.query(`ALTER TABLE messaging_inbox DROP COLUMN handler`);
    await queryRunner.query(
      `ALTER TABLE messaging_inbox ADD CONSTRAINT messaging_inbox_pkey PRIMARY KEY (consumer, event_id)`,
    );
  }
}
