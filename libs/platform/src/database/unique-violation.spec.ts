import { Column, DataSource, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { uniqueViolationProblem } from './unique-violation';

const URL = process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** A table of this run's own in the shared database. */
const TABLE = `unique_violation_sites_${process.pid}`;

/** A column whose API name is not its database name, and a key of two columns. */
@Entity(TABLE)
@Unique(['academy', 'siteReference'])
class Site {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'commune_insee', unique: true })
  communeCode: string;

  @Column({ name: 'academy_code' })
  academy: string;

  @Column({ name: 'site_reference' })
  siteReference: string;
}

/** Unique violations as the real PostgreSQL raises them, mapped to the API's property names. */
describe('uniqueViolationProblem (real PostgreSQL)', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = new DataSource({ type: 'postgres', url: URL, entities: [Site] });
    await dataSource.initialize();
    await dataSource.query(`DROP TABLE IF EXISTS ${TABLE}`);
    await dataSource.query(`CREATE TABLE ${TABLE} (
      id serial PRIMARY KEY,
      commune_insee text NOT NULL UNIQUE,
      academy_code text NOT NULL,
      site_reference text NOT NULL,
      UNIQUE (academy_code, site_reference))`);
    await dataSource.getRepository(Site).insert({
      communeCode: '31555',
      academy: '16',
      siteReference: 'A',
    });
  });

  afterAll(async () => {
    await dataSource?.query(`DROP TABLE IF EXISTS ${TABLE}`);
    await dataSource?.destroy();
  });

  const violation = (site: Omit<Site, 'id'>) =>
    dataSource
      .getRepository(Site)
      .insert(site)
      .then(
        () => {
          throw new Error('no violation');
        },
        (error: unknown) => error,
      );

  it('names the entity property of the violated column, not the column, and not the value', async () => {
    const error = await violation({ communeCode: '31555', academy: '16', siteReference: 'B' });
    const problem = uniqueViolationProblem(error, dataSource.entityMetadatas);
    expect(problem).toEqual({
      type: 'about:blank',
      title: 'Conflict',
      status: 409,
      detail: 'A site with this communeCode is already registered',
      errors: [{ field: 'communeCode', messages: ['already registered'] }],
    });
  });

  it('names every field of a key of several columns', async () => {
    const error = await violation({ communeCode: '31556', academy: '16', siteReference: 'A' });
    expect(uniqueViolationProblem(error, dataSource.entityMetadatas)?.errors).toEqual([
      { field: 'academy', messages: ['already registered'] },
      { field: 'siteReference', messages: ['already registered'] },
    ]);
  });

  it('falls back to the column in camelCase without entity metadata', async () => {
    const error = await violation({ communeCode: '31555', academy: '17', siteReference: 'C' });
    expect(uniqueViolationProblem(error, [])?.errors).toEqual([
      { field: 'communeInsee', messages: ['already registered'] },
    ]);
  });

  it('leaves any other error alone', async () => {
    const error = await dataSource.query('SELECT 1/0').catch((raised: unknown) => raised);
    expect(uniqueViolationProblem(error, dataSource.entityMetadatas)).toBeUndefined();
  });
});
