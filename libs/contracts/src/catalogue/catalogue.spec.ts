import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { validateAgainstGeneratedSchema } from '../../test/schema-validator';
import { examples } from '../examples';
import { EventClass, IntegrationEvent, parseEventType } from '../integration-event';
import { ALL_TOPICS, TopicDefinition, TOPICS } from '../topics';
import { CATALOGUE } from '.';

const classOf = (event: IntegrationEvent) => event.constructor as EventClass;

/** DESIGN.md, "Topics for whom": student, school-calendar and contact topics are internal. */
const INTERNAL_TOPICS: readonly TopicDefinition[] = [
  TOPICS.students,
  TOPICS.calendar,
  TOPICS.contacts,
];

const PERSONAL = /(given|family|first|last|full|user)name|email|phone|mobile|address|^name$|birth/i;
const isBirthDate = (path: string) => /birth/i.test(lastName(path));
const lastName = (path: string) => path.split('.').pop()?.replace('[]', '') ?? path;

interface FieldSchema {
  properties?: Record<string, FieldSchema>;
  items?: FieldSchema;
}

/**
 * Every declared field of an event, at any depth (`period.startDate`, `guardians[].phone`),
 * optional ones included: read from its generated JSON Schema, which the schema test below
 * proves matches the class.
 */
function declaredFields(type: string): string[] {
  return schemaPaths(require(`../../generated/schemas/${type}.json`) as FieldSchema);
}

function schemaPaths(schema: FieldSchema, prefix = ''): string[] {
  if (schema.items) return schemaPaths(schema.items, `${prefix}[]`);
  return Object.entries(schema.properties ?? {}).flatMap(([name, field]) => {
    const path = prefix === '' ? name : `${prefix}.${name}`;
    return [path, ...schemaPaths(field, path)];
  });
}

/** The paths whose own name says personal data (names, contacts, birth). */
function personalFields(paths: string[]): string[] {
  return paths.filter((path) => PERSONAL.test(lastName(path)));
}

describe('event catalogue v1', () => {
  it('has the public events of the design, those added since, and the private contact event', () => {
    const names = CATALOGUE.map((eventClass) => eventClass.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'SchoolRegistered',
        'OfficeManagerAssigned',
        'PfmpPeriodScheduled',
        'PfmpPeriodChanged',
        'PfmpPeriodCancelled',
        'StudentRegistered',
        'StudentProfileUpdated',
        'StudentErased',
        'CompanyRegistered',
        'InternshipPosted',
        'InternshipUpdated',
        'InternshipWithdrawn',
        'InternshipFilled',
        'MeetupScheduled',
        'MatchProposed',
        'MatchDeclined',
        'MatchExpired',
        'StudentPlaced',
        'PlacementCancelled',
        'MatchingRunCompleted',
        'AgreementSigned',
        'AllowanceComputed',
        'ContactDetailsChanged',
      ]),
    );
    expect(CATALOGUE).toHaveLength(23);
  });

  it.each(CATALOGUE.map((eventClass) => [eventClass.name, eventClass] as const))(
    '%s has a versioned wire type of its own, a declared topic and a producer of that topic',
    (name, eventClass) => {
      const parsed = parseEventType(eventClass.type);
      expect(parsed).toEqual({ context: expect.any(String), name, version: 1 });
      expect(ALL_TOPICS).toContain(eventClass.topic);
      expect(eventClass.description.length).toBeGreaterThan(10);
      if (parsed?.context !== 'contacts')
        expect(eventClass.topic.producers).toContain(parsed?.context);
    },
  );

  it('gives every type to one class only', () => {
    expect(new Set(CATALOGUE.map((eventClass) => eventClass.type)).size).toBe(CATALOGUE.length);
  });

  it('keeps names, emails and phone numbers off the public topics, nested fields included', () => {
    for (const { topic, type } of CATALOGUE) {
      const fields = personalFields(declaredFields(type)).filter((path) => !isBirthDate(path));
      if (topic.private) expect(fields.length).toBeGreaterThan(0);
      else expect({ type, fields }).toEqual({ type, fields: [] });
    }
    expect(ALL_TOPICS.filter((topic) => topic.private)).toEqual([
      expect.objectContaining({ name: 'private.contacts', compacted: true }),
    ]);
  });

  it('carries a birth date, at any depth, on internal topics only (students, calendar, contacts)', () => {
    for (const { topic, type } of CATALOGUE) {
      const births = declaredFields(type).filter(isBirthDate);
      if (!INTERNAL_TOPICS.includes(topic)) expect({ type, births }).toEqual({ type, births: [] });
    }
    expect(declaredFields('fr.tremplin.schools.StudentRegistered.v1')).toContain('birthDate');
  });

  it('looks at every field of an event, in nested objects and arrays too', () => {
    const nested: FieldSchema = {
      properties: {
        studentId: {},
        tutor: { properties: { contact: { properties: { email: {}, name: {} } } } },
        guardians: {
          items: { properties: { phone: {}, details: { properties: { birthDate: {} } } } },
        },
      },
    };
    expect(personalFields(schemaPaths(nested))).toEqual([
      'tutor.contact.email',
      'tutor.contact.name',
      'guardians[].phone',
      'guardians[].details.birthDate',
    ]);
  });

  it('has an example of every event, valid by its class-validator rules and by its generated JSON Schema', () => {
    const all = examples();
    expect(new Set(all.map((event) => classOf(event).type))).toEqual(
      new Set(CATALOGUE.map((eventClass) => eventClass.type)),
    );
    for (const event of all) {
      expect(validateSync(event, { forbidUnknownValues: true })).toEqual([]);
      expect(
        validateAgainstGeneratedSchema(classOf(event).type, JSON.parse(JSON.stringify(event))),
      ).toEqual([]);
    }
  });

  it('rejects, in both the classes and the schemas, an event missing any required field or with a wrong value', () => {
    for (const event of examples()) {
      const { type } = classOf(event);
      const plain = JSON.parse(JSON.stringify(event)) as Record<string, unknown>;
      const schema = JSON.parse(
        JSON.stringify(require(`../../generated/schemas/${type}.json`)),
      ) as { required: string[] };
      for (const field of schema.required) {
        const without = { ...plain };
        delete without[field];
        expect({
          type,
          field,
          errors:
            validateSync(plainToInstance(classOf(event), without), { forbidUnknownValues: true })
              .length > 0,
        }).toEqual({ type, field, errors: true });
        expect(validateAgainstGeneratedSchema(type, without).length).toBeGreaterThan(0);
        const wrong = { ...plain, [field]: typeof plain[field] === 'string' ? 12 : 'wrong' };
        expect(
          validateSync(plainToInstance(classOf(event), wrong), { forbidUnknownValues: true })
            .length,
        ).toBeGreaterThan(0);
        expect(validateAgainstGeneratedSchema(type, wrong).length).toBeGreaterThan(0);
      }
    }
  });

  it('checks French identifiers beyond their shape (UAI check letter, SIRET Luhn)', () => {
    const [school] = examples();
    const bad = plainToInstance(classOf(school), {
      ...JSON.parse(JSON.stringify(school)),
      uai: '0381758F',
    });
    expect(validateSync(bad).map((error) => error.property)).toEqual(['uai']);
  });
});
