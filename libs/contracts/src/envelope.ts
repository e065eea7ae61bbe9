import { randomUUID } from 'node:crypto';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { eventClassOf } from './catalogue';
import { EventClass, IntegrationEvent, parseEventType } from './integration-event';
import type { ServiceName } from './services';

export const SPEC_VERSION = '1.0';
export const DATA_CONTENT_TYPE = 'application/json';
export const SCHEMA_URI_PREFIX = 'urn:tremplin:schemas:events:';
/**
 * Longest CloudEvents attribute read from a record: the id is a key of the consumer's inbox
 * index (a huge one fails the insert), and the others may be stored by handlers and the outbox.
 */
export const MAX_ATTRIBUTE_LENGTH = 200;

/** The JSON Schema URI of an event type; also the `$id` of its generated schema file. */
export function schemaUriOf(type: string): string {
  return `${SCHEMA_URI_PREFIX}${type}`;
}

/** CloudEvents 1.0 attributes of every Tremplin event (data kept apart). */
export interface CloudEventAttributes {
  specversion: typeof SPEC_VERSION;
  id: string;
  source: string;
  type: string;
  subject: string;
  time: string;
  datacontenttype: typeof DATA_CONTENT_TYPE;
  dataschema: string;
  /** Extension: the academy the event belongs to, when it has one. */
  academy?: string;
  /** Extension (Distributed Tracing): W3C trace context of the change that caused the event. */
  traceparent?: string;
  /** Extension: id shared by every event of one business flow. */
  correlationid: string;
  /** Extension: id of the event or request that directly caused this one. */
  causationid?: string;
  /** Kafka binding: the message key (aggregate id). */
  partitionkey: string;
}

export interface EnvelopeContext {
  /** The publishing service; becomes `source` (`/tremplin/<service>`). */
  source: ServiceName;
  academy?: string;
  traceparent?: string;
  /** Defaults to the event id (a new flow starts here). */
  correlationId?: string;
  causationId?: string;
  /** For tests and replays; defaults to a random UUID and now. */
  id?: string;
  time?: Date;
}

/** A Kafka record in the CloudEvents Kafka protocol binding, binary content mode. */
export interface KafkaRecord {
  /** Logical topic (without deployment prefix). */
  topic: string;
  key: string;
  /** JSON data, or null for a tombstone on a compacted topic. */
  value: string | null;
  headers: Record<string, string>;
}

export function sourceOf(service: ServiceName): string {
  return `/tremplin/${service}`;
}

export function envelopeOf(
  event: IntegrationEvent,
  context: EnvelopeContext,
): CloudEventAttributes {
  const eventClass = event.constructor as EventClass;
  if (!eventClass.type || !eventClass.topic)
    throw new Error(`${eventClass.name} is not an event class of the catalogue`);
  if (!eventClass.topic.producers.includes(context.source)) {
    throw new Error(`${context.source} does not publish on ${eventClass.topic.name}`);
  }
  const id = context.id ?? randomUUID();
  const key = event.partitionKey();
  const academy = context.academy ?? academyOf(event);
  return {
    specversion: SPEC_VERSION,
    id,
    source: sourceOf(context.source),
    type: eventClass.type,
    subject: key,
    time: (context.time ?? new Date()).toISOString(),
    datacontenttype: DATA_CONTENT_TYPE,
    dataschema: schemaUriOf(eventClass.type),
    ...(academy ? { academy } : {}),
    ...(context.traceparent ? { traceparent: context.traceparent } : {}),
    correlationid: context.correlationId ?? id,
    ...(context.causationId ? { causationid: context.causationId } : {}),
    partitionkey: key,
  };
}

function academyOf(event: IntegrationEvent): string | undefined {
  const academy = (event as { academy?: unknown }).academy;
  return typeof academy === 'string' ? academy : undefined;
}

/**
 * Encodes an event as a Kafka record: attributes as `ce_` headers, `content-type` for
 * datacontenttype, the aggregate id as key and the JSON payload as value (binary mode).
 */
export function toKafkaRecord(event: IntegrationEvent, context: EnvelopeContext): KafkaRecord {
  const attributes = envelopeOf(event, context);
  const headers: Record<string, string> = { 'content-type': attributes.datacontenttype };
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'datacontenttype' || name === 'partitionkey' || value === undefined) continue;
    headers[`ce_${name}`] = String(value);
  }
  // What every consumer would dead-letter as malformed must not be produced at all.
  const unstorable = unstorableAttribute(headers);
  if (unstorable) throw new Error(`${attributes.type} cannot be published: ${unstorable}`);
  return {
    topic: (event.constructor as EventClass).topic.name,
    key: attributes.partitionkey,
    value: JSON.stringify(event),
    headers,
  };
}

/** Raw header values as a Kafka client hands them over. */
export type RawHeaders = Record<string, string | Buffer | (string | Buffer)[] | undefined>;

export interface RawRecord {
  key: string | Buffer | null;
  value: string | Buffer | null;
  headers?: RawHeaders;
}

