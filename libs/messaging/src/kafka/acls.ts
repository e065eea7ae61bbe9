import { ALL_TOPICS, ServiceName, TopicDefinition } from '@tremplin/contracts';
import {
  AclEntry,
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  Admin,
  ResourcePatternTypes,
} from 'kafkajs';
import { DEFAULT_RETRY_DELAYS_MS } from '../config';
import { HandlerClass, subscribedTopic, subscriptionOf } from '../consumer/handler';
import { deadLetterTopic, retryTopic, topicName } from './topics';

/**
 * The Kafka ACLs of one service's identity (one user per service), derived from the code:
 *
 * - the topics it **produces** on: every topic of the contracts whose producers include it
 *   (its outbox writes events and tombstones there, nowhere else): Write, Describe;
 * - the topics it **consumes**: those of its subscription list (`@Handles(Event)` gives the
 *   event's topic, `@HandlesTombstones(topic)` the topic): Read, Describe;
 * - when it consumes anything, its consumer group (`<prefix><service>`): Read; its retry tiers
 *   (`<service>.retry.<n>`: it writes and reads them): Read, Write, Describe; its dead-letter
 *   topic (`<service>.dlt`): Write, Describe;
 * - IdempotentWrite on the cluster: the outbox relay's producer is idempotent.
 *
 * Nothing else: no Create (topics exist before the services: KafkaTopic resources, or an admin),
 * no other service's topic, group or retry tier. Every name is literal, never a prefix pattern
 * (`companies.` would match `companies.retry.1` and the companies topics alike). The test on a
 * SASL broker (test/faults/kafka-acls.fault.spec.ts) and the Kubernetes generator
 * (scripts/generate-k8s-kafka.ts) both use this one function.
 */
export type AclOperation = 'Read' | 'Write' | 'Describe' | 'IdempotentWrite';

export interface ServiceAcl {
  readonly resource: { readonly type: 'topic' | 'group' | 'cluster'; readonly name: string };
  readonly operations: readonly AclOperation[];
}

/** The name Kafka gives the one cluster resource. */
export const CLUSTER_RESOURCE = 'kafka-cluster';

export function aclsFor(options: {
  service: ServiceName;
  /** Topics of the service's subscription list (see `consumedTopics`). */
  consumed: readonly TopicDefinition[];
  /** KAFKA_TOPIC_PREFIX (default none). */
  prefix?: string;
  /** Retry tiers of its consumer (default: those of DEFAULT_RETRY_DELAYS_MS). */
  retryTiers?: number;
}): ServiceAcl[] {
  const { service, prefix = '', retryTiers = DEFAULT_RETRY_DELAYS_MS.length } = options;
  const operations = new Map<string, Set<AclOperation>>();
  const allow = (name: string, ...ops: AclOperation[]) => {
    const set = operations.get(name) ?? new Set<AclOperation>();
    for (const op of ops) set.add(op);
    operations.set(name, set);
  };
  for (const topic of ALL_TOPICS)
    if (topic.producers.includes(service))
      allow(topicName(prefix, topic.name), 'Write', 'Describe');
  for (const topic of options.consumed) allow(topicName(prefix, topic.name), 'Read', 'Describe');
  const acls: ServiceAcl[] = [];
  if (options.consumed.length > 0) {
    for (let tier = 1; tier <= retryTiers; tier++)
      allow(retryTopic(prefix, service, tier), 'Read', 'Write', 'Describe');
    allow(deadLetterTopic(prefix, service), 'Write', 'Describe');
  }
  for (const [name, ops] of operations)
    acls.push({ resource: { type: 'topic', name }, operations: [...ops] });
  if (options.consumed.length > 0)
    acls.push({ resource: { type: 'group', name: `${prefix}${service}` }, operations: ['Read'] });
  acls.push({
    resource: { type: 'cluster', name: CLUSTER_RESOURCE },
    operations: ['IdempotentWrite'],
  });
  return acls;
}

/** The topics a subscription list reads, once each, in the list's order. */
export async function consumedTopics(
  handlers: readonly HandlerClass[],
): Promise<TopicDefinition[]> {
  const topics = new Map<string, TopicDefinition>();
  for (const handlerClass of handlers) {
    // The decorator's metadata only: the handler itself is never instantiated.
    const subscription = await subscriptionOf(handlerClass, async () => ({}) as never);
    const topic = subscribedTopic(subscription);
    topics.set(topic.name, topic);
  }
  return [...topics.values()];
}

const RESOURCE_TYPES = {
  topic: AclResourceTypes.TOPIC,
  group: AclResourceTypes.GROUP,
  cluster: AclResourceTypes.CLUSTER,
} as const;
const OPERATIONS = {
  Read: AclOperationTypes.READ,
  Write: AclOperationTypes.WRITE,
  Describe: AclOperationTypes.DESCRIBE,
  IdempotentWrite: AclOperationTypes.IDEMPOTENT_WRITE,
} as const;

/** The ACLs as Kafka entries allowing `User:<user>` from any host. */
export function aclEntries(user: string, acls: readonly ServiceAcl[]): AclEntry[] {
  return acls.flatMap(({ resource, operations }) =>
    operations.map((operation) => ({
      resourceType: RESOURCE_TYPES[resource.type],
      resourceName: resource.name,
      resourcePatternType: ResourcePatternTypes.LITERAL,
      principal: `User:${user}`,
      host: '*',
      operation: OPERATIONS[operation],
      permissionType: AclPermissionTypes.ALLOW,
    })),
  );
}

/**
 * Grants the ACLs to `User:<user>` (an admin client of a super user; tests and tools), and waits
 * until the broker enforces them: an ACL goes through the KRaft metadata log, so a client using
 * it straight after `createAcls` may still be refused.
 */
export async function grantAcls(
  admin: Admin,
  user: string,
  acls: readonly ServiceAcl[],
  timeoutMs = 30_000,
): Promise<void> {
  const entries = aclEntries(user, acls);
  await admin.createAcls({ acl: entries });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { resources } = await admin.describeAcls({
      resourceType: AclResourceTypes.ANY,
      resourcePatternType: ResourcePatternTypes.ANY,
      principal: `User:${user}`,
      operation: AclOperationTypes.ANY,
      permissionType: AclPermissionTypes.ANY,
    });
    const granted = resources.reduce((sum, resource) => sum + resource.acls.length, 0);
    if (granted >= entries.length) return;
    if (Date.now() > deadline)
      throw new Error(
        `User:${user} has ${granted} of its ${entries.length} ACLs after ${timeoutMs} ms`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
