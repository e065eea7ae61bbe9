import { Controller, Get, INestApplication, Param } from '@nestjs/common';
import { mintToken } from '@tremplin/testing-infrastructure';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { CurrentCaller } from '../../src/auth/auth.guard';
import { Caller, Roles } from '../../src/auth/roles';
import { Audit } from '../../src/audit/audit';
import { startKitApp } from '../support/kit-app';
import { createKitDatabase, KitDatabase } from '../support/kit-database';

jest.setTimeout(60_000);

/** A person's file read over HTTP, as a service's controller would audit it. */
@Controller('student-files')
class StudentFilesController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: Audit,
  ) {}

  @Roles('office_manager')
  @Get(':id')
  async read(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<{ id: string }> {
    await this.audit.record(
      { manager: this.dataSource.manager, caller },
      { entity: 'student', entityId: id, action: 'read', fields: ['name', 'phone'] },
    );
    return { id };
  }
}

const bearer = (claims: Parameters<typeof mintToken>[0]) => `Bearer ${mintToken(claims)}`;
const admin = bearer({ sub: 'admin-1', roles: ['admin'] });
const toulouseAdmin = bearer({ sub: 'aa-16', roles: ['academy_admin'], academy: '16' });

describe('GET /api/v1/audit (real PostgreSQL)', () => {
  let database: KitDatabase;
  let app: INestApplication;

  beforeAll(async () => {
    database = await createKitDatabase('audit_http');
    app = await startKitApp({ databaseUrl: database.url, controllers: [StudentFilesController] });
    // Four rows in Toulouse (16), two in Aix-Marseille (13), an hour apart, newest last.
    await database.dataSource.query(
      `INSERT INTO audit_log (occurred_at, subject, roles, academy, entity, entity_id, action, fields)
       SELECT timestamptz '2026-11-01T08:00:00Z' + make_interval(hours => n), r.subject, '{office_manager}',
              r.academy, r.entity, r.entity_id, 'update', '{phone}'
       FROM (VALUES (1, 'om-16', '16', 'student', 's-1'), (2, 'om-16', '16', 'student', 's-2'),
                    (3, 'om-13', '13', 'student', 's-3'), (4, 'om-16b', '16', 'agreement', 'a-1'),
                    (5, 'om-13', '13', 'student', 's-1'), (6, 'om-16', '16', 'student', 's-1'))
            AS r(n, subject, academy, entity, entity_id)`,
    );
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const list = (query: string, authorization = admin) =>
    request(app.getHttpServer()).get(`/api/v1/audit${query}`).set('Authorization', authorization);
  const keys = (body: { items: { subject: string; entityId: string; academy: string }[] }) =>
    body.items.map((item) => `${item.academy}/${item.subject}/${item.entityId}`);

  it('asks for a token, and refuses every role but admin and academy_admin', async () => {
    const anonymous = await request(app.getHttpServer()).get('/api/v1/audit');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['content-type']).toMatch(/application\/problem\+json/);
    for (const role of [
      'office_manager',
      'teacher',
      'school_head',
      'company',
      'student',
      'guardian',
      'service',
    ] as const)
      await list('', bearer({ roles: [role], academy: '16' })).expect(403);
  });

  it('shows an admin every row, newest first', async () => {
    const { body } = await list('').expect(200);

    expect(body).toMatchObject({ total: 6, offset: 0, limit: 50 });
    expect(keys(body)).toEqual([
      '16/om-16/s-1',
      '13/om-13/s-1',
      '16/om-16b/a-1',
      '13/om-13/s-3',
      '16/om-16/s-2',
      '16/om-16/s-1',
    ]);
    expect(body.items[0]).toEqual({
      id: expect.any(String),
      occurredAt: '2026-11-01T14:00:00.000Z',
      subject: 'om-16',
      roles: ['office_manager'],
      academy: '16',
      entity: 'student',
      entityId: 's-1',
      action: 'update',
      fields: ['phone'],
      requestId: null,
      eventId: null,
      ip: null,
      userAgent: null,
    });
  });

  it('shows an academy admin their academy’s rows only, in the count too', async () => {
    const { body } = await list('', toulouseAdmin).expect(200);
    expect(body.total).toBe(4);
    expect(keys(body).every((key) => key.startsWith('16/'))).toBe(true);

    const other = await list('?subject=om-13', toulouseAdmin).expect(200);
    expect(other.body).toMatchObject({ items: [], total: 0 });
    // No way to ask for another academy: the field is unknown.
    await list('?academy=13', toulouseAdmin).expect(400);
    // An academy admin without an academy sees nothing.
    const unscoped = await list('', bearer({ roles: ['academy_admin'] })).expect(200);
    expect(unscoped.body).toMatchObject({ items: [], total: 0 });
  });

  it('pages without overlap', async () => {
    const first = await list('?limit=4&offset=0').expect(200);
    const second = await list('?limit=4&offset=4').expect(200);

    expect(first.body).toMatchObject({ total: 6, limit: 4, offset: 0 });
    expect(first.body.items).toHaveLength(4);
    expect(second.body.items).toHaveLength(2);
    expect([...keys(first.body), ...keys(second.body)]).toEqual(keys((await list('')).body));
  });

  it('filters by entity, entity id, subject and time', async () => {
    expect(keys((await list('?entity=agreement').expect(200)).body)).toEqual(['16/om-16b/a-1']);
    expect(keys((await list('?entity=student&entityId=s-1').expect(200)).body)).toEqual([
      '16/om-16/s-1',
      '13/om-13/s-1',
      '16/om-16/s-1',
    ]);
    expect(
      keys((await list('?subject=om-16&entityId=s-1', toulouseAdmin).expect(200)).body),
    ).toEqual(['16/om-16/s-1', '16/om-16/s-1']);
    // From inclusive, to exclusive: the rows at 10:00 and 11:00, not the one at 12:00.
    const window = await list('?from=2026-11-01T10:00:00Z&to=2026-11-01T12:00:00Z').expect(200);
    expect(keys(window.body)).toEqual(['13/om-13/s-3', '16/om-16/s-2']);
  });

  it('refuses malformed filters and unknown fields with a problem naming them', async () => {
    const response = await list('?from=yesterday&colour=blue').expect(400);

    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.body.errors.map((error: { field: string }) => error.field).sort()).toEqual([
      'colour',
      'from',
    ]);
    // ISO 8601 forms that are no instant (a week, a signed year): refused, not a 500.
    for (const from of ['2026-W01', '-9999-01-01T00:00:00Z', '2026-13-01T00:00:00Z'])
      await list(`?from=${encodeURIComponent(from)}`).expect(400);
  });

  it('records where a read came from: request id, IP and user agent of the request', async () => {
    await request(app.getHttpServer())
      .get('/api/v1/student-files/s-77')
      .set('Authorization', bearer({ sub: 'om-7', roles: ['office_manager'], academy: '16' }))
      .set('X-Request-Id', 'req-audit-77')
      .set('User-Agent', 'tremplin-console/1.0')
      .expect(200);

    const { body } = await list('?entityId=s-77', toulouseAdmin).expect(200);
    expect(body.items).toEqual([
      expect.objectContaining({
        subject: 'om-7',
        academy: '16',
        action: 'read',
        fields: ['name', 'phone'],
        requestId: 'req-audit-77',
        ip: expect.stringMatching(/127\.0\.0\.1/),
        userAgent: 'tremplin-console/1.0',
      }),
    ]);
  });
});
