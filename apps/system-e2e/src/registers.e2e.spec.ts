import { ServiceName } from '@tremplin/platform';
import {
  mintToken,
  ServiceOnOwnDatabase,
  ServiceProcess,
  startServiceOnOwnDatabase,
} from '@tremplin/testing-infrastructure';
import { Client } from 'pg';
import request from 'supertest';

const PROBLEM = /^application\/problem\+json/;

interface Register {
  service: ServiceName;
  path: string;
  valid: Record<string, unknown>;
  /** Another valid registration, with a natural key of its own. */
  another: Record<string, unknown>;
  invalid: Record<string, unknown>;
  invalidFields: string[];
  naturalKey: string;
  eventType: string;
}

const registers: Register[] = [
  {
    service: 'schools',
    path: '/api/v1/schools',
    valid: { uai: '0381758E', name: 'LP Jean Jaurès', academy: '16', communeCode: '31555' },
    another: { uai: '0381759F', name: 'LP Louise Michel', academy: '16', communeCode: '31555' },
    invalid: {
      uai: '0381758F',
      name: 'LP',
      academy: '016',
      communeCode: '31555',
      rogue: true,
    },
    invalidFields: ['uai', 'academy', 'rogue'],
    naturalKey: 'uai',
    eventType: 'fr.tremplin.schools.SchoolRegistered.v1',
  },
  {
    service: 'companies',
    path: '/api/v1/companies',
    valid: {
      siret: '73282932000074',
      legalName: 'Atelier Garonne',
      nafCode: '62.01Z',
      nafRevision: 'rev2',
      communeCode: '31555',
      academy: '16',
    },
    another: {
      siret: '73282932000082',
      legalName: 'Atelier Lauragais',
      nafCode: '62.01Z',
      nafRevision: 'rev2',
      communeCode: '31555',
      academy: '16',
    },
    invalid: {
      siret: '73282932000075',
      legalName: 'A',
      nafCode: '6201Z',
      nafRevision: 'rev2',
      communeCode: '31555',
      academy: '16',
    },
    invalidFields: ['siret', 'legalName', 'nafCode'],
    naturalKey: 'siret',
    eventType: 'fr.tremplin.companies.CompanyRegistered.v1',
  },
];

describe.each(registers)('the $service register over HTTP', (register) => {
  const admin = `Bearer ${mintToken({ roles: ['admin'] })}`;
  let running: ServiceOnOwnDatabase;
  let service: ServiceProcess;
  let db: Client;

  beforeAll(async () => {
    running = await startServiceOnOwnDatabase(register.service, {
      label: `${register.service}_api`,
    });
    ({ service, db } = running);
  });

  afterAll(() => running?.stop());

  it('rejects an invalid body with a 400 problem naming each bad field, and stores nothing', async () => {
    const response = await request(service.url)
      .post(register.path)
      .set('authorization', admin)
      .send(register.invalid)
      .expect(400);
    expect(response.headers['content-type']).toMatch(PROBLEM);
    const fields = response.body.errors.map((error: { field: string }) => error.field);
    expect(fields.sort()).toEqual([...register.invalidFields].sort());
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM ${register.service}`);
    expect(rows[0].n).toBe(0);
  });

  it('refuses callers without a token (401) or without an allowed role (403)', async () => {
    await request(service.url).post(register.path).send(register.valid).expect(401);
    const student = `Bearer ${mintToken({ roles: ['student'] })}`;
    const forbidden = await request(service.url)
      .post(register.path)
      .set('authorization', student)
      .send(register.valid)
      .expect(403);
    expect(forbidden.headers['content-type']).toMatch(PROBLEM);
  });

  it('registers, then reads back by id and in the paginated list', async () => {
    const created = await request(service.url)
      .post(register.path)
      .set('authorization', admin)
      .send(register.valid)
      .expect(201);
    expect(created.body.id).toMatch(/^[0-9a-f-]{36}$/);
    const read = await request(service.url)
      .get(`${register.path}/${created.body.id}`)
      .set('authorization', admin)
      .expect(200);
    expect(read.body[register.naturalKey]).toBe(register.valid[register.naturalKey]);
    const page = await request(service.url)
      .get(`${register.path}?limit=10`)
      .set('authorization', admin)
      .expect(200);
    expect(page.body).toMatchObject({ total: 1, offset: 0, limit: 10 });
  });

  it('publishes the registration through the outbox, in the same transaction', async () => {
    const deadline = Date.now() + 10_000;
    let sent = 0;
    while (Date.now() < deadline && sent === 0) {
      const { rows } = await db.query(
        `SELECT count(*)::int AS n FROM messaging_outbox WHERE headers->>'ce_type' = $1 AND sent_at IS NOT NULL`,
        [register.eventType],
      );
      sent = rows[0].n;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(sent).toBe(1);
  });

  it('answers a duplicate with a 409 problem naming the field', async () => {
    const response = await request(service.url)
      .post(register.path)
      .set('authorization', admin)
      .send(register.valid)
      .expect(409);
    expect(response.body.errors).toEqual([
      { field: register.naturalKey, messages: ['already registered'] },
    ]);
  });

  it('answers the same registration sent many times at once with one 201 and 409s naming the field', async () => {
    // Every request passes the use case's existence check before any has committed: the
    // losers meet the unique constraint, which the kit maps to the same 409 as the check.
    const responses = await Promise.all(
      Array.from({ length: 8 }, () =>
        request(service.url).post(register.path).set('authorization', admin).send(register.another),
      ),
    );
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    for (const response of responses.filter((r) => r.status === 409)) {
      expect(response.headers['content-type']).toMatch(PROBLEM);
      expect(response.body.errors).toEqual([
        { field: register.naturalKey, messages: ['already registered'] },
      ]);
    }
    const { rows } = await db.query(
      `SELECT count(*)::int AS n FROM ${register.service} WHERE ${register.naturalKey} = $1`,
      [register.another[register.naturalKey]],
    );
    expect(rows[0].n).toBe(1);
  });

  it('answers an unknown id with 404 and a malformed id with 400', async () => {
    await request(service.url)
      .get(`${register.path}/7d0b1f8e-2f7c-4a56-9a3e-0c1d2e3f4a5b`)
      .set('authorization', admin)
      .expect(404);
    await request(service.url)
      .get(`${register.path}/not-a-uuid`)
      .set('authorization', admin)
      .expect(400);
  });
});
