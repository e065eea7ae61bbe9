import { randomUUID } from 'node:crypto';
import { LinkRefused, LinkToIssue, SignedLinks } from '../../src/links/signed-links';
import { createKitDatabase, KitDatabase } from '../support/kit-database';

jest.setTimeout(60_000);

const proposalId = randomUUID();
const contactId = randomUUID();
const link: LinkToIssue = {
  purpose: 'answer-proposal',
  resourceId: proposalId,
  academy: '16',
  expiresInSeconds: 3600,
  issuedFor: contactId,
};

describe('SignedLinks (real PostgreSQL)', () => {
  let database: KitDatabase;
  const links = new SignedLinks();

  beforeAll(async () => {
    database = await createKitDatabase('signed_links');
  });
  afterAll(() => database.drop());

  const manager = () => database.dataSource.manager;
  const issue = (overrides: Partial<LinkToIssue> = {}) =>
    links.issue(manager(), { ...link, ...overrides });
  const consume = (token: string, purpose = 'answer-proposal') =>
    database.dataSource.transaction((tx) => links.consume(tx, token, purpose));
  const refusal = (attempt: Promise<unknown>) =>
    attempt.then(
      () => 'accepted',
      (error: unknown) => (error instanceof LinkRefused ? error.reason : String(error)),
    );

  it('puts nothing in the token but the link id and 32 random bytes, and stores only their hash', async () => {
    const issued = await issue();

    const [id, secret] = issued.token.split('.');
    expect(id).toBe(issued.id);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    expect(issued.token).not.toContain(proposalId);
    expect(issued.token).not.toContain(contactId);
    const [row] = await database.dataSource.query(
      `SELECT encode(secret_hash, 'hex') AS hash, row_to_json(l)::text AS json FROM signed_links l WHERE id = $1`,
      [issued.id],
    );
    expect(row.hash).toHaveLength(64);
    expect(row.json).not.toContain(secret);
    expect(issued.expiresAt.getTime()).toBeGreaterThan(Date.now() + 3_500_000);
  });

  it('opens once: the first use gives the grant, the second is refused as used', async () => {
    const { id, token } = await issue();

    expect(await links.verify(manager(), token, 'answer-proposal')).toMatchObject({
      subject: `link:${id}`,
    });
    const caller = await consume(token);

    expect(caller).toEqual({
      subject: `link:${id}`,
      roles: [],
      academy: '16',
      schools: [],
      companies: [],
      students: [],
      link: {
        id,
        purpose: 'answer-proposal',
        resourceId: proposalId,
        academy: '16',
        issuedFor: contactId,
        expiresAt: expect.any(Date),
      },
    });
    expect(await refusal(consume(token))).toBe('used');
    expect(await refusal(links.verify(manager(), token, 'answer-proposal'))).toBe('used');
  });

  it('stays usable when the action it opened rolls back', async () => {
    const { token } = await issue();
    await expect(
      database.dataSource.transaction(async (tx) => {
        await links.consume(tx, token, 'answer-proposal');
        throw new Error('the answer could not be saved');
      }),
    ).rejects.toThrow('could not be saved');

    expect(await refusal(consume(token))).toBe('accepted');
  });

  it('is refused once expired', async () => {
    const { token } = await issue({ expiresInSeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1_100));

    expect(await refusal(links.verify(manager(), token, 'answer-proposal'))).toBe('expired');
    expect(await refusal(consume(token))).toBe('expired');
  });

  it('is refused once revoked, alone or with every link of its resource', async () => {
    const first = await issue();
    expect(await links.revoke(manager(), first.id)).toBe(true);
    expect(await links.revoke(manager(), first.id)).toBe(false);
    expect(await refusal(consume(first.token))).toBe('revoked');

    const resourceId = randomUUID();
    const [a, b] = [await issue({ resourceId }), await issue({ resourceId })];
    const other = await issue({ resourceId, purpose: 'sign-agreement' });
    expect(await links.revokeAll(manager(), 'answer-proposal', resourceId)).toBe(2);
    expect(await refusal(consume(a.token))).toBe('revoked');
    expect(await refusal(consume(b.token))).toBe('revoked');
    expect(await refusal(consume(other.token, 'sign-agreement'))).toBe('accepted');
  });

  it('refuses another purpose without using the link up', async () => {
    const { token } = await issue();

    expect(await refusal(consume(token, 'sign-agreement'))).toBe('wrong-purpose');
    expect(await refusal(consume(token))).toBe('accepted');
  });

  it('knows no forged, truncated or unknown token, and does not tell which', async () => {
    const { id, token } = await issue();
    const secret = token.split('.')[1];
    const forged = `${id}.${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;

    for (const attempt of [
      forged,
      token.slice(0, -1),
      `${randomUUID()}.${secret}`,
      'not-a-token',
      '',
    ])
      expect(await refusal(consume(attempt))).toBe('unknown');
    expect(await refusal(consume(token))).toBe('accepted');
  });

  it('of concurrent uses, lets exactly one through', async () => {
    const { token } = await issue();

    const outcomes = await Promise.all(
      Array.from({ length: 5 }, () =>
        refusal(
          database.dataSource.transaction(async (tx) => {
            const caller = await links.consume(tx, token, 'answer-proposal');
            // The action takes a while: the others wait on the row meanwhile.
            await tx.query('SELECT pg_sleep(0.2)');
            return caller;
          }),
        ),
      ),
    );

    expect(outcomes.sort()).toEqual(['accepted', 'used', 'used', 'used', 'used']);
  });

  it('refuses to issue a link with a bad purpose, an email as an id, or an endless life', async () => {
    await expect(issue({ purpose: 'Answer Proposal' })).rejects.toThrow(/purpose/);
    await expect(issue({ issuedFor: 'jeanne.martin@example.fr' })).rejects.toThrow(/issuedFor/);
    await expect(issue({ expiresInSeconds: 0 })).rejects.toThrow(/expires/);
    await expect(issue({ expiresInSeconds: 365 * 24 * 3600 })).rejects.toThrow(/expires/);
  });
});
