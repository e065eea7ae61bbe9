import { randomUUID } from 'node:crypto';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { CATALOGUE, eventClassOf } from './catalogue';
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
/** Highest major version a `ce_type` may name: a record's number is looked up, never counted to. */
export const MAX_EVENT_VERSION = 999;
/**
 * Largest JSON data read (the broker's 1 MB record limit; retry topics allow 4 MB) and deepest
 * nesting: events nest two or three levels, and a deep `[[[[…]]]]` overflows the stack of the
 * class transformer and validator.
 */
export const MAX_DATA_BYTES = 1024 * 1024;
export const MAX_DATA_DEPTH = 32;

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
  /**
   * The academy is always the event's own (its payload's); when given, it must be that one,
   * since consumers dead-letter a record whose `ce_academy` is not its data's academy.
   */
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
  const academy = academyOf(event);
  if (context.academy !== undefined && context.academy !== academy)
    throw new Error(
      `${eventClass.type} cannot be published with academy ${context.academy}: its data's academy is ${academy ?? 'none'}`,
    );
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
 * valid event of the catalogue comes back as `malformed` with a clear reason. A record must fit
 * its type: its source one of the topic's producers, its key the event's partition key, its
 * `ce_academy` (when present) the data's academy, and — when `topic` (logical, where the record
 * was first published) is given — that topic the event's.
 */
export function parseKafkaRecord(record: RawRecord, topic?: string): ParsedRecord {
  try {
    return parse(record, topic);
  } catch (error) {
    // Whatever a record makes a library throw (a stack overflow, a getter) is the record's fault.
    return {
      kind: 'malformed',
      reason: `unreadable: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

function parse(record: RawRecord, topic: string | undefined): ParsedRecord {
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
    if (isOtherVersion(type as string))
      return { kind: 'other-version', type: type as string, id: id as string };
    return { kind: 'malformed', reason: `unknown event type ${type}`, id, type };
  }
  const malformed = (reason: string): ParsedRecord => ({ kind: 'malformed', reason, id, type });
  if (record.value.length > MAX_DATA_BYTES)
    return malformed(`data is larger than ${MAX_DATA_BYTES} bytes (${record.value.length})`);
  const text = record.value.toString();
  if (nestingDepth(text, MAX_DATA_DEPTH) > MAX_DATA_DEPTH)
    return malformed(`data is nested deeper than ${MAX_DATA_DEPTH} levels`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return malformed(`invalid JSON: ${(error as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return malformed('data is not a JSON object');
  }
  const event = plainToInstance(eventClass, data);
  const errors = validateSync(event, { whitelist: true, forbidUnknownValues: true });
  if (errors.length > 0) return malformed(`invalid ${type}: ${describe(errors).join('; ')}`);
  const misfit = misfitOf(eventClass, event, {
    topic,
    source: header('ce_source') as string,
    key,
    academy: header('ce_academy'),
  });
  if (misfit) return malformed(misfit);
  const attributes: CloudEventAttributes = {
    specversion: SPEC_VERSION,
    id: id as string,
    source: header('ce_source') as string,
    type: type as string,
    subject: header('ce_subject') ?? event.partitionKey(),
    time: header('ce_time') as string,
    datacontenttype: DATA_CONTENT_TYPE,
    dataschema: header('ce_dataschema') ?? schemaUriOf(eventClass.type),
    academy: academyOf(event),
    traceparent: header('ce_traceparent'),
    correlationid: header('ce_correlationid') ?? (id as string),
    causationid: header('ce_causationid'),
    partitionkey: event.partitionKey(),
  };
  return { kind: 'event', attributes, event, eventClass };
}

/**
 * Why a valid event does not fit the record carrying it, if it does not: dispatch goes by
 * `ce_type`, so the rest of the record must be what that type's producer would have written.
 */
function misfitOf(
  eventClass: EventClass,
  event: IntegrationEvent,
  record: { topic?: string; source: string; key?: string; academy?: string },
): string | undefined {
  const { type, topic } = eventClass;
  if (record.topic !== undefined && record.topic !== topic.name)
    return `${type} belongs on ${topic.name}, not on ${record.topic}`;
  if (!topic.producers.some((producer) => sourceOf(producer) === record.source))
    return `${type} is published by ${topic.producers.map(sourceOf).join(', ')}, not by ${record.source}`;
  const partitionKey = event.partitionKey();
  if (record.key !== partitionKey)
    return `the key of ${type} must be its ${topic.key} ${partitionKey}, not ${record.key ?? 'null'}`;
  const academy = academyOf(event);
  if (record.academy !== undefined && record.academy !== academy)
    return `ce_academy ${record.academy} is not the data's academy ${academy ?? '(none)'}`;
  return undefined;
}

/**
 * How deep the JSON text nests (`{` and `[` outside strings), counted without recursion and no
 * further than `limit + 1`.
 */
function nestingDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > deepest && (deepest = depth) > limit) return deepest;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
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

/** Major versions of each known event, by `<context>.<Name>` (built on first use). */
let knownVersions: Map<string, Set<number>> | undefined;

/**
 * A type naming another major version (up to MAX_EVENT_VERSION) of an event this build knows: a
 * lookup, so that no number taken from a record is ever counted to.
 */
function isOtherVersion(type: string): boolean {
  const parsed = parseEventType(type);
  if (!parsed || !Number.isInteger(parsed.version) || parsed.version < 1) return false;
  if (parsed.version > MAX_EVENT_VERSION) return false;
  if (!knownVersions) {
    knownVersions = new Map();
    for (const eventClass of CATALOGUE) {
      const known = parseEventType(eventClass.type);
      if (!known) continue;
      const name = `${known.context}.${known.name}`;
      knownVersions.set(name, (knownVersions.get(name) ?? new Set()).add(known.version));
    }
  }
  const versions = knownVersions.get(`${parsed.context}.${parsed.name}`);
  return versions !== undefined && !versions.has(parsed.version);
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
