import { Outbox } from '@tremplin/messaging';
import {
  Caller,
  InvalidTransition,
  NotFound,
  RuleViolated,
  systemCaller,
  UseCase,
} from '@tremplin/platform';
import { createServiceDatabase, ServiceDatabase } from '@tremplin/testing';
import { CreateSchools1764331200000 } from '../../migrations/1764331200000-create-schools';
import { CreateClasses1765195200000 } from '../../migrations/1765195200000-create-classes';
import { CancelPfmpPeriods1765224000000 } from '../../migrations/1765224000000-cancel-pfmp-periods';
import { School } from '../../schools/school.entity';
import { CancelPfmpPeriod } from '../cancel-pfmp-period/cancel-pfmp-period';
import { OpenClass } from '../open-class/open-class';
import { PfmpPeriod } from '../pfmp-period.entity';
import { SchoolClass } from '../school-class.entity';
import { ReschedulePfmpPeriod } from './reschedule-pfmp-period';

// The HTTP door is tested in test/pfmp-period-changes.spec.ts; here, the use cases' own checks,
// which hold for any door (an event handler, an import) that skips the DTOs.
describe('ReschedulePfmpPeriod and CancelPfmpPeriod, whatever the door', () => {
  let database: ServiceDatabase;
  let classId: string;
  let periodIds: string[];
  const outbox = new Outbox('schools');
  const service: Caller = systemCaller('schools', '16');
  const run = <C, R>(useCase: UseCase<C, R>, c: C, caller = service) =>
    database.dataSource.transaction((manager) => useCase.execute(c, { manager, caller }));
  const counts = async () =>
    database.dataSource.query(
      `SELECT (SELECT count(*) FROM pfmp_periods WHERE status = 'scheduled')::int AS scheduled,
              (SELECT count(*) FROM messaging_outbox)::int AS events`,
    );

  beforeAll(async () => {
    database = await createServiceDatabase('pfmp_period_changes', {
      entities: [School, SchoolClass, PfmpPeriod],
      migrations: [
        CreateSchools1764331200000,
        CreateClasses1765195200000,
        CancelPfmpPeriods1765224000000,
      ],
    });
    const [school] = await database.dataSource.query(
      `INSERT INTO schools (uai, name, academy_code, commune_insee)
       VALUES ('0381758E', 'Lycée Airbus', '16', '31555') RETURNING id`,
    );
    const view = await run(new OpenClass(outbox), {
      schoolId: school.id,
      name: 'CAP EPC A',
      schoolYear: '2026-2027',
      diploma: '50033422',
      level: 'cap1',
      specialty: 'Équipier polyvalent du commerce',
      familleDeMetiers: null,
      pfmpPeriods: [
        { startDate: '2027-01-11', endDate: '2027-02-05', weeks: 4 },
        { startDate: '2027-03-01', endDate: '2027-03-12', weeks: 2 },
      ],
    });
    classId = view.id;
    periodIds = view.pfmpPeriods.map((period) => period.id);
  });
  afterAll(() => database.drop());

  it('refuses what the DTO would, on the period as it would become, naming the field', async () => {
    const before = await counts();
    const cases: [object, string][] = [
      [{ endDate: '2027-01-04' }, 'endDate'],
      [{ startDate: '2027-02-30' }, 'startDate'],
      [{ endDate: '2027-01-15' }, 'weeks'],
      [{ startDate: '2027-02-22', endDate: '2027-03-05', weeks: 2 }, 'startDate'],
      [{ startDate: '2027-08-30', endDate: '2027-09-03', weeks: 1 }, 'startDate'],
    ];
    for (const [changes, field] of cases) {
      const refused = await run(new ReschedulePfmpPeriod(outbox), {
        classId,
        periodId: periodIds[0],
        changes,
      }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(RuleViolated);
      expect(refused).toMatchObject({ field });
    }
    expect(await counts()).toEqual(before);
  });

  it("refuses a class outside the caller's scope, and a period named under another class", async () => {
    const otherAcademy = systemCaller('schools', '13');
    const changes = { weeks: 3 };
    await expect(
      run(
        new ReschedulePfmpPeriod(outbox),
        { classId, periodId: periodIds[0], changes },
        otherAcademy,
      ),
    ).rejects.toBeInstanceOf(NotFound);
    await expect(
      run(
        new CancelPfmpPeriod(outbox),
        { classId, periodId: periodIds[0], reason: 'other' },
        otherAcademy,
      ),
    ).rejects.toBeInstanceOf(NotFound);
    await expect(
      run(new ReschedulePfmpPeriod(outbox), {
        classId: periodIds[1],
        periodId: periodIds[0],
        changes,
      }),
    ).rejects.toBeInstanceOf(NotFound);
  });

  it('cancels once, then refuses to cancel or reschedule the period again, in one event', async () => {
    const before = await counts();
    const cancelled = await run(new CancelPfmpPeriod(outbox), {
      classId,
      periodId: periodIds[1],
      reason: 'class-closed',
    });
    expect(cancelled).toMatchObject({ status: 'cancelled', cancellationReason: 'class-closed' });
    await expect(
      run(new CancelPfmpPeriod(outbox), { classId, periodId: periodIds[1], reason: 'other' }),
    ).rejects.toBeInstanceOf(InvalidTransition);
    await expect(
      run(new ReschedulePfmpPeriod(outbox), {
        classId,
        periodId: periodIds[1],
        changes: { weeks: 1 },
      }),
    ).rejects.toBeInstanceOf(InvalidTransition);
    expect(await counts()).toEqual([
      { scheduled: before[0].scheduled - 1, events: before[0].events + 1 },
    ]);
    // Its days are free: the other period may now take them.
    const moved = await run(new ReschedulePfmpPeriod(outbox), {
      classId,
      periodId: periodIds[0],
      changes: { startDate: '2027-02-15', endDate: '2027-03-12', weeks: 4 },
    });
    expect(moved).toMatchObject({ startDate: '2027-02-15', status: 'scheduled' });
  });
});