export type ParsedRecord =
  | {
      kind: 'event';
      attributes: CloudEventAttributes;
      event: IntegrationEvent;
      eventClass: EventClass;
    }
  /** A later major version of a known event: not ours to judge, a newer contract will read it. */
  | { kind: 'other-version'; type: string; id: string }
  | { kind: 'tombstone'; key: string }
  | { kind: 'malformed'; reason: string; id?: string; type?: string };

export function headerText(headers: RawHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return undefined;
  return typeof first === 'string' ? first : first.toString('utf8');
}

/**
 * Reads a Kafka record back into a validated event. Never throws: anything that is not a
 * valid event of the catalogue comes back as `malformed` with a clear reason.
 */
export function parseKafkaRecord(record: RawRecord): ParsedRecord {
  const header = (name: string) => headerText(record.headers, name);
  const key = record.key === null ? undefined : record.key.toString();
  if (record.value === null || record.value.length === 0) {
    if (key && !header('ce_id')) return { kind: 'tombstone', key };
    return {
      kind: 'malformed',
      reason: 'empty value',
      id: header('ce_id'),
      type: header('ce_type'),
    };
  }
  const id = header('ce_id');
  const type = header('ce_type');
  const missing = ['ce_specversion', 'ce_id', 'ce_source', 'ce_type', 'ce_time'].filter(
    (name) => !header(name),
  );
  if (missing.length > 0)
    return {
      kind: 'malformed',
      reason: `not a CloudEvent: missing header(s) ${missing.join(', ')}`,
      id,
      type,
    };
  const unstorable = unstorableAttribute(record.headers);
  if (unstorable) return { kind: 'malformed', reason: unstorable, id, type };
  if (header('ce_specversion') !== SPEC_VERSION) {
    return {
      kind: 'malformed',
      reason: `unsupported CloudEvents specversion ${header('ce_specversion')}`,
      id,
      type,
    };
  }
  const contentType = header('content-type');
  if (contentType !== undefined && !contentType.startsWith(DATA_CONTENT_TYPE)) {
    return { kind: 'malformed', reason: `unsupported content-type ${contentType}`, id, type };
  }
  const eventClass = eventClassOf(type as string);
  if (!eventClass) {
    const parsed = parseEventType(type as string);
    const knownName = parsed && hasOtherVersion(parsed.context, parsed.name, parsed.version);
    if (knownName) return { kind: 'other-version', type: type as string, id: id as string };
    return { kind: 'malformed', reason: `unknown event type ${type}`, id, type };
  }
  let data: unknown;
  try {
    data = JSON.parse(record.value.toString());
  } catch (error) {
    return { kind: 'malformed', reason: `invalid JSON: ${(error as Error).message}`, id, type };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { kind: 'malformed', reason: 'data is not a JSON object', id, type };
  }
  const event = plainToInstance(eventClass, data);
  const errors = validateSync(event, { whitelist: true, forbidUnknownValues: true });
  if (errors.length > 0)
    return {
      kind: 'malformed',
      reason: `invalid ${type}: ${describe(errors).join('; ')}`,
      id,
      type,
    };
  const attributes: CloudEventAttributes = {
    specversion: SPEC_VERSION,
    id: id as string,
    source: header('ce_source') as string,
    type: type as string,
    subject: header('ce_subject') ?? event.partitionKey(),
    time: header('ce_time') as string,
    datacontenttype: DATA_CONTENT_TYPE,
    dataschema: header('ce_dataschema') ?? schemaUriOf(eventClass.type),
    academy: header('ce_academy'),
    traceparent: header('ce_traceparent'),
    correlationid: header('ce_correlationid') ?? (id as string),
    causationid: header('ce_causationid'),
    partitionkey: key ?? event.partitionKey(),
  };
  return { kind: 'event', attributes, event, eventClass };
}

/**
 * Why a `ce_` header cannot go into the database as it is, if it cannot: PostgreSQL text refuses
 * a NUL byte, and no attribute is ever that long (a huge id does not fit the inbox's index).
 */
function unstorableAttribute(headers: RawHeaders | undefined): string | undefined {
  for (const name of Object.keys(headers ?? {})) {
    if (!name.startsWith('ce_')) continue;
    const value = headerText(headers, name) ?? '';
    if (/\p{Cc}/u.test(value)) return `${name} contains a control character`;
    if (value.length > MAX_ATTRIBUTE_LENGTH)
      return `${name} is longer than ${MAX_ATTRIBUTE_LENGTH} characters (${value.length})`;
  }
  return undefined;
}

function hasOtherVersion(context: string, name: string, version: number): boolean {
  for (let other = 1; other < version + 5; other++) {
    if (other !== version && eventClassOf(`fr.tremplin.${context}.${name}.v${other}`)) return true;
  }
  return false;
}

function describe(errors: ValidationError[], path = ''): string[] {
  return errors.flatMap((error) => {
    const property = path ? `${path}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) =>
      message.includes(error.property)
        ? message.replace(error.property, property)
        : `${property}: ${message}`,
    );
    return [...own, ...describe(error.children ?? [], property)];
  });
}
