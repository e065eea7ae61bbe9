import { createTestDatabase, TestDatabase } from '@tremplin/testing-infrastructure';
import fc from 'fast-check';
import {
  Column,
  CreateDateColumn,
  DataSource,
  Entity,
  EntityManager,
  PrimaryGeneratedColumn,
} from 'typeorm';
import type { Caller } from '../../src/auth/roles';
import { runInWorkContext } from '../../src/context/request-context';
import { admits, scopeOver } from '../../src/scope/caller-scope';
import { ScopeCheck, ScopeNotApplied, withoutScopeCheck } from '../../src/scope/scope-check';
import { scopedRepository } from '../../src/scope/scoped-repository';
import { scopeColumnsOf, TenantScoped } from '../../src/scope/tenant-scoped';
import { NotAllowed, NotFound } from '../../src/use-cases/domain-errors';

/** A row of every dimension, as a placement would have. */
@Entity('scoped_rows')
@TenantScoped<ScopedRow>({ academy: 'academy', school: 'uai', company: 'siret', student: 'ine' })
class ScopedRow {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'academy_code' }) academy: string;
  @Column() uai: string;
  @Column() siret: string;
  @Column() ine: string;
  @Column({ default: '' }) note: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}

const ACADEMIES = ['16', '13'];
const UAIS = ['0310001A', '0310002B', '0130001C'];
const SIRETS = ['12345678900011', '12345678900029', '98765432100015'];
const INES = ['INE-1', 'INE-2', 'INE-3'];

const nobody: Caller = { subject: 'u', roles: [], schools: [], companies: [], students: [] };
const manager16 = {
  ...nobody,
  roles: ['office_manager'],
  academy: '16',
  schools: ['0310001A'],
} as Caller;
const admin = { ...nobody, roles: ['admin'] } as Caller;

