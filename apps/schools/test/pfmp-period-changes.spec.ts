import {
  completeUai,
  PfmpPeriodCancelled,
  PfmpPeriodChanged,
  PfmpPeriodScheduled,
  TOPICS,
} from '@tremplin/contracts';
import type { Role } from '@tremplin/platform';
import { ServiceApp, startServiceApp, watchEvents } from '@tremplin/testing';
import { mintToken } from '@tremplin/testing-infrastructure';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { SchoolsServiceModule } from '../src/schools-service.module';

jest.setTimeout(120_000);

const PROBLEM = /^application\/problem\+json/;

const token = (role: Role, scope: { academy?: string; schools?: string[] } = {}) =>
  `Bearer ${mintToken({ sub: `${role}-test`, roles: [role], schools: [], students: [], companies: [], ...scope } as Parameters<typeof mintToken>[0])}`;

const uaiA = completeUai('0310011'); // school A, Toulouse
const uaiB = completeUai('0310012'); // school B, Toulouse

const period = (startDate: string, endDate: string, weeks: number) => ({
  startDate,
  endDate,
  weeks,
});

interface OutboxEvent {
  key: string;
  type: string;
  data: Record<string, unknown>;
}

interface PeriodRow {
  status: string;
  startDate: string;
  endDate: string;
  weeks: number;
  cancellationReason: string | null;
}

