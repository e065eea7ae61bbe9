import { randomBytes, randomUUID } from 'node:crypto';
import { SERVICE_NAMES, ServiceName } from '@tremplin/platform';
import {
  createTestDatabase,
  freePort,
  mintToken,
  ServiceProcess,
  serviceEnv,
  TestDatabase,
} from '@tremplin/testing-infrastructure';

/**
 * "No personal data in logs": each built service, at its most verbose log level, is sent
 * distinctive personal values (names, e-mail, phones, address, birth date) and credentials
 * (bearer tokens, cookies) on every route its OpenAPI document lists, in headers, query strings
 * and bodies, valid and not; then none of them may appear in any line it wrote.
 */

const NAME = 'Zoé Canary-7f3a';
const LAST_NAME = 'Canary-7f3a-Dupont';
const EMAIL = 'zoe.canary7f3a@example.org';
const PHONES = ['+33 6 12 34 56 78', '06.12.34.56.78', '+33612345678'];
const ADDRESS = '17 rue des Canaris-7f3a, 31000 Toulouse';
const STREET = '17 rue des Canaris-7f3a';
const BIRTH_DATES = ['2009-03-14', '14/03/2009'];
const GUARDIAN = 'Marc Canary-7f3a';
const COOKIE = 'session=cookie-canary-7f3a-c00k1e; theme=dark';
const BAD_BEARER = 'bearer-canary-7f3a-not-a-jwt';
const LINK_TOKEN = 'link-token-canary-7f3a';
/** A valid token whose subject and claims are personal values. */
const TOKEN = mintToken({ sub: EMAIL, roles: ['admin'] });
/** Signed with another secret: refused, and it must not be logged either. */
const FORGED = `${TOKEN.slice(0, TOKEN.lastIndexOf('.'))}.c2lnbmF0dXJlLWNhbmFyeS03ZjNh`;
const PROXY_CREDENTIALS = Buffer.from('proxy-user-canary-7f3a:pw').toString('base64');

const CANARIES = [
  NAME,
  LAST_NAME,
  EMAIL,
  ...PHONES,
  ADDRESS,
  STREET,
  ...BIRTH_DATES,
  GUARDIAN,
  'cookie-canary-7f3a-c00k1e',
  BAD_BEARER,
  LINK_TOKEN,
  TOKEN,
  FORGED,
  // A JWT's parts are logged on their own too if anything splits it.
  TOKEN.split('.')[1],
  TOKEN.split('.')[2],
  PROXY_CREDENTIALS,
];

/** The personal fields a body or a query string carries (redacted names, and contact* ones). */
const PERSONAL = {
  name: NAME,
  firstName: 'Zoé',
  lastName: LAST_NAME,
  email: EMAIL,
  phone: PHONES[0],
  mobile: PHONES[1],
  telephone: PHONES[2],
  address: ADDRESS,
  street: STREET,
  birthDate: BIRTH_DATES[0],
  dateOfBirth: BIRTH_DATES[1],
  guardian: { name: GUARDIAN, phone: PHONES[0], email: EMAIL },
  contactName: NAME,
  contactEmail: EMAIL,
  contactPhone: PHONES[0],
  contacts: [{ fullName: NAME, phoneNumber: PHONES[2] }],
  password: 'password-canary-7f3a',
  token: LINK_TOKEN,
};

const QUERY = new URLSearchParams({
  email: EMAIL,
  name: NAME,
  lastName: LAST_NAME,
  phone: PHONES[0],
  mobile: PHONES[2],
  address: ADDRESS,
  birthDate: BIRTH_DATES[0],
  'filter[email]': EMAIL,
  'guardian.phone': PHONES[1],
  // Compound personal keys, as a client may name them.
  contact_name: GUARDIAN,
  contactEmail: EMAIL,
  // Names that say nothing of what they carry: every value but paging ones is redacted.
  q: EMAIL,
  subject: NAME,
  token: LINK_TOKEN,
  limit: '5',
}).toString();

/** Every spelling a value may take in a log line: raw, URL-encoded, JSON-escaped. */
function spellings(value: string): string[] {
  const uriComponent = encodeURIComponent(value);
  const asciiJson = JSON.stringify(value)
    .slice(1, -1)
    .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return [
    value,
    JSON.stringify(value).slice(1, -1),
    asciiJson,
    uriComponent,
    uriComponent.replace(/%20/g, '+'),
    encodeURI(value),
    new URLSearchParams({ v: value }).toString().slice(2),
  ];
}

/** The canaries (each in every spelling) that a log contains, case-insensitively. */
function canariesIn(log: string, canaries: string[]): string[] {
  const haystack = log.toLowerCase();
  const found = canaries.filter((canary) =>
    spellings(canary).some((form) => haystack.includes(form.toLowerCase())),
  );
  // Any other spelling of the marker every personal canary carries.
  if (/canar(y|is)[-_. ]?7f3a/i.test(log) && found.length === 0) found.push('canary…7f3a');
  return found;
}

