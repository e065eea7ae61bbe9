import { CATALOGUE } from '../catalogue';
import { toKafkaRecord } from '../envelope';
import { examples } from '../examples';
import type { EventClass } from '../integration-event';
import type { ServiceName } from '../services';
import { ALL_TOPICS, TopicDefinition } from '../topics';
import { JsonSchema, jsonSchemaOf } from './json-schema';

/** Component key of an event: `InternshipPosted.v1`. */
export function messageKeyOf(eventClass: EventClass): string {
  return eventClass.type.split('.').slice(-2).join('.');
}

/** The CloudEvents Kafka binding headers (binary mode) every message carries. */
const CLOUDEVENTS_HEADERS: JsonSchema = {
  type: 'object',
  description:
    'CloudEvents 1.0 attributes in the Kafka protocol binding, binary content mode (the value is the data).',
  properties: {
    'content-type': { type: 'string', enum: ['application/json'], description: 'datacontenttype' },
    ce_specversion: { type: 'string', enum: ['1.0'] },
    ce_id: {
      type: 'string',
      format: 'uuid',
      description: 'Unique per event: consumers deduplicate on it.',
    },
    ce_source: { type: 'string', description: 'The publishing service, /tremplin/<service>.' },
    ce_type: { type: 'string', description: 'fr.tremplin.<context>.<Event>.v<major>' },
    ce_subject: { type: 'string', description: 'The aggregate id (also the Kafka key).' },
    ce_time: { type: 'string', format: 'date-time' },
    ce_dataschema: {
      type: 'string',
      description: 'URI of the JSON Schema of the data (the $id of the generated schema).',
    },
    ce_academy: {
      type: 'string',
      pattern: '^\\d{2}$',
      description: 'Extension: the academy the event belongs to.',
    },
    ce_traceparent: {
      type: 'string',
      description: 'Extension (Distributed Tracing): W3C trace context.',
    },
    ce_correlationid: {
      type: 'string',
      description: 'Extension: shared by every event of one business flow.',
    },
    ce_causationid: {
      type: 'string',
      description: 'Extension: id of the event or request that caused this one.',
    },
  },
  required: [
    'content-type',
    'ce_specversion',
    'ce_id',
    'ce_source',
    'ce_type',
    'ce_subject',
    'ce_time',
    'ce_dataschema',
    'ce_correlationid',
  ],
};

type Json = Record<string, unknown>;

/**
 * The AsyncAPI 3 document of the catalogue: a channel per topic, a message per event (headers,
 * payload schema, Kafka key, an example), and the send operation of each producing service.
 */
export function asyncApiDocument(version = '1.0.0'): Json {
  const exampleOf = new Map(
    examples().map((event) => [(event.constructor as EventClass).type, event]),
  );
  const channels: Json = {};
  const operations: Json = {};
  const messages: Json = {};
  const schemas: Json = {};

  for (const topic of ALL_TOPICS) {
    const events = CATALOGUE.filter((eventClass) => eventClass.topic === topic);
    const channelKey = topic.name;
    channels[channelKey] = {
      address: topic.name,
      title: topic.name,
      description: `${topic.description} Partition key: ${topic.key}.${topic.private ? ' PRIVATE: carries personal data; Tremplin services only.' : ''}`,
      messages: Object.fromEntries(
        events.map((eventClass) => [
          messageKeyOf(eventClass),
          { $ref: `#/components/messages/${messageKeyOf(eventClass)}` },
        ]),
      ),
      bindings: {
        kafka: {
          bindingVersion: '0.5.0',
          topicConfiguration: { 'cleanup.policy': [topic.compacted ? 'compact' : 'delete'] },
        },
      },
    };
    for (const producer of topic.producers) {
      operations[`${producer}.send.${topic.name}`] = {
        action: 'send',
        title: `${producer} publishes on ${topic.name}`,
        channel: { $ref: `#/channels/${escapePointer(channelKey)}` },
        messages: events.map((eventClass) => ({
          $ref: `#/channels/${escapePointer(channelKey)}/messages/${messageKeyOf(eventClass)}`,
        })),
      };
    }
    for (const eventClass of events) {
      const key = messageKeyOf(eventClass);
      // Embedded in the document: the standalone file's $schema and $id do not belong here.
      const payload: JsonSchema = { ...jsonSchemaOf(eventClass) };
      delete payload.$schema;
      delete payload.$id;
      schemas[key] = payload;
      const example = exampleOf.get(eventClass.type);
      messages[key] = {
        name: eventClass.name,
        title: eventClass.type,
        summary: eventClass.description,
        contentType: 'application/json',
        headers: CLOUDEVENTS_HEADERS,
        payload: { $ref: `#/components/schemas/${key}` },
        correlationId: {
          description: 'Business flow id',
          location: '$message.header#/ce_correlationid',
        },
        bindings: {
          kafka: {
            bindingVersion: '0.5.0',
            key: {
              type: 'string',
              description: `The ${topic.key} (aggregate id): events of one aggregate keep their order.`,
            },
          },
        },
        ...(example ? { examples: [exampleMessage(example, topic)] } : {}),
      };
    }
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Tremplin events',
      version,
      description:
        'Events published by the Tremplin services (schools, companies, matching). Every message is a CloudEvents 1.0 event in the ' +
        'Kafka protocol binding (binary content mode): attributes in ce_* headers, data as JSON in the value, aggregate id as key. ' +
        'The type carries the major version; a breaking change is a new version published beside the old one. Unknown payload ' +
        'properties may be added within a major version: ignore what you do not read.',
    },
    defaultContentType: 'application/json',
    servers: {
      kafka: {
        host: '127.0.0.1:9092',
        protocol: 'kafka',
        description:
          'Local broker; academies run a Strimzi cluster (topic names may carry a prefix).',
      },
    },
    channels,
    operations,
    components: { messages, schemas },
  };
}

function exampleMessage(event: ReturnType<typeof examples>[number], topic: TopicDefinition): Json {
  const source = topic.producers[0] as ServiceName;
  const record = toKafkaRecord(event, {
    source,
    id: '00000000-0000-4000-8000-0000000000ee',
    time: new Date('2025-11-15T02:00:41.000Z'),
    correlationId: '00000000-0000-4000-8000-0000000000cc',
  });
  return { name: 'example', headers: record.headers, payload: JSON.parse(record.value as string) };
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