describe('ScopedRepository and the scope check (real PostgreSQL)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    database = await createTestDatabase('scoped_repository');
    dataSource = new DataSource({
      type: 'postgres',
      url: database.url,
      entities: [ScopedRow],
      subscribers: [ScopeCheck],
      synchronize: true,
    });
    await dataSource.initialize();
    // Every combination once: 2 × 3 × 3 × 3 rows.
    for (const academy of ACADEMIES)
      for (const uai of UAIS)
        for (const siret of SIRETS)
          for (const ine of INES) {
            const row = await dataSource.manager.save(ScopedRow, { academy, uai, siret, ine });
            ids[[academy, uai, siret, ine].join('/')] = row.id;
          }
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  const rows = (caller: Caller, manager: EntityManager = dataSource.manager) =>
    scopedRepository({ manager, caller }, ScopedRow, 'row');

  const arbitraryCaller: fc.Arbitrary<Caller> = fc.record({
    subject: fc.constant('someone'),
    roles: fc.subarray([
      'admin',
      'academy_admin',
      'office_manager',
      'teacher',
      'school_head',
      'company',
      'student',
      'guardian',
      'service',
    ] as const),
    academy: fc.option(fc.constantFrom(...ACADEMIES), { nil: undefined }),
    schools: fc.subarray(UAIS),
    companies: fc.subarray([...SIRETS, '123456789', '987654321']),
    students: fc.subarray(INES),
  }) as fc.Arbitrary<Caller>;

  it('lists exactly the rows the in-memory scope admits, for any caller (SQL and JS agree)', async () => {
    const all = await dataSource.manager.find(ScopedRow);
    const columns = scopeColumnsOf(ScopedRow) ?? {};
    await fc.assert(
      fc.asyncProperty(arbitraryCaller, async (caller) => {
        const seen = (await rows(caller).find()).map((row) => row.id).sort();
        const expected = all
          .filter((row) => admits(scopeOver(caller, columns), columns, { ...row }))
          .map((row) => row.id)
          .sort();
        expect(seen).toEqual(expected);
        expect(await rows(caller).count()).toBe(expected.length);
      }),
      { numRuns: 150 },
    );
  });

  it('ANDs the caller’s filters with the scope: asking for another academy gives nothing', async () => {
    expect(await rows(manager16).find({ academy: '13' })).toEqual([]);
    const mine = await rows(manager16).find({ ine: 'INE-1' });
    expect(mine).toHaveLength(3);
    expect(mine.every((row) => row.uai === '0310001A' && row.academy === '16')).toBe(true);
  });

  it('pages within the scope, counting only it', async () => {
    const page = await rows(manager16).page({ offset: 0, limit: 4 });
    expect(page.total).toBe(9);
    expect(page.items).toHaveLength(4);
    const rest = await rows(manager16).page({ offset: 4, limit: 10 });
    expect([...page.items, ...rest.items].map((row) => row.id)).toHaveLength(
      new Set([...page.items, ...rest.items].map((row) => row.id)).size,
    );
  });

  it('answers NotFound for a row outside the scope, as for one that does not exist', async () => {
    const theirs = ids['13/0130001C/12345678900011/INE-1'];
    await expect(rows(manager16).getById(theirs)).rejects.toBeInstanceOf(NotFound);
    await expect(rows(admin).getById(theirs)).resolves.toMatchObject({ academy: '13' });
  });

  it('changes nothing outside the scope: update and delete are NotFound, a move is refused', async () => {
    const theirs = ids['13/0130001C/12345678900011/INE-2'];
    const mine = ids['16/0310001A/12345678900011/INE-2'];
    await expect(rows(manager16).update(theirs, { note: 'changed' })).rejects.toBeInstanceOf(
      NotFound,
    );
    await expect(rows(manager16).delete(theirs)).rejects.toBeInstanceOf(NotFound);
    await expect(rows(manager16).update(mine, { uai: '0130001C' })).rejects.toBeInstanceOf(
      NotAllowed,
    );
    // Within the caller's scope too: a scope column does not change.
    await expect(rows(admin).update(mine, { academy: '13' })).rejects.toBeInstanceOf(NotAllowed);
    expect(await dataSource.manager.findOneByOrFail(ScopedRow, { id: theirs })).toMatchObject({
      note: '',
    });
    expect(await dataSource.manager.findOneByOrFail(ScopedRow, { id: mine })).toMatchObject({
      uai: '0310001A',
    });
    await expect(rows(manager16).update(mine, { note: 'mine' })).resolves.toMatchObject({
      note: 'mine',
    });
  });

  it('refuses to create a row outside the scope, and creates one inside', async () => {
    await expect(
      rows(manager16).insert({ academy: '13', uai: '0130001C', siret: SIRETS[0], ine: 'INE-9' }),
    ).rejects.toBeInstanceOf(NotAllowed);
    const created = await rows(manager16).insert({
      academy: '16',
      uai: '0310001A',
      siret: SIRETS[0],
      ine: 'INE-9',
    });
    await rows(admin).delete(created.id);
    expect(await dataSource.manager.countBy(ScopedRow, { ine: 'INE-9' })).toBe(0);
  });

  it('refuses where() and or*() on a scoped query builder, which would drop the scope', () => {
    const query = () => rows(manager16).createQueryBuilder('row');
    expect(() => query().where('true')).toThrow(/andWhere/);
    expect(() => query().orWhere('true')).toThrow(/andWhere/);
    expect(() => query().orWhereInIds([ids['13/0130001C/12345678900011/INE-1']])).toThrow(
      /andWhere/,
    );
  });

  it('keeps the scope when a query sets parameters of the same look', async () => {
    const found = await rows(manager16)
      .createQueryBuilder('row')
      .andWhere('row.ine = :ine', { ine: 'INE-1', scope_0_academy: ['13'] })
      .setParameters({ scope_0_academy: ['13'], scope_0_school: ['0130001C'] })
      .getMany();
    expect(found.length).toBeGreaterThan(0);
    expect(new Set(found.map((row) => row.academy))).toEqual(new Set(['16']));
  });

  it('never upserts: an insert naming an existing row fails and changes nothing', async () => {
    const theirs = ids['13/0130001C/12345678900011/INE-1'];
    await expect(
      rows(manager16).insert({
        id: theirs,
        academy: '16',
        uai: '0310001A',
        siret: SIRETS[0],
        ine: 'X',
      }),
    ).rejects.toThrow(/duplicate key/);
    expect(await dataSource.manager.findOneByOrFail(ScopedRow, { id: theirs })).toMatchObject({
      academy: '13',
    });
  });

  describe('the scope check under code that forgot the scope', () => {
    const asManager = <T>(work: () => Promise<T>) =>
      runInWorkContext({ caller: manager16, origin: {} }, work);

    it('fails a plain find that would load a row outside the scope', async () => {
      await expect(asManager(() => dataSource.manager.find(ScopedRow))).rejects.toBeInstanceOf(
        ScopeNotApplied,
      );
      await expect(
        asManager(() => dataSource.manager.findBy(ScopedRow, { uai: '0310001A', academy: '16' })),
      ).resolves.toHaveLength(9);
    });

    it('fails a save outside the scope, before anything is written', async () => {
      await expect(
        asManager(() =>
          dataSource.manager.save(ScopedRow, {
            academy: '13',
            uai: '0130001C',
            siret: SIRETS[0],
            ine: 'INE-8',
          }),
        ),
      ).rejects.toBeInstanceOf(ScopeNotApplied);
      expect(await dataSource.manager.countBy(ScopedRow, { ine: 'INE-8' })).toBe(0);
    });

    it('lets a read past the scope through when it says why', async () => {
      await expect(
        asManager(() =>
          withoutScopeCheck('a test of the escape hatch', () => dataSource.manager.find(ScopedRow)),
        ),
      ).resolves.toHaveLength(54);
    });
  });
});
