import { INestApplication } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthGuard, AuthModule } from '@tremplin/platform';
import { mintToken, TEST_JWT_ISSUER, TEST_JWT_SECRET } from '@tremplin/testing-infrastructure';
import request from 'supertest';
import { messagingEntities } from '../src';
import { OutboxAdminController } from '../src/nest/outbox-admin.controller';
import { Outbox } from '../src/outbox/outbox';
import { requeueParked } from '../src/outbox/parked-rows';
import { filled } from './events';
import { createDatabase, TestDatabase } from './support';

jest.setTimeout(60_000);

describe('GET /admin/outbox/parked and the requeue (real PostgreSQL)', () => {
  let db: TestDatabase;
  let app: INestApplication;

  beforeAll(async () => {
    db = await createDatabase('outbox_admin');
    const module = await Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot({ type: 'postgres', url: db.url, entities: messagingEntities }),
        AuthModule.forRoot({ JWT_SECRET: TEST_JWT_SECRET, JWT_ISSUER: TEST_JWT_ISSUER }),
      ],
      controllers: [OutboxAdminController],
      providers: [{ provide: APP_GUARD, useClass: AuthGuard }],
    }).compile();
    app = module.createNestApplication();
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
    await db.drop();
  });

  it('lists the parked rows to admins only, and requeues a parked row with the rest of its key', async () => {
    const event = filled();
    const [eventId] = await db.dataSource.transaction((manager) =>
      new Outbox('companies').publish(manager, [event, filled(event.internshipId)]),
    );
    // What the relay does after the broker refused the first row three times.
    await db.dataSource.query(
      `UPDATE messaging_outbox SET parked_at = now(), attempts = 3,
         last_error = CASE WHEN event_id = $1 THEN 'KafkaJSProtocolError: This server does not host this topic-partition (UNKNOWN_TOPIC_OR_PARTITION)'
                           ELSE 'behind parked row 1 of its key' END`,
      [eventId],
    );
    const admin = `Bearer ${mintToken({ roles: ['admin'] })}`;
    const manager = `Bearer ${mintToken({ roles: ['office_manager'], academy: '16' })}`;
    await request(app.getHttpServer()).get('/admin/outbox/parked').expect(401);
    await request(app.getHttpServer())
      .get('/admin/outbox/parked')
      .set('Authorization', manager)
      .expect(403);
    await request(app.getHttpServer())
      .post('/admin/outbox/parked/1/requeue')
      .set('Authorization', manager)
      .expect(403);
    const listed = await request(app.getHttpServer())
      .get('/admin/outbox/parked')
      .set('Authorization', admin)
      .expect(200);
    expect(listed.body).toEqual([
      expect.objectContaining({
        id: '1',
        topic: 'companies.internships',
        key: event.internshipId,
        eventId,
        type: 'fr.tremplin.companies.InternshipFilled.v1',
        attempts: 3,
        error: expect.stringMatching(/UNKNOWN_TOPIC_OR_PARTITION/),
      }),
      expect.objectContaining({ id: '2', error: 'behind parked row 1 of its key' }),
    ]);
    const requeued = await request(app.getHttpServer())
      .post('/admin/outbox/parked/1/requeue')
      .set('Authorization', admin)
      .expect(200);
    expect(requeued.body).toEqual({ requeued: 2 });
    expect(
      await db.dataSource.query(
        `SELECT count(*)::int AS n FROM messaging_outbox WHERE parked_at IS NULL AND attempts = 0 AND sent_at IS NULL`,
      ),
    ).toEqual([{ n: 2 }]);
    // Nothing parked any more: not found (platform's filter makes it a problem+json 404).
    const again = await request(app.getHttpServer())
      .post('/admin/outbox/parked/1/requeue')
      .set('Authorization', admin);
    expect(again.status).not.toBe(200);
  });

  it('pages the parked rows and requeues a whole topic, key by key, to admins only', async () => {
    await db.dataSource.query('TRUNCATE messaging_outbox');
    const events = [filled(), filled(), filled()];
    await db.dataSource.transaction((manager) => new Outbox('companies').publish(manager, events));
    await db.dataSource.query(`UPDATE messaging_outbox SET parked_at = now(), attempts = 3`);
    const admin = `Bearer ${mintToken({ roles: ['admin'] })}`;
    const manager = `Bearer ${mintToken({ roles: ['office_manager'], academy: '16' })}`;
    const first = await request(app.getHttpServer())
      .get('/admin/outbox/parked?limit=2')
      .set('Authorization', admin)
      .expect(200);
    const rest = await request(app.getHttpServer())
      .get(`/admin/outbox/parked?limit=2&after=${first.body[1].id}`)
      .set('Authorization', admin)
      .expect(200);
    expect([...first.body, ...rest.body].map((row: { key: string }) => row.key)).toEqual(
      events.map((event) => event.internshipId),
    );
    await request(app.getHttpServer())
      .post('/admin/outbox/parked/requeue?topic=companies.internships')
      .set('Authorization', manager)
      .expect(403);
    const requeued = await request(app.getHttpServer())
      .post('/admin/outbox/parked/requeue?topic=companies.internships')
      .set('Authorization', admin)
      .expect(200);
    expect(requeued.body).toEqual({ requeued: 3 });
    // A 19-digit id over bigint's range is no row, not a database error.
    await expect(requeueParked(db.dataSource, '9999999999999999999')).resolves.toBe(0);
  });
});
