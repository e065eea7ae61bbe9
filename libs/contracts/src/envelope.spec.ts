import { CloudEvent, Kafka, KafkaMessage } from 'cloudevents';
import { validateAgainstGeneratedSchema } from '../test/schema-validator';
import { ContactDetailsChanged, InternshipFilled } from './catalogue';
import {
  MAX_DATA_BYTES,
  MAX_DATA_DEPTH,
  parseKafkaRecord,
  schemaUriOf,
  toKafkaRecord,
} from './envelope';
import { examples } from './examples';
import { EventClass } from './integration-event';
import { TOPICS } from './topics';

const filled = () =>
  InternshipFilled.of({
    internshipId: '00000000-0000-4000-8000-000000000006',
    companyId: '00000000-0000-4000-8000-000000000005',
    academy: '16',
  });

describe('CloudEvents envelope (Kafka protocol binding, binary mode)', () => {
  it('carries the attributes as ce_ headers, the aggregate id as key and the data as JSON value', () => {
    const record = toKafkaRecord(filled(), {
      source: 'companies',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      causationId: 'request-1',
    });
    expect(record.topic).toBe(TOPICS.internships.name);
    expect(record.key).toBe('00000000-0000-4000-8000-000000000006');
    expect(record.headers).toEqual({
      'content-type': 'application/json',
      ce_specversion: '1.0',
      ce_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      ce_source: '/tremplin/companies',
      ce_type: 'fr.tremplin.companies.InternshipFilled.v1',
      ce_subject: '00000000-0000-4000-8000-000000000006',
      ce_time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      ce_dataschema: schemaUriOf('fr.tremplin.companies.InternshipFilled.v1'),
      ce_academy: '16',
      ce_traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      ce_correlationid: record.headers['ce_id'],
      ce_causationid: 'request-1',
    });
    expect(JSON.parse(record.value as string)).toEqual({
      internshipId: '00000000-0000-4000-8000-000000000006',
      companyId: '00000000-0000-4000-8000-000000000005',
      academy: '16',
    });
  });

  it('refuses to publish an event from a service that does not own its topic', () => {
    expect(() => toKafkaRecord(filled(), { source: 'matching' })).toThrow(
      'matching does not publish on companies.internships',
    );
  });

  it('refuses to produce what every consumer would dead-letter: a control character or an over-long attribute', () => {
    expect(() =>
      toKafkaRecord(filled(), { source: 'companies', correlationId: 'request\tone' }),
    ).toThrow('ce_correlationid contains a control character');
    expect(() =>
      toKafkaRecord(filled(), { source: 'companies', causationId: 'x'.repeat(201) }),
    ).toThrow('ce_causationid is longer than 200 characters (201)');
  });

  it('reads its own records back into validated event instances', () => {
    for (const event of examples()) {
      const source = (event.constructor as EventClass).topic.producers[0];
      const record = toKafkaRecord(event, { source });
      const parsed = parseKafkaRecord({
        key: Buffer.from(record.key),
        value: Buffer.from(record.value as string),
        headers: Object.fromEntries(
          Object.entries(record.headers).map(([k, v]) => [k, Buffer.from(v)]),
        ),
      });
      expect(parsed.kind).toBe('event');
      if (parsed.kind !== 'event') continue;
      expect(parsed.event).toBeInstanceOf(event.constructor);
      expect(parsed.event).toEqual(event);
      expect(parsed.attributes.id).toBe(record.headers['ce_id']);
    }
  });

  it('names what is wrong with a malformed record', () => {
    const good = toKafkaRecord(filled(), { source: 'companies' });
    const cases: [string, Parameters<typeof parseKafkaRecord>[0], RegExp][] = [
      [
        'no headers',
        { key: 'k', value: '{}', headers: {} },
        /not a CloudEvent: missing header\(s\) ce_specversion, ce_id, ce_source, ce_type, ce_time/,
      ],
      ['bad JSON', { ...good, value: '{"a":' }, /invalid JSON/],
      ['not an object', { ...good, value: '[1]' }, /data is not a JSON object/],
      [
        'unknown type',
        { ...good, headers: { ...good.headers, ce_type: 'fr.tremplin.companies.Nope.v1' } },
        /unknown event type fr.tremplin.companies.Nope.v1/,
      ],
      [
        'failing validation',
        {
          ...good,
          value: JSON.stringify({ internshipId: 'x', companyId: 'y', academy: 'toulouse' }),
        },
        /invalid fr.tremplin.companies.InternshipFilled.v1: .*internshipId must be a UUID.*academy must be a two-digit academy code/,
      ],
      [
        'other spec version',
        { ...good, headers: { ...good.headers, ce_specversion: '0.3' } },
        /unsupported CloudEvents specversion 0.3/,
      ],
      [
        'other content type',
        { ...good, headers: { ...good.headers, 'content-type': 'application/avro' } },
        /unsupported content-type application\/avro/,
      ],
      ['empty value with an id', { ...good, value: null }, /empty value/],
      [
        'NUL byte in the id',
        { ...good, headers: { ...good.headers, ce_id: 'a\u0000b' } },
        /ce_id contains a control character/,
      ],
      [
        'line feed in the correlation id',
        { ...good, headers: { ...good.headers, ce_correlationid: 'flow\n42' } },
        /ce_correlationid contains a control character/,
      ],
      [
        'huge id',
        { ...good, headers: { ...good.headers, ce_id: 'x'.repeat(5000) } },
        /ce_id is longer than 200 characters \(5000\)/,
      ],
    ];
    for (const [, record, reason] of cases) {
      const parsed = parseKafkaRecord(record);
      expect(parsed).toEqual(
        expect.objectContaining({ kind: 'malformed', reason: expect.stringMatching(reason) }),
      );
    }
  });

  it('accepts any printable id up to 200 characters, accents included', () => {
    const good = toKafkaRecord(filled(), { source: 'companies' });
    for (const id of ['é'.repeat(200), 'order 42 / ligne 7'])
      expect(parseKafkaRecord({ ...good, headers: { ...good.headers, ce_id: id } })).toEqual(
        expect.objectContaining({ kind: 'event', attributes: expect.objectContaining({ id }) }),
      );
  });

  it('skips a later major version of a known event and recognises a tombstone', () => {
    const good = toKafkaRecord(filled(), { source: 'companies' });
    expect(
      parseKafkaRecord({
        ...good,
        headers: { ...good.headers, ce_type: 'fr.tremplin.companies.InternshipFilled.v2' },
      }).kind,
    ).toBe('other-version');
    expect(parseKafkaRecord({ key: 'person-1', value: null, headers: {} })).toEqual({
      kind: 'tombstone',
      key: 'person-1',
    });
  });
});