describe('rescheduling and cancelling PFMP periods over HTTP', () => {
  let service: ServiceApp;
  const ids: Record<string, string> = {};
  const admin = token('admin');
  const managerOfA = token('office_manager', { academy: '16', schools: [uaiA] });
  const managerOfB = token('office_manager', { academy: '16', schools: [uaiB] });
  const headOfA = token('school_head', { academy: '16', schools: [uaiA] });
  const teacherOfA = token('teacher', { academy: '16', schools: [uaiA] });
  const http = () => request(service.app.getHttpServer());
  const query = (sql: string, parameters: unknown[] = []) =>
    service.app.get(DataSource).query(sql, parameters);
  const outbox = async (): Promise<OutboxEvent[]> =>
    (
      await query(
        `SELECT key, headers->>'ce_type' AS type, value FROM messaging_outbox
         WHERE headers->>'ce_type' LIKE '%PfmpPeriod%' ORDER BY id`,
      )
    ).map((row: { key: string; type: string; value: string }) => ({
      key: row.key,
      type: row.type,
      data: JSON.parse(row.value),
    }));
  const lastEvent = async () => (await outbox()).slice(-1)[0];
  const counts = async () =>
    (
      await query(
        `SELECT (SELECT count(*) FROM pfmp_periods)::int AS periods,
                (SELECT count(*) FROM pfmp_periods WHERE status = 'cancelled')::int AS cancelled,
                (SELECT count(*) FROM messaging_outbox
                  WHERE headers->>'ce_type' LIKE '%PfmpPeriod%')::int AS events`,
      )
    )[0];
  const row = async (id: string): Promise<PeriodRow> =>
    (
      await query(
        `SELECT status, to_char(start_date, 'YYYY-MM-DD') AS "startDate",
                to_char(end_date, 'YYYY-MM-DD') AS "endDate", weeks_required AS weeks,
                cancellation_reason AS "cancellationReason"
         FROM pfmp_periods WHERE id = $1`,
        [id],
      )
    )[0];
  const periodPath = (periodId: string, classId = ids.class) =>
    `/api/v1/classes/${classId}/pfmp-periods/${periodId}`;
  const reschedule = (periodId: string, body: object, caller = managerOfA, classId = ids.class) =>
    http().patch(periodPath(periodId, classId)).set('authorization', caller).send(body);
  const cancel = (periodId: string, body: object = {}, caller = managerOfA, classId = ids.class) =>
    http()
      .post(`${periodPath(periodId, classId)}/cancellation`)
      .set('authorization', caller)
      .send(body);
  const classView = async (classId = ids.class) =>
    (await http().get(`/api/v1/classes/${classId}`).set('authorization', teacherOfA).expect(200))
      .body;
  const periodOf = async (periodId: string) =>
    (await classView()).pfmpPeriods.find((p: { id: string }) => p.id === periodId);

  beforeAll(async () => {
    service = await startServiceApp(SchoolsServiceModule, 'schools');
    const register = async (name: string, uai: string) => {
      const response = await http()
        .post('/api/v1/schools')
        .set('authorization', admin)
        .send({ uai, name: `Lycée ${name}`, academy: '16', communeCode: '31555' })
        .expect(201);
      ids[name] = response.body.id;
    };
    await register('A', uaiA);
    await register('B', uaiB);
    const open = async (schoolId: string, name: string, periods: object[]) =>
      (
        await http()
          .post('/api/v1/classes')
          .set('authorization', admin)
          .send({
            schoolId,
            name,
            schoolYear: '2026-2027',
            diploma: '40030001',
            level: 'bacpro-premiere',
            specialty: 'Métiers de l’accueil',
            pfmpPeriods: periods,
          })
          .expect(201)
      ).body;
    const opened = await open(ids.A, '1re MA A', [
      period('2027-01-11', '2027-01-22', 2),
      period('2027-03-01', '2027-03-12', 2),
      period('2027-05-03', '2027-05-28', 4),
    ]);
    ids.class = opened.id;
    [ids.january, ids.march, ids.may] = opened.pfmpPeriods.map((p: { id: string }) => p.id);
    const other = await open(ids.A, '1re MA B', [period('2027-01-11', '2027-01-22', 2)]);
    ids.otherClass = other.id;
    ids.otherPeriod = other.pfmpPeriods[0].id;
  });
  afterAll(() => service?.stop());

  it('reschedules a period (new dates and weeks), announced as PfmpPeriodChanged in the same transaction', async () => {
    const before = await counts();
    // Moved a week later: it overlaps its own former days, which is no overlap.
    const response = await reschedule(ids.january, period('2027-01-18', '2027-02-05', 3)).expect(
      200,
    );
    expect(response.body).toEqual({
      id: ids.january,
      classId: ids.class,
      startDate: '2027-01-18',
      endDate: '2027-02-05',
      weeks: 3,
      status: 'scheduled',
      cancellationReason: null,
      cancelledAt: null,
    });
    expect(await counts()).toEqual({ ...before, events: before.events + 1 });
    expect(await lastEvent()).toEqual({
      key: ids.class,
      type: 'fr.tremplin.schools.PfmpPeriodChanged.v1',
      data: {
        periodId: ids.january,
        classId: ids.class,
        schoolId: ids.A,
        academy: '16',
        schoolYear: '2026-2027',
        level: 'bacpro-premiere',
        diploma: '40030001',
        startDate: '2027-01-18',
        endDate: '2027-02-05',
        weeks: 3,
      },
    });
    expect(await periodOf(ids.january)).toEqual(response.body);
  });

  it('changes only what the PATCH names, and announces nothing when nothing changes', async () => {
    const onlyWeeks = await reschedule(ids.january, { weeks: 2 }, headOfA).expect(200);
    expect(onlyWeeks.body).toMatchObject({
      startDate: '2027-01-18',
      endDate: '2027-02-05',
      weeks: 2,
    });
    expect(await lastEvent()).toMatchObject({
      type: 'fr.tremplin.schools.PfmpPeriodChanged.v1',
      data: { periodId: ids.january, startDate: '2027-01-18', endDate: '2027-02-05', weeks: 2 },
    });
    const onlyEnd = await reschedule(ids.january, { endDate: '2027-01-29' }).expect(200);
    expect(onlyEnd.body).toMatchObject({
      startDate: '2027-01-18',
      endDate: '2027-01-29',
      weeks: 2,
    });

    const before = await counts();
    await reschedule(ids.january, period('2027-01-18', '2027-01-29', 2)).expect(200);
    await reschedule(ids.january, {}).expect(200);
    expect(await counts()).toEqual(before);
  });

  it.each([
    ['a reversed period', period('2027-01-29', '2027-01-18', 1), 'endDate'],
    ['more weeks than it spans', period('2027-01-18', '2027-01-29', 3), 'weeks'],
    ['more weeks than a PFMP may require', { weeks: 23 }, 'weeks'],
    ['zero weeks', { weeks: 0 }, 'weeks'],
    ['fractional weeks', { weeks: 1.5 }, 'weeks'],
    ['a bad date', { startDate: '2027-1-18' }, 'startDate'],
    ['a day not of the calendar', { endDate: '2027-02-30' }, 'endDate'],
    ['a date that is not a string', { startDate: 20270118 }, 'startDate'],
    ['an unknown field', { weeks: 2, seats: 3 }, 'seats'],
  ])(
    'refuses a reschedule with %s with a 400 naming the field, changing nothing',
    async (_case, body, field) => {
      const before = await counts();
      const stored = await row(ids.january);
      const response = await reschedule(ids.january, body).expect(400);
      expect(response.headers['content-type']).toMatch(PROBLEM);
      expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
      expect(await counts()).toEqual(before);
      expect(await row(ids.january)).toEqual(stored);
    },
  );

  it.each([
    ['overlapping another period of the class', period('2027-02-22', '2027-03-05', 2), 'startDate'],
    ['outside its school year', period('2027-08-23', '2027-09-03', 2), 'startDate'],
    ['ending before the start it keeps', { endDate: '2027-01-11' }, 'endDate'],
    ['requiring more weeks than the span it keeps', { weeks: 3 }, 'weeks'],
  ])(
    'refuses a reschedule %s (422 naming the field), changing nothing',
    async (_case, body, field) => {
      const before = await counts();
      const stored = await row(ids.january);
      const response = await reschedule(ids.january, body).expect(422);
      expect(response.headers['content-type']).toMatch(PROBLEM);
      expect(response.body.errors).toEqual([{ field, messages: [expect.any(String)] }]);
      expect(await counts()).toEqual(before);
      expect(await row(ids.january)).toEqual(stored);
    },
  );

  it("keeps another school's office manager and the readers out (404 outside the scope, 403 for a teacher)", async () => {
    const before = await counts();
    const stored = await row(ids.march);
    const hidden = await reschedule(ids.march, { weeks: 1 }, managerOfB).expect(404);
    expect(hidden.headers['content-type']).toMatch(PROBLEM);
    await cancel(ids.march, {}, managerOfB).expect(404);
    await reschedule(ids.march, { weeks: 1 }, teacherOfA).expect(403);
    await cancel(ids.march, {}, teacherOfA).expect(403);
    // A period of another class, named under this class; an unknown period; a bad id.
    await reschedule(ids.otherPeriod, { weeks: 1 }).expect(404);
    await cancel(ids.otherPeriod).expect(404);
    await reschedule('7d0b1f8e-2f7c-4a56-9a3e-0c1d2e3f4a5b', { weeks: 1 }).expect(404);
    await cancel('7d0b1f8e-2f7c-4a56-9a3e-0c1d2e3f4a5b').expect(404);
    await reschedule('not-a-uuid', { weeks: 1 }).expect(400);
    expect(await counts()).toEqual(before);
    expect(await row(ids.march)).toEqual(stored);
  });

  it.each([
    ['an unknown reason', { reason: 'strike' }, 'reason'],
    ['an unknown field', { reason: 'other', comment: 'x' }, 'comment'],
  ])('refuses a cancellation with %s with a 400 naming the field', async (_case, body, field) => {
    const before = await counts();
    const response = await cancel(ids.march, body).expect(400);
    expect(response.headers['content-type']).toMatch(PROBLEM);
    expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    expect(await counts()).toEqual(before);
    expect((await row(ids.march)).status).toBe('scheduled');
  });

  it('cancels a period: kept with its status and reason, announced as PfmpPeriodCancelled', async () => {
    const before = await counts();
    const response = await cancel(ids.march, { reason: 'calendar-changed' }, headOfA).expect(200);
    expect(response.body).toEqual({
      id: ids.march,
      classId: ids.class,
      startDate: '2027-03-01',
      endDate: '2027-03-12',
      weeks: 2,
      status: 'cancelled',
      cancellationReason: 'calendar-changed',
      cancelledAt: expect.any(String),
    });
    expect(await counts()).toEqual({
      periods: before.periods,
      cancelled: before.cancelled + 1,
      events: before.events + 1,
    });
    expect(await lastEvent()).toEqual({
      key: ids.class,
      type: 'fr.tremplin.schools.PfmpPeriodCancelled.v1',
      data: {
        periodId: ids.march,
        classId: ids.class,
        schoolId: ids.A,
        academy: '16',
        startDate: '2027-03-01',
        endDate: '2027-03-12',
        reason: 'calendar-changed',
        cancelledAt: response.body.cancelledAt,
      },
    });
    const view = await classView();
    expect(view.pfmpPeriods.map((p: { startDate: string; status: string }) => p.status)).toEqual([
      'scheduled',
      'cancelled',
      'scheduled',
    ]);
    expect(await periodOf(ids.march)).toEqual(response.body);
  });

  it('refuses to cancel a cancelled period or to reschedule it (409), changing nothing', async () => {
    const before = await counts();
    const twice = await cancel(ids.march, { reason: 'other' }).expect(409);
    expect(twice.headers['content-type']).toMatch(PROBLEM);
    await reschedule(ids.march, period('2027-03-08', '2027-03-19', 2)).expect(409);
    expect(await counts()).toEqual(before);
    expect(await row(ids.march)).toEqual({
      status: 'cancelled',
      startDate: '2027-03-01',
      endDate: '2027-03-12',
      weeks: 2,
      cancellationReason: 'calendar-changed',
    });
  });

  it("frees a cancelled period's days: scheduled or rescheduled onto them, even on its first day", async () => {
    const scheduled = await http()
      .post(`/api/v1/classes/${ids.class}/pfmp-periods`)
      .set('authorization', managerOfA)
      .send(period('2027-03-01', '2027-03-05', 1))
      .expect(201);
    expect(scheduled.body).toMatchObject({ status: 'scheduled' });
    const moved = await reschedule(ids.may, period('2027-03-08', '2027-03-19', 2)).expect(200);
    expect(moved.body).toMatchObject({ startDate: '2027-03-08', status: 'scheduled' });
    // The cancelled period still lies there, but only the scheduled ones meet the rules.
    await reschedule(ids.may, period('2027-03-05', '2027-03-19', 2)).expect(422);
  });

  it('cancels without a reason as "other"', async () => {
    const response = await cancel(ids.otherPeriod, {}, managerOfA, ids.otherClass).expect(200);
    expect(response.body).toMatchObject({ status: 'cancelled', cancellationReason: 'other' });
    expect(await lastEvent()).toMatchObject({
      key: ids.otherClass,
      data: { periodId: ids.otherPeriod, reason: 'other' },
    });
  });

  it('reschedules one period at a time per class: of two moved onto the same days at once, one is refused', async () => {
    const [june, july] = await Promise.all(
      [period('2027-06-07', '2027-06-11', 1), period('2027-07-05', '2027-07-09', 1)].map(
        async (body) =>
          (
            await http()
              .post(`/api/v1/classes/${ids.class}/pfmp-periods`)
              .set('authorization', managerOfA)
              .send(body)
              .expect(201)
          ).body.id as string,
      ),
    );
    const target = period('2027-06-21', '2027-06-25', 1);
    const statuses = (await Promise.all([reschedule(june, target), reschedule(july, target)]))
      .map((response) => response.status)
      .sort();
    expect(statuses).toEqual([200, 422]);
  });

  it("relays PfmpPeriodChanged and PfmpPeriodCancelled to Kafka, after the period's PfmpPeriodScheduled", async () => {
    const events = await watchEvents({
      prefix: process.env.KAFKA_TOPIC_PREFIX ?? '',
      topics: [TOPICS.calendar],
    });
    try {
      await events.waitFor(
        PfmpPeriodChanged,
        (e) => e.periodId === ids.january && e.endDate === '2027-01-29',
        30_000,
      );
      const { event: cancellation } = await events.waitFor(
        PfmpPeriodCancelled,
        (e) => e.periodId === ids.march,
        30_000,
      );
      expect(cancellation).toMatchObject({ classId: ids.class, reason: 'calendar-changed' });
      const ofJanuary = events.events
        .map(({ event }) => event as { periodId?: string } & object)
        .filter((event) => event.periodId === ids.january);
      expect(
        ofJanuary.map((event) => [event.constructor, (event as PfmpPeriodChanged).weeks]),
      ).toEqual([
        [PfmpPeriodScheduled, 2],
        [PfmpPeriodChanged, 3],
        [PfmpPeriodChanged, 2],
        [PfmpPeriodChanged, 2],
      ]);
    } finally {
      await events.stop();
    }
  });
});
