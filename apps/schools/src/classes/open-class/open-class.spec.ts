import { Outbox } from '@tremplin/messaging';
import {
  Caller,
  NotAllowed,
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
import { PfmpPeriod } from '../pfmp-period.entity';
import { SchedulePfmpPeriod } from '../schedule-pfmp-period/schedule-pfmp-period';
import { SchoolClass } from '../school-class.entity';
import { OpenClass, OpenClassCommand } from './open-class';

// The HTTP door is tested in test/classes.spec.ts; here, the use cases' own checks, which hold
// for any door (an event handler, an import) that skips the DTOs.
describe('OpenClass and SchedulePfmpPeriod, whatever the door', () => {
  let database: ServiceDatabase;
  let command: OpenClassCommand;
  const outbox = new Outbox('schools');
  const service: Caller = systemCaller('schools', '16');
  const run = <C, R>(useCase: UseCase<C, R>, c: C, caller = service) =>
    database.dataSource.transaction((manager) => useCase.execute(c, { manager, caller }));
  const counts = async () =>
    database.dataSource.query(
      `SELECT (SELECT count(*) FROM school_classes)::int AS classes,
              (SELECT count(*) FROM pfmp_periods)::int AS periods,
              (SELECT count(*) FROM messaging_outbox)::int AS events`,
    );

  beforeAll(async () => {
    database = await createServiceDatabase('open_class', {
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
    command = {
      schoolId: school.id,
      name: 'CAP EPC A',
      schoolYear: '2026-2027',
      diploma: '50033422',
      level: 'cap1',
      specialty: 'Équipier polyvalent du commerce',
      familleDeMetiers: null,
      pfmpPeriods: [{ startDate: '2027-01-11', endDate: '2027-02-05', weeks: 4 }],
    };
  });
  afterAll(() => database.drop());

  it("opens a class as the service's system caller, its period announced in the same transaction", async () => {
    const view = await run(new OpenClass(outbox), command);
    expect(view).toMatchObject({ uai: '0381758E', academy: '16', level: 'cap1' });
    expect(view.pfmpPeriods).toHaveLength(1);
    expect(await counts()).toEqual([{ classes: 1, periods: 1, events: 1 }]);
  });

  it('writes nothing when the transaction it runs in rolls back', async () => {
    const before = await counts();
    await expect(
      database.dataSource.transaction(async (manager) => {
        await new OpenClass(outbox).execute(
          { ...command, name: 'CAP EPC B' },
          { manager, caller: service },
        );
        throw new Error('a later step of the same transaction failed');
      }),
    ).rejects.toThrow('a later step');
    expect(await counts()).toEqual(before);
  });

  it('refuses what the DTOs would, naming the field, and stores nothing', async () => {
    const before = await counts();
    const cases: [Partial<OpenClassCommand>, string][] = [
      [{ familleDeMetiers: 'Métiers de la relation client' }, 'familleDeMetiers'],
      [{ specialty: null }, 'specialty'],
      [{ schoolYear: '2026-2028' }, 'schoolYear'],
      [
        { pfmpPeriods: [{ startDate: '2027-02-05', endDate: '2027-01-11', weeks: 1 }] },
        'pfmpPeriods.0.endDate',
      ],
      [
        { pfmpPeriods: [{ startDate: '2027-01-11', endDate: '2027-01-15', weeks: 2 }] },
        'pfmpPeriods.0.weeks',
      ],
      [
        { pfmpPeriods: [{ startDate: '2027-08-30', endDate: '2027-09-03', weeks: 1 }] },
        'pfmpPeriods.0.startDate',
      ],
      [
        {
          pfmpPeriods: [
            { startDate: '2027-01-11', endDate: '2027-01-22', weeks: 2 },
            { startDate: '2027-01-18', endDate: '2027-01-29', weeks: 2 },
          ],
        },
        'pfmpPeriods.1.startDate',
      ],
    ];
    for (const [bad, field] of cases) {
      const refused = await run(new OpenClass(outbox), {
        ...command,
        name: 'CAP EPC C',
        ...bad,
      }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(RuleViolated);
      expect(refused).toMatchObject({ field });
    }
    expect(await counts()).toEqual(before);
  });

  it("refuses a school outside the caller's scope and a class outside it, storing nothing", async () => {
    const before = await counts();
    const otherAcademy = systemCaller('schools', '13');
    await expect(
      run(new OpenClass(outbox), { ...command, name: 'CAP EPC D' }, otherAcademy),
    ).rejects.toBeInstanceOf(NotAllowed);
    const [{ id }] = await database.dataSource.query('SELECT id FROM school_classes');
    await expect(
      run(
        new SchedulePfmpPeriod(outbox),
        { classId: id, period: { startDate: '2027-03-01', endDate: '2027-03-05', weeks: 1 } },
        otherAcademy,
      ),
    ).rejects.toBeInstanceOf(NotFound);
    expect(await counts()).toEqual(before);
  });
});
