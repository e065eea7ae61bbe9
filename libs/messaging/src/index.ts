// The only library that imports kafkajs: services publish through `Outbox` and consume through
// handler classes (events, and tombstones of compacted topics) listed in `MessagingModule.forRoot`.
export { DEFAULT_RETRY_DELAYS_MS, MessagingEnv } from './config';
export { EventConsumer } from './consumer/event-consumer';
export type { EventConsumerOptions } from './consumer/event-consumer';
export { RETRY_HEADERS } from './consumer/failure-router';
export { Handles, HandlesTombstones } from './consumer/handler';
export type {
  EventHandler,
  EventSubscription,
  HandlerClass,
  HandlerContext,
  Subscription,
  TombstoneContext,
  TombstoneHandler,
  TombstoneSubscription,
} from './consumer/handler';
export { InboxMessage } from './inbox/inbox-message.entity';
export { aclEntries, aclsFor, CLUSTER_RESOURCE, consumedTopics, grantAcls } from './kafka/acls';
export type { AclOperation, ServiceAcl } from './kafka/acls';
export { createKafka, kafkaSecurity } from './kafka/client';
export { COMPACTED_TOPIC_CONFIG } from './kafka/compaction';
export type { KafkaSecurity } from './kafka/client';
export { EventReader } from './kafka/event-reader';
export type { ReadEvent } from './kafka/event-reader';
export { KafkaReadinessCheck } from './kafka/kafka-readiness.check';
export {
  createTopics,
  deadLetterTopic,
  RETRY_TOPIC_MAX_MESSAGE_BYTES,
  retryTopic,
  topicName,
} from './kafka/topics';
export { MessagingMetrics } from './metrics';
export {
  CreateMessagingTables1764300000000,
  messagingEntities,
  messagingMigrations,
} from './migrations';
export { MessagingModule } from './nest/messaging.module';
export type { MessagingOptions } from './nest/messaging.options';
export { Messaging } from './nest/messaging.service';
export { messaging } from './nest/messaging.plugin';
export { InvalidEventError, Outbox, OUTBOX_SHARDS, shardOf } from './outbox/outbox';
export type { PublishContext } from './outbox/outbox';
export { OutboxMessage } from './outbox/outbox-message.entity';
export { OutboxRelay } from './outbox/outbox-relay';
export type { OutboxRelayOptions } from './outbox/outbox-relay';