interface Sent {
  method: string;
  path: string;
  status: number;
  requestId: string;
  what: string;
}

/** Valid registrations (so that the success paths log too), keyed by their route. */
const VALID_BODIES: Partial<Record<ServiceName, { path: string; body: Record<string, unknown> }>> =
  {
    schools: {
      path: '/api/v1/schools',
      body: { uai: '0381758E', name: `LP ${NAME}`, academy: '16', communeCode: '31555' },
    },
    companies: {
      path: '/api/v1/companies',
      body: {
        siret: '73282932000074',
        // A sole trader's legal name is the person's name.
        legalName: NAME,
        nafCode: '62.01Z',
        nafRevision: 'rev2',
        communeCode: '31555',
        academy: '16',
      },
    },
  };

const BODY_LIMIT_BYTES = 2048;
const REFUSED_BY_BODY_PARSER = /malformed JSON|oversize JSON/;

describe.each(SERVICE_NAMES)('the %s service logs no personal data', (service) => {
  let database: TestDatabase;
  let running: ServiceProcess;
  const sent: Sent[] = [];
  let counter = 0;

  /** One request through fetch (raw bodies and headers as given), recorded with its id. */
  async function send(
    what: string,
    method: string,
    path: string,
    options: { headers?: Record<string, string>; body?: string } = {},
  ): Promise<Sent> {
    const requestId = `logred-${service}-${++counter}`;
    const response = await fetch(running.url + path, {
      method,
      headers: { 'x-request-id': requestId, ...options.headers },
      body: options.body,
      signal: AbortSignal.timeout(10_000),
    });
    await response.arrayBuffer();
    const record = { method, path, status: response.status, requestId, what };
    sent.push(record);
    return record;
  }

  beforeAll(async () => {
    database = await createTestDatabase(`${service}_logred`);
    running = new ServiceProcess(service, await freePort(), {
      ...serviceEnv({
        databaseUrl: database.url,
        topicPrefix: `logred-${randomBytes(4).toString('hex')}.`,
      }),
      // The most verbose level: every line the request logger and Nest can write.
      LOG_LEVEL: 'trace',
      // Small, so that an oversize body is cheap to send.
      HTTP_BODY_LIMIT: `${BODY_LIMIT_BYTES}b`,
    });
    await running.waitFor('/health/ready');
  });

  afterAll(async () => {
    await running?.stop();
    await database?.drop();
  });

  it('is sent personal data on every documented route, in headers, queries and bodies', async () => {
    const docs = await fetch(`${running.url}/docs-json`);
    expect(docs.status).toBe(200);
    const openapi = (await docs.json()) as {
      paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
    };
    const operations = Object.entries(openapi.paths).flatMap(([template, methods]) =>
      Object.keys(methods)
        .filter((method) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        .map((method) => ({
          method: method.toUpperCase(),
          // A path parameter is a well-formed id (a canary there would be logged: the URL path is
          // not personal data), except a signed link's token, which the logger redacts.
          path: template.replace(/\{(\w+)\}/g, (_, name: string) =>
            name === 'token' && /\/links\//.test(template) ? LINK_TOKEN : randomUUID(),
          ),
        })),
    );
    expect(operations.length).toBeGreaterThan(3);

    const json = { 'content-type': 'application/json' };
    const cookie = { cookie: COOKIE };
    const bearer = { authorization: `Bearer ${TOKEN}`, ...cookie };
    for (const { method, path } of operations) {
      const withQuery = `${path}?${QUERY}`;
      const hasBody = method !== 'GET' && method !== 'DELETE';
      const body = hasBody ? JSON.stringify(PERSONAL) : undefined;
      const headers = hasBody ? json : {};
      await send('no token', method, withQuery, { headers: { ...headers, ...cookie }, body });
      await send('bad bearer', method, withQuery, {
        headers: { ...headers, authorization: `Bearer ${BAD_BEARER}`, ...cookie },
        body,
      });
      await send('forged token', method, withQuery, {
        headers: { ...headers, authorization: `Bearer ${FORGED}` },
        body,
      });
      await send('valid token', method, withQuery, { headers: { ...headers, ...bearer }, body });
      await send('valid token, no query', method, path, {
        headers: { ...headers, ...bearer },
        body,
      });
      await send(
        'proxy credentials, a referer with a query, an address in the path',
        method,
        `${path}/${encodeURIComponent(EMAIL)}`,
        {
          headers: {
            ...headers,
            ...bearer,
            'proxy-authorization': `Basic ${PROXY_CREDENTIALS}`,
            referer: `https://console.example.fr/students?${QUERY}`,
          },
          body,
        },
      );
      if (!hasBody) continue;
      await send('malformed JSON', method, path, {
        headers: { ...json, ...bearer },
        body: `{"email": "${EMAIL}", "name": "${NAME}", "phone": `,
      });
      await send('oversize JSON', method, path, {
        headers: { ...json, ...bearer },
        body: JSON.stringify({ ...PERSONAL, padding: 'x'.repeat(BODY_LIMIT_BYTES) }),
      });
      await send('form body', method, path, {
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...bearer },
        body: QUERY,
      });
      await send('text body', method, path, {
        headers: { 'content-type': 'text/plain', ...bearer },
        body: `${NAME} ${EMAIL} ${PHONES[0]} ${ADDRESS} ${BIRTH_DATES[0]}`,
      });
    }

    const registration = VALID_BODIES[service];
    if (registration) {
      const { path, body } = registration;
      const headers = { 'content-type': 'application/json', ...bearer };
      // Personal fields beside valid ones: a 400 naming the unknown fields.
      const rejected = await send('registration with personal fields', 'POST', path, {
        headers,
        body: JSON.stringify({ ...body, ...PERSONAL }),
      });
      expect(rejected.status).toBe(400);
      const created = await send('registration', 'POST', path, {
        headers,
        body: JSON.stringify(body),
      });
      expect(created.status).toBe(201);
      const duplicate = await send('duplicate registration', 'POST', path, {
        headers,
        body: JSON.stringify(body),
      });
      expect(duplicate.status).toBe(409);
      await send('list', 'GET', `${path}?limit=5`, { headers: bearer });
    }

    const unknown = await send('unknown route', 'GET', `/api/v1/no-such-thing?${QUERY}`, {
      headers: bearer,
    });
    expect(unknown.status).toBe(404);
    const unknownPost = await send('unknown route, malformed JSON', 'POST', '/api/v1/anything', {
      headers: { ...json, ...cookie },
      body: `{"email": "${EMAIL}", `,
    });
    expect(unknownPost.status).toBe(400);

    // The gates did their work: refusals, validation and parser errors, no server error.
    const statuses = (what: string) =>
      sent.filter((s) => s.what === what && !/^\/(health|metrics)/.test(s.path));
    for (const refused of statuses('bad bearer')) expect(refused.status).toBe(401);
    for (const refused of statuses('forged token')) expect(refused.status).toBe(401);
    for (const malformed of statuses('malformed JSON')) expect(malformed.status).toBe(400);
    for (const oversize of statuses('oversize JSON')) expect(oversize.status).toBe(413);
    expect(sent.filter((s) => s.status >= 500)).toEqual([]);
    console.log(`${service}: ${sent.length} requests on ${operations.length} operations`);
  });

  it('wrote none of it in any log line, yet logged every request', async () => {
    // Stopped first, so that every line is flushed.
    const { output } = await running.stop();
    const lines = output.split('\n').filter(Boolean);
    // The request logger saw every request: probes and scrapes are excepted by design, and a
    // body the parser refuses (bad JSON, too large) is answered before the logger's middleware.
    const logged = sent.filter(
      (s) => !/^\/(health|metrics)/.test(s.path) && !REFUSED_BY_BODY_PARSER.test(s.what),
    );
    expect(lines.length).toBeGreaterThan(logged.length);
    const missing = logged.filter((s) => !output.includes(`"${s.requestId}"`));
    expect(missing).toEqual([]);
    expect(output).toContain('[Redacted]');

    const leaks = lines
      .map((line) => ({ canaries: canariesIn(line, CANARIES), line }))
      .filter((leak) => leak.canaries.length > 0);
    expect(leaks).toEqual([]);
  });
});

describe('the canary search', () => {
  it('finds a canary in any spelling, so that the test above can fail', () => {
    expect(canariesIn('{"url":"/api/v1/x?e=zoe.canary7f3a%40example.org"}', [EMAIL])).toEqual([
      EMAIL,
    ]);
    expect(canariesIn('{"name":"Zo\\u00e9 Canary-7f3a"}', [NAME])).toEqual([NAME]);
    expect(canariesIn('{"q":"Zo%C3%A9+Canary-7f3a"}', [NAME])).toEqual([NAME]);
    expect(canariesIn('{"phone":"%2B33%206%2012%2034%2056%2078"}', [PHONES[0]])).toEqual([
      PHONES[0],
    ]);
    expect(canariesIn('{"msg":"CANARIS_7F3A"}', [])).toEqual(['canary…7f3a']);
    expect(canariesIn('{"email":"[Redacted]"}', CANARIES)).toEqual([]);
  });
});
