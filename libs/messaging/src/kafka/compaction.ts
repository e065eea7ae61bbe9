/**
 * Settings of a compacted topic that bound how long an erased key's old values stay on the
 * broker (today `private.contacts`: an erased person's contact details). Compaction removes a
 * key's older records only outside the active segment; a tombstone (null value) is itself kept
 * `delete.retention.ms` after its segment is cleaned, so that consumers see it.
 *
 * - `segment.ms` 6 h: the segment holding a tombstone rolls at the first write 6 h after it
 *   opened (Kafka rolls segments on an append), so the tombstone leaves the active segment;
 * - `max.compaction.lag.ms` 24 h: a record (the tombstone's segment included) waits at most 24 h
 *   for the log cleaner, whatever the dirty ratio;
 * - `delete.retention.ms` 24 h: the tombstone itself goes 24 h after that cleaning.
 *
 * Bound (README, "Personal data on Kafka"): an erased person's details are gone from the topic
 * within 24 h of the tombstone (plus one pass of the log cleaner), as long as the topic receives
 * writes; the tombstone (a person id with no value) within 48 h. A consumer stopped longer than
 * `delete.retention.ms` may miss the tombstone: the StudentErased event is the other way it
 * hears of an erasure.
 */
export const COMPACTED_TOPIC_CONFIG = {
  'cleanup.policy': 'compact',
  'segment.ms': 6 * 3600 * 1000,
  'max.compaction.lag.ms': 24 * 3600 * 1000,
  'delete.retention.ms': 24 * 3600 * 1000,
} as const;
