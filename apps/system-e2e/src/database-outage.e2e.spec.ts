import {
  mintToken,
  ServiceOnOwnDatabase,
  ServiceProcess,
  startServiceOnOwnDatabase,
} from '@tremplin/testing-infrastructure';
import { Client } from 'pg';
import request from 'supertest';

jest.setTimeout(120_000);

const REGISTRATIONS = 600;
const CLIENTS = 6;
const KILLS = 5;
const UAI_CHECK_LETTERS = 'ABCDEFGHJKLMNPRSTUVWXYZ';

/** The i-th valid UAI of this run (7 digits and their check letter). */
function uai(base: number, i: number): string {
  const digits = base + i;
  return `${String(digits).padStart(7, '0')}${UAI_CHECK_LETTERS[digits % 23]}`;
}

/**
 * PostgreSQL drops a service's connections while requests are coming in: the service stays up,
 * answers each request with a 201 or a 503 problem to retry (never a 500), stores each school
 * with its SchoolRegistered outbox row or neither, and is ready again afterwards.
 */
describe('a service whose database connections are killed under load', () => {
  const applicationName = `schools-dbkill-${process.pid}`;
  // A caller of its own: rate-limit counters are per caller and service in the shared Redis, and
  // 600 calls would use up the schools budget of the other specs' default caller running alongside.
  const admin = `Bearer ${mintToken({ roles: ['admin'], sub: applicationName })}`;
  let running: ServiceOnOwnDatabase;
  let service: ServiceProcess;
  let db: Client;

  beforeAll(async () => {
    running = await startServiceOnOwnDatabase('schools', {
      label: 'schools_dbkill',
      applicationName,
      env: { RATE_LIMIT_PER_MINUTE: '100000' },
    });
    ({ service, db } = running);
  });

  afterAll(() => running?.stop());

  it(`answers ${REGISTRATIONS} registrations with 201 or 503 while its connections are killed ${KILLS} times, and stores each school with its event`, async () => {
    const base = 1_000_000 + Math.floor(Math.random() * 8_000_000);
    const statuses = new Map<string, number>();
    const problems: string[] = [];
    let next = 0;
    const client = async () => {
      for (let i = next++; i < REGISTRATIONS; i = next++) {
        const response = await request(service.url)
          .post('/api/v1/schools')
          .set('authorization', admin)
          .send({ uai: uai(base, i), name: `LP ${i}`, academy: '16', communeCode: '31555' });
        statuses.set(uai(base, i), response.status);
        if (response.status !== 201)
          problems.push(`${response.status} ${response.type} ${response.headers['retry-after']}`);
      }
    };
    const clients = Promise.all(Array.from({ length: CLIENTS }, client));

    let kills = 0;
    while (kills < KILLS && next < REGISTRATIONS) {
      const { rows } = await db.query(
        'SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = $1',
        [applicationName],
      );
      if (rows[0].n > 0) kills++;
      await new Promise((done) => setTimeout(done, rows[0].n > 0 ? 150 : 10));
    }
    await clients;
    expect(kills).toBe(KILLS);

    const counts = [...statuses.values()].reduce(
      (count, status) => count.set(status, (count.get(status) ?? 0) + 1),
      new Map<number, number>(),
    );
    expect([...counts.keys()].filter((status) => status !== 201 && status !== 503)).toEqual([]);
    // Each failure is a problem to retry.
    expect(new Set(problems)).toEqual(
      new Set(problems.length ? ['503 application/problem+json 1'] : []),
    );

    // Every acknowledged school is stored; a 503 may or may not have committed (the connection
    // can die after COMMIT); either way a school and its event are stored together.
    const stored = new Set<string>(
      (await db.query('SELECT uai FROM schools')).rows.map((row: { uai: string }) => row.uai),
    );
    const acknowledged = [...statuses].filter(([, status]) => status === 201).map(([id]) => id);
    expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
    const {
      rows: [{ events }],
    } = await db.query(
      `SELECT count(*)::int AS events FROM messaging_outbox WHERE headers->>'ce_type' = 'fr.tremplin.schools.SchoolRegistered.v1'`,
    );
    expect(events).toBe(stored.size);

    // Still the same process, ready, and registering again.
    expect(service.logs).not.toMatch(/Unhandled 'error' event/);
    await service.waitFor('/health/ready');
    const again = await request(service.url)
      .post('/api/v1/schools')
      .set('authorization', admin)
      .send({
        uai: uai(base, REGISTRATIONS),
        name: 'LP après',
        academy: '16',
        communeCode: '31555',
      });
    expect(again.status).toBe(201);
    process.stdout.write(
      `database kills: ${JSON.stringify(Object.fromEntries(counts))} over ${REGISTRATIONS} registrations, ${stored.size} stored\n`,
    );
  });
});
