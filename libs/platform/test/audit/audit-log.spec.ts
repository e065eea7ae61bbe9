import type { Caller } from '../../src/auth/roles';
import { systemCaller } from '../../src/auth/roles';
import { runInWorkContext } from '../../src/context/request-context';
import { Audit } from '../../src/audit/audit';
import { AuditRecord } from '../../src/audit/audit-record.entity';
import { AuditRetention } from '../../src/audit/audit-retention';
import { createKitDatabase, KitDatabase } from '../support/kit-database';

jest.setTimeout(60_000);

const officeManager: Caller = {
  subject: 'om-42',
  roles: ['office_manager'],
  academy: '16',
  schools: ['0310001A'],
  companies: [],
  students: [],
};
const origin = { requestId: 'req-1', ip: '203.0.113.7', userAgent: 'curl/8.5' };

describe('the audit log (real PostgreSQL)', () => {
  let database: KitDatabase;
  const audit = new Audit();

  beforeAll(async () => {
    database = await createKitDatabase('audit_log');
    await database.dataSource.query(`CREATE TABLE people (id text PRIMARY KEY, phone text)`);
  });
  afterAll(() => database.drop());
  beforeEach(() => database.dataSource.query('TRUNCATE audit_log, people'));

  const rows = () => database.dataSource.getRepository(AuditRecord).find();

  /** A change of a person's phone and its audit row, in one transaction, in a request's context. */
  const changePhone = (afterwards: () => void = () => undefined) =>
    runInWorkContext({ caller: officeManager, origin }, () =>
      database.dataSource.transaction(async (manager) => {
        await manager.query(`INSERT INTO people VALUES ('p-1', '+33 6 12 34 56 78')`);
        await audit.record(
          { manager, caller: officeManager },
          { entity: 'student', entityId: 'p-1', action: 'update', fields: ['phone'] },
        );
        afterwards();
      }),
    );

  it('writes who, what, when and from where with the change', async () => {
    const before = new Date();
    await changePhone();

    expect(await rows()).toEqual([
      {
        id: expect.any(String),
        occurredAt: expect.any(Date),
        subject: 'om-42',
        roles: ['office_manager'],
        academy: '16',
        entity: 'student',
        entityId: 'p-1',
        action: 'update',
        fields: ['phone'],
        requestId: 'req-1',
        eventId: null,
        ip: '203.0.113.7',
        userAgent: 'curl/8.5',
      },
    ]);
    expect((await rows())[0].occurredAt.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1000);
  });

  it('leaves no audit row when the change rolls back', async () => {
    await expect(
      changePhone(() => {
        throw new Error('a later step failed');
      }),
    ).rejects.toThrow('a later step failed');

    expect(await database.dataSource.query('SELECT * FROM people')).toEqual([]);
    expect(await rows()).toEqual([]);
  });

  it('records a read of a person’s file, with no change, outside any transaction', async () => {
    await audit.record(
      { manager: database.dataSource.manager, caller: officeManager },
      { entity: 'student', entityId: 'p-1', action: 'read' },
    );

    expect(await rows()).toEqual([
      expect.objectContaining({ action: 'read', fields: [], subject: 'om-42', requestId: null }),
    ]);
  });

  it('records an event handler’s work as the service, with the event it handled', async () => {
    const caller = systemCaller('schools', '13');
    await runInWorkContext({ caller, origin: { eventId: 'evt-9' } }, () =>
      audit.record(
        { manager: database.dataSource.manager, caller },
        { entity: 'student', entityId: 'p-1', action: 'erase', fields: ['phone', 'guardians'] },
      ),
    );

    expect(await rows()).toEqual([
      expect.objectContaining({
        subject: 'service:schools',
        roles: ['service'],
        academy: '13',
        eventId: 'evt-9',
        ip: null,
      }),
    ]);
  });

  it('refuses values where names are expected, without repeating them', async () => {
    const context = { manager: database.dataSource.manager, caller: officeManager };
    const refused = await audit
      .record(context, {
        entity: 'student',
        entityId: 'p-1',
        action: 'update',
        fields: ['jeanne.martin@example.fr'],
      })
      .catch((error: Error) => error);
    const badId = audit.record(context, {
      entity: 'student',
      entityId: 'jeanne.martin@example.fr',
      action: 'read',
    });

    expect(refused).toBeInstanceOf(Error);
    expect(String(refused)).not.toContain('jeanne');
    await expect(badId).rejects.toThrow('not an identifier');
    expect(await rows()).toEqual([]);
  });

  describe('retention', () => {
    const insertAged = (days: number, count = 1) =>
      database.dataSource.query(
        `INSERT INTO audit_log (occurred_at, subject, roles, entity, entity_id, action)
         SELECT now() - make_interval(days => $1), 'om-42', '{office_manager}', 'student', 'p-' || n, 'read'
         FROM generate_series(1, $2) AS n`,
        [days, count],
      );
    const ages = async () =>
      (
        await database.dataSource.query(
          `SELECT round(extract(epoch FROM now() - occurred_at) / 86400)::int AS days, count(*)::int AS n
           FROM audit_log GROUP BY 1 ORDER BY 1`,
        )
      ).map((row: { days: number; n: number }) => [row.days, row.n]);
    afterEach(() => delete process.env.AUDIT_RETENTION_DAYS);

    it('deletes only the rows older than AUDIT_RETENTION_DAYS (365 by default), in batches', async () => {
      await insertAged(400, 12_000);
      await insertAged(364);
      await insertAged(0);

      expect(await new AuditRetention(database.dataSource).purge()).toBe(12_000);
      expect(await ages()).toEqual([
        [0, 1],
        [364, 1],
      ]);
    });

    it('follows the configured retention', async () => {
      process.env.AUDIT_RETENTION_DAYS = '30';
      await insertAged(364);
      await insertAged(29);

      expect(await new AuditRetention(database.dataSource).purge()).toBe(1);
      expect(await ages()).toEqual([[29, 1]]);
    });

    it('refuses a retention that is not a positive number of days', () => {
      process.env.AUDIT_RETENTION_DAYS = '0';
      expect(() => new AuditRetention(database.dataSource)).toThrow(/AUDIT_RETENTION_DAYS/);
    });

    it('leaves the round to another replica that is purging', async () => {
      await insertAged(400);
      const other = database.dataSource.createQueryRunner();
      await other.startTransaction();
      try {
        await other.query(`SELECT pg_advisory_xact_lock(7340034, 0)`);
        expect(await new AuditRetention(database.dataSource).purge()).toBe(0);
      } finally {
        await other.rollbackTransaction();
        await other.release();
      }
      expect(await ages()).toEqual([[400, 1]]);
      expect(await new AuditRetention(database.dataSource).purge()).toBe(1);
    });
  });
});