describe('records that must not stop or fool a consumer', () => {
  const good = () => toKafkaRecord(filled(), { source: 'companies' });
  const reason = (record: Parameters<typeof parseKafkaRecord>[0], topic?: string) => {
    const parsed = parseKafkaRecord(record, topic);
    return parsed.kind === 'malformed' ? parsed.reason : parsed.kind;
  };

  it('looks a version up instead of counting to it: a version of 150 digits is an unknown type, at once', () => {
    const record = good();
    for (const name of ['Unheard', 'InternshipFilled']) {
      const huge = `fr.tremplin.companies.${name}.v${'9'.repeat(150)}`;
      expect(reason({ ...record, headers: { ...record.headers, ce_type: huge } })).toBe(
        `unknown event type ${huge}`,
      );
    }
    for (const version of ['1000', '0', String(2 ** 53)])
      expect(
        reason({
          ...record,
          headers: {
            ...record.headers,
            ce_type: `fr.tremplin.companies.InternshipFilled.v${version}`,
          },
        }),
      ).toMatch(/^unknown event type/);
    expect(
      parseKafkaRecord({
        ...record,
        headers: { ...record.headers, ce_type: 'fr.tremplin.companies.InternshipFilled.v999' },
      }).kind,
    ).toBe('other-version');
  });

  it('never throws: deep nesting, oversized data and anything a library chokes on come back malformed', () => {
    const record = good();
    const deep = `{"internshipId":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    expect(reason({ ...record, value: deep })).toBe(
      `data is nested deeper than ${MAX_DATA_DEPTH} levels`,
    );
    // Brackets inside strings are not nesting.
    const bracketsInText = JSON.stringify({
      ...JSON.parse(record.value as string),
      x: '[['.repeat(500),
    });
    expect(parseKafkaRecord({ ...record, value: bracketsInText }).kind).toBe('event');
    const big = JSON.stringify({
      ...JSON.parse(record.value as string),
      x: 'a'.repeat(MAX_DATA_BYTES),
    });
    expect(reason({ ...record, value: big })).toMatch(/^data is larger than 1048576 bytes/);
    const headers = { ...record.headers };
    Object.defineProperty(headers, 'ce_subject', {
      enumerable: true,
      get: () => {
        throw new RangeError('Maximum call stack size exceeded');
      },
    });
    expect(reason({ ...record, headers })).toBe('unreadable: Maximum call stack size exceeded');
  });

  it("refuses an event on another topic, from a service that does not produce it, under another key, or whose ce_academy is not its data's", () => {
    const record = good();
    expect(parseKafkaRecord(record, TOPICS.internships.name).kind).toBe('event');
    expect(reason(record, TOPICS.contacts.name)).toBe(
      'fr.tremplin.companies.InternshipFilled.v1 belongs on companies.internships, not on private.contacts',
    );
    expect(
      reason({ ...record, headers: { ...record.headers, ce_source: '/tremplin/matching' } }),
    ).toBe(
      'fr.tremplin.companies.InternshipFilled.v1 is published by /tremplin/companies, not by /tremplin/matching',
    );
    expect(reason({ ...record, key: 'someone-else' })).toBe(
      `the key of fr.tremplin.companies.InternshipFilled.v1 must be its internshipId ${record.key}, not someone-else`,
    );
    expect(reason({ ...record, key: null })).toMatch(/, not null$/);
    expect(reason({ ...record, headers: { ...record.headers, ce_academy: '17' } })).toBe(
      "ce_academy 17 is not the data's academy 16",
    );
    const contact = examples().find(
      (event) => event instanceof ContactDetailsChanged,
    ) as ContactDetailsChanged;
    const details = toKafkaRecord(contact, { source: 'schools' });
    expect(reason({ ...details, headers: { ...details.headers, ce_academy: '16' } })).toBe(
      "ce_academy 16 is not the data's academy (none)",
    );
  });

  it('takes the academy from the data, and refuses to publish with another one', () => {
    const record = good();
    const { ce_academy: _, ...withoutAcademy } = record.headers;
    const parsed = parseKafkaRecord({ ...record, headers: withoutAcademy });
    expect(parsed.kind === 'event' && parsed.attributes.academy).toBe('16');
    expect(() => toKafkaRecord(filled(), { source: 'companies', academy: '17' })).toThrow(
      "fr.tremplin.companies.InternshipFilled.v1 cannot be published with academy 17: its data's academy is 16",
    );
    expect(
      toKafkaRecord(filled(), { source: 'companies', academy: '16' }).headers['ce_academy'],
    ).toBe('16');
  });
});

describe('read by the official CloudEvents SDK (cloudevents 10)', () => {
  it.each(examples().map((event) => [(event.constructor as EventClass).type, event] as const))(
    '%s is a valid CloudEvent whose data matches its generated JSON Schema',
    (type, event) => {
      const source = (event.constructor as EventClass).topic.producers[0];
      const record = toKafkaRecord(event, { source, correlationId: 'flow-42' });
      const message: KafkaMessage<string> = {
        key: record.key,
        value: record.value as string,
        headers: record.headers,
        body: record.value,
      };
      const cloudEvent = Kafka.toEvent(message) as CloudEvent<Record<string, unknown>>;
      expect(cloudEvent.validate()).toBe(true);
      expect(cloudEvent.specversion).toBe('1.0');
      expect(cloudEvent.type).toBe(type);
      expect(cloudEvent.id).toBe(record.headers['ce_id']);
      expect(cloudEvent.source).toBe(`/tremplin/${source}`);
      expect(cloudEvent.datacontenttype).toBe('application/json');
      expect(cloudEvent.dataschema).toBe(schemaUriOf(type));
      expect(cloudEvent['correlationid']).toBe('flow-42');
      expect(cloudEvent['partitionkey']).toBe(record.key);
      expect(validateAgainstGeneratedSchema(type, cloudEvent.data)).toEqual([]);
    },
  );
});
