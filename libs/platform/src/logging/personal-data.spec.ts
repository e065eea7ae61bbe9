import {
  isRedactedField,
  maskEmails,
  REDACTED,
  redactFields,
  redactParams,
  redactQuery,
  redactUrl,
} from './personal-data';

describe('what a log line may not carry (personal-data.ts)', () => {
  it.each([
    'email',
    'Email',
    'contact_name',
    'contactEmail',
    'guardianEmail',
    'GUARDIAN-PHONE',
    'filter[email]',
    'guardian.phone',
    'birth_date',
    'legalName',
  ])('redacts the field %s', (field) => expect(isRedactedField(field)).toBe(true));

  it.each(['id', 'siret', 'uai', 'academy', 'offset', 'seats', 'status'])(
    'keeps the field %s',
    (field) => expect(isRedactedField(field)).toBe(false),
  );

  it('redacts nested fields and arrays, keeping the rest', () => {
    expect(
      redactFields({
        siret: '1',
        contacts: [{ email: 'a@b.fr' }],
        tutor: { lastName: 'X', id: 2 },
      }),
    ).toEqual({ siret: '1', contacts: REDACTED, tutor: { lastName: REDACTED, id: 2 } });
  });

  it('logs the values of paging parameters only, whatever the others are called', () => {
    expect(redactQuery({ offset: '20', limit: '10', q: 'zoe@example.org', subject: 's' })).toEqual({
      offset: '20',
      limit: '10',
      q: REDACTED,
      subject: REDACTED,
    });
    expect(redactUrl('/api/v1/audit?subject=zoe%40example.org&limit=5&q=Zo%C3%A9+Dupont')).toBe(
      `/api/v1/audit?subject=${REDACTED}&limit=5&q=${REDACTED}`,
    );
  });

  it('masks e-mail addresses in paths, encoded or not, and link tokens', () => {
    expect(redactUrl('/api/v1/schools/zoe.dupont%40example.org')).toBe(
      `/api/v1/schools/${REDACTED}`,
    );
    expect(redactUrl('/api/v1/links/abc.def/answer?x=1')).toBe(
      `/api/v1/links/${REDACTED}/answer?x=${REDACTED}`,
    );
    expect(redactUrl('/api/v1/schools/0310001A')).toBe('/api/v1/schools/0310001A');
    expect(maskEmails('Key (email)=(zoe@example.org) exists')).toBe(
      `Key (email)=(${REDACTED}) exists`,
    );
  });

  it('masks e-mail addresses in route parameters', () => {
    expect(redactParams({ path: ['schools', 'zoe@example.org'], id: '7' })).toEqual({
      path: ['schools', REDACTED],
      id: '7',
    });
  });

  it('hides link secrets wherever they are, and cuts long texts in linear time', () => {
    const token = `0b0c6d2e-1a2b-4c3d-8e9f-0a1b2c3d4e5f.${'s'.repeat(43)}`;
    for (const url of [
      `/api/v1/proposal-answers/${token}`,
      `/api/v1/Links/${token}`,
      `/x?t=${token}`,
    ])
      expect(redactUrl(url)).not.toContain('s'.repeat(43));
    const started = process.hrtime.bigint();
    const long = redactUrl(`/api/v1/${'b'.repeat(200_000)}`);
    maskEmails('a@'.repeat(100_000));
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(500);
    expect(long.length).toBeLessThan(5000);
  });
});
