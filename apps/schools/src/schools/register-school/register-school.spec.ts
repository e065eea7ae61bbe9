import { Outbox } from '@tremplin/messaging';
import { AlreadyRegistered, Caller, NotAllowed, NotFound, systemCaller } from '@tremplin/platform';
import { createServiceDatabase, ServiceDatabase } from '@tremplin/testing';
import { CreateSchools1764331200000 } from '../../migrations/1764331200000-create-schools';
import { School } from '../school.entity';
import { getSchool, listSchools } from '../schools.queries';
import { RegisterSchool, RegisterSchoolCommand } from './register-school';

const admin: Caller = {
  subject: 'admin-1',
  roles: ['admin'],
  schools: [],
  companies: [],
  students: [],
};
const command: RegisterSchoolCommand = {
  uai: '0381758E',
  name: 'Lycée professionnel Airbus',
  academy: '16',
  communeCode: '31555',
  priorityEducation: true,
};

describe('RegisterSchool', () => {
  let database: ServiceDatabase;
  const registerSchool = new RegisterSchool(new Outbox('schools'));

  beforeAll(async () => {
    database = await createServiceDatabase('register_school', {
      entities: [School],
      migrations: [CreateSchools1764331200000],
    });
  });
  afterAll(() => database.drop());
  beforeEach(() => database.dataSource.query('TRUNCATE schools, messaging_outbox'));

  const outboxTypes = async (): Promise<string[]> =>
    (
      await database.dataSource.query(
        `SELECT headers->>'ce_type' AS type FROM messaging_outbox ORDER BY id`,
      )
    ).map((row: { type: string }) => row.type);

  it('stores the school and its SchoolRegistered in the transaction it is given', async () => {
    const view = await database.dataSource.transaction((manager) =>
      registerSchool.execute(command, { manager, caller: admin }),
    );

    expect(view).toEqual({ ...command, id: expect.any(String), createdAt: expect.any(Date) });
    expect(
      await getSchool({ manager: database.dataSource.manager, caller: admin }, view.id),
    ).toEqual(view);
    expect(await outboxTypes()).toEqual(['fr.tremplin.schools.SchoolRegistered.v1']);
  });

  it('writes nothing when the transaction it runs in rolls back', async () => {
    await expect(
      database.dataSource.transaction(async (manager) => {
        await registerSchool.execute(command, { manager, caller: admin });
        throw new Error('a later step of the same transaction failed');
      }),
    ).rejects.toThrow('a later step');

    expect(await database.dataSource.manager.count(School)).toBe(0);
    expect(await outboxTypes()).toEqual([]);
  });

  it('runs the same for the service itself, the caller of its event handlers', async () => {
    const view = await database.dataSource.transaction((manager) =>
      registerSchool.execute(command, { manager, caller: systemCaller('schools', '16') }),
    );

    expect(view.uai).toBe(command.uai);
    expect(await outboxTypes()).toHaveLength(1);
  });

  it('refuses a UAI already registered, naming the field, and publishes nothing more', async () => {
    const run = () =>
      database.dataSource.transaction((manager) =>
        registerSchool.execute(command, { manager, caller: admin }),
      );
    await run();

    const refused = await run().catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(AlreadyRegistered);
    expect(refused).toMatchObject({ field: 'uai' });
    expect(await outboxTypes()).toHaveLength(1);
  });

  it('reads schools as views, not entities', async () => {
    await database.dataSource.transaction((manager) =>
      registerSchool.execute(command, { manager, caller: admin }),
    );

    const page = await listSchools(
      { manager: database.dataSource.manager, caller: admin },
      { offset: 0, limit: 10 },
    );

    expect(page).toMatchObject({ total: 1, offset: 0, limit: 10 });
    expect(page.items[0]).not.toBeInstanceOf(School);
    await expect(
      getSchool(
        { manager: database.dataSource.manager, caller: admin },
        '7d0b1f8e-2f7c-4a56-9a3e-0c1d2e3f4a5b',
      ),
    ).rejects.toBeInstanceOf(NotFound);
  });

  it('refuses a school outside the caller’s academy, and writes nothing', async () => {
    const otherAcademy: Caller = { ...admin, roles: ['academy_admin'], academy: '13' };
    await expect(
      database.dataSource.transaction((manager) =>
        registerSchool.execute(command, { manager, caller: otherAcademy }),
      ),
    ).rejects.toBeInstanceOf(NotAllowed);
    expect(await database.dataSource.manager.count(School)).toBe(0);
    expect(await outboxTypes()).toEqual([]);
  });

  it('shows a school only to callers whose scope holds it', async () => {
    const view = await database.dataSource.transaction((manager) =>
      registerSchool.execute(command, { manager, caller: admin }),
    );
    const read = (caller: Caller) =>
      getSchool({ manager: database.dataSource.manager, caller }, view.id);
    const list = (caller: Caller) =>
      listSchools({ manager: database.dataSource.manager, caller }, { offset: 0, limit: 10 });
    const ownManager: Caller = {
      ...admin,
      roles: ['office_manager'],
      academy: '16',
      schools: [command.uai],
    };
    const otherManager: Caller = { ...ownManager, schools: ['0310002B'] };

    await expect(read(ownManager)).resolves.toMatchObject({ uai: command.uai });
    expect((await list(ownManager)).total).toBe(1);
    await expect(read(otherManager)).rejects.toBeInstanceOf(NotFound);
    expect(await list(otherManager)).toMatchObject({ total: 0, items: [] });
  });
});
