import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { validateAgainstGeneratedSchema } from '../../test/schema-validator';
import { examples } from '../examples';
import { EventClass, IntegrationEvent, parseEventType } from '../integration-event';
import { ALL_TOPICS } from '../topics';
import { CATALOGUE } from '.';

const classOf = (event: IntegrationEvent) => event.constructor as EventClass;

describe('event catalogue v1', () => {
  it('has the twenty public events of the design and the private contact event', () => {
    const names = CATALOGUE.map((eventClass) => eventClass.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'SchoolRegistered',
        'OfficeManagerAssigned',
        'PfmpPeriodScheduled',
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
    expect(CATALOGUE).toHaveLength(21);
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

  it('keeps names, emails and phone numbers off the public topics', () => {
    const personal = /(given|family|first|last|full|user)name|email|phone|mobile|address|^name$/i;
    for (const event of examples()) {
      const { topic } = classOf(event);
      const fields = Object.keys(event).filter((field) => personal.test(field));
      if (topic.private) expect(fields.length).toBeGreaterThan(0);
      else
        expect({ type: classOf(event).type, fields }).toEqual({
          type: classOf(event).type,
          fields: [],
        });
    }
    expect(ALL_TOPICS.filter((topic) => topic.private)).toEqual([
      expect.objectContaining({ name: 'private.contacts', compacted: true }),
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
