import { Client } from 'pg';
import { isDataDatabaseError, isTransientDatabaseError } from './transient-errors';

const URL = process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Errors as the real PostgreSQL raises them, classified. */
describe('database error classification (real PostgreSQL)', () => {
  let client: Client;

  beforeAll(async () => {
    client = new Client({ connectionString: URL });
    await client.connect();
    await client.query(
      'CREATE TEMP TABLE classified (id int PRIMARY KEY, name text NOT NULL CHECK (name <> $$$$))',
    );
  });

  afterAll(async () => {
    await client.end();
  });

  const failure = (sql: string, values: unknown[] = []) =>
    client.query(sql, values).then(
      () => {
        throw new Error(`${sql} did not fail`);
      },
      (error: unknown) => error,
    );

  it.each([
    ['a NUL byte in text', 'SELECT $1::text', ['a\u0000b']],
    ['a duplicate key', 'INSERT INTO classified VALUES (1, $1), (1, $1)', ['x']],
    ['a check constraint', 'INSERT INTO classified VALUES (2, $1)', ['']],
    ['a value out of range', 'SELECT $1::smallint', ['70000']],
  ])('%s is the data’s fault, not transient', async (_, sql, values) => {
    const error = await failure(sql, values);
    expect(isDataDatabaseError(error)).toBe(true);
    expect(isTransientDatabaseError(error)).toBe(false);
  });

  it('a missing table is neither the data’s fault nor transient', async () => {
    const error = await failure('SELECT * FROM no_such_table');
    expect(isDataDatabaseError(error)).toBe(false);
    expect(isTransientDatabaseError(error)).toBe(false);
  });

  it('a connection terminated by the server is transient', async () => {
    const victim = new Client({ connectionString: URL });
    await victim.connect();
    victim.on('error', () => undefined); // the termination is also emitted as an event
    const { rows } = await victim.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const error = await Promise.all([
      victim.query('SELECT pg_sleep(5)').then(
        () => undefined,
        (raised: unknown) => raised,
      ),
      client.query('SELECT pg_terminate_backend($1)', [rows[0].pid]),
    ]).then(([raised]) => raised);
    expect(isTransientDatabaseError(error)).toBe(true);
    expect(isDataDatabaseError(error)).toBe(false);
    await victim.end().catch(() => undefined);
  });
});
