// Per-partition lanes: kafkajs hands each partition's records to its lane and fetches on (its
// fetch loop otherwise waits for every batch of a fetch: most of the latency), while the lane
// processes them in offset order, one chunk at a time, retried in place until done.
import { Logger } from '@nestjs/common';
import type { EachBatchPayload } from 'kafkajs';
import { MessagingMetrics } from '../metrics';
import { Chunk, logicalTopic } from './chunk-processor';
import { FailureRouter } from './failure-router';

/** Records of one partition handed over and not yet processed before eachBatch waits (back-pressure). */
const MAX_PENDING_PER_PARTITION = 1000;

/** One partition's records, processed in offset order by one worker at a time. */
interface Lane {
  topic: string;
  partition: number;
  /** The topic without the deployment's prefix (lag metric). */
  logicalTopic: string;
  queue: Chunk[];
  /** Records handed over and not processed yet. */
  pending: number;
  /** Drains the queue; undefined while the lane is idle. */
  worker: Promise<void> | undefined;
  /** Latest high watermark fetched and next offset to process: the lag between them. */
  highWatermark?: bigint;
  next?: bigint;
}

export interface PartitionLanesOptions {
  prefix: string;
  /** Records processed together at most (the handed-over chunks merged into one transaction). */
  chunkSize: number;
  /** Processes a chunk; throws if it could not (database or broker unreachable). */
  process(chunk: Chunk, attempt: number): Promise<void>;
  /** A chunk of the current generation is processed: its effects are stored. */
  processed(chunk: Chunk): void;
  /** Runs `run` after `delay` ms, unless the consumer stops first. */
  later(delay: number, run: () => void): void;
}

export class PartitionLanes {
  private readonly lanes = new Map<string, Lane>();
  /** Bumped at each rebalance: chunks handed over before it are not processed any more. */
  private generation = 0;
  /** Stopping: nothing more is handed over, and a chunk that fails is given up. */
  private draining = false;

  constructor(
    private readonly options: PartitionLanesOptions,
    private readonly failures: FailureRouter,
    private readonly metrics: MessagingMetrics,
    private readonly logger: Logger,
  ) {}

  /** The consumer runs (again): batches are handed over. */
  open(): void {
    this.draining = false;
  }

  /** Hands over no more chunks and waits for the lanes to process what they hold. */
  async drain(): Promise<void> {
    this.draining = true;
    await Promise.all([...this.lanes.values()].map((lane) => lane.worker));
  }

  /** A rebalance: what is queued is dropped, to be read again from the committed offset. */
  newGeneration(): void {
    this.generation++;
    // Partitions may have moved to another member, which reports them from now on.
    this.metrics.consumerLag.reset();
  }

  /** kafkajs's eachBatch: hands the batch over to its lane, chunk by chunk. */
  async take(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    const tier = this.failures.tierOf(batch.topic);
    const lane = this.laneOf(batch.topic, batch.partition);
    lane.highWatermark = BigInt(batch.highWatermark);
    if (lane.pending === 0 && batch.messages.length > 0)
      lane.next = BigInt(batch.messages[0].offset);
    this.recordLag(lane);
    // Heartbeats go on while a long handler runs, so the group does not evict this member.
    const keepAlive = setInterval(() => {
      heartbeat().catch((error: Error) => this.logger.warn(`Heartbeat failed: ${error.message}`));
    }, 1000);
    try {
      let messages = batch.messages;
      while (messages.length > 0 && isRunning() && !isStale() && !this.draining) {
        let chunk = messages.slice(0, this.options.chunkSize);
        if (tier > 0) {
          const due = this.failures.dueCount(chunk);
          if (due === 0) {
            // Not due yet: stop fetching this partition until it is; its unresolved records are fetched again.
            this.options.later(this.failures.dueIn(chunk[0]), payload.pause());
            break;
          }
          chunk = chunk.slice(0, due);
        }
        this.handOver(lane, {
          topic: batch.topic,
          partition: batch.partition,
          messages: chunk,
          tier,
          generation: this.generation,
        });
        // A retry tier is read no further than what is due: its chunk is processed before the next is looked at.
        if (tier > 0) await lane.worker;
        resolveOffset(chunk[chunk.length - 1].offset);
        messages = messages.slice(chunk.length);
      }
      if (lane.pending > MAX_PENDING_PER_PARTITION) await lane.worker;
    } finally {
      clearInterval(keepAlive);
    }
  }

  private laneOf(topic: string, partition: number): Lane {
    const key = `${topic}|${partition}`;
    let lane = this.lanes.get(key);
    if (!lane) {
      const logical = logicalTopic(this.options.prefix, topic);
      lane = { topic, partition, logicalTopic: logical, queue: [], pending: 0, worker: undefined };
      this.lanes.set(key, lane);
    }
    return lane;
  }

  private handOver(lane: Lane, chunk: Chunk): void {
    lane.queue.push(chunk);
    lane.pending += chunk.messages.length;
    if (!lane.worker) lane.worker = this.work(lane);
  }

  /**
   * Drains a lane. What queued up while a transaction ran goes into the next one (up to
   * chunkSize records): one transaction per event when idle, bigger ones under load.
   */
  private async work(lane: Lane): Promise<void> {
    while (lane.queue.length > 0) {
      const first = lane.queue.shift() as Chunk;
      const messages = [...first.messages];
      while (
        lane.queue.length > 0 &&
        lane.queue[0].generation === first.generation &&
        messages.length + lane.queue[0].messages.length <= this.options.chunkSize
      )
        messages.push(...(lane.queue.shift() as Chunk).messages);
      const processed = await this.processInLane({ ...first, messages });
      lane.pending -= messages.length;
      if (processed) {
        lane.next = BigInt(messages[messages.length - 1].offset) + 1n;
        this.recordLag(lane);
      }
      if (!processed && this.draining) {
        // Given up while stopping: what follows in this lane must not overtake it.
        lane.queue.length = 0;
        lane.pending = 0;
      }
    }
    // Checked and cleared in one step: a chunk handed over later starts a new worker.
    lane.worker = undefined;
  }

  /**
   * Processes a chunk, retrying while the database or the broker is unreachable (the lane
   * waits: order is kept); false if it was not processed. A chunk of an earlier generation is
   * skipped: after a rebalance the partition is read again from its committed offset, by this
   * member or another one. While stopping, a failure gives up: the chunk is redelivered later.
   */
  private async processInLane(chunk: Chunk): Promise<boolean> {
    for (let attempt = 1; chunk.generation === this.generation; attempt++) {
      try {
        await this.options.process(chunk, attempt);
        if (chunk.generation === this.generation) this.options.processed(chunk);
        return true;
      } catch (error) {
        this.logger.warn(
          `Could not process ${chunk.topic}[${chunk.partition}] (attempt ${attempt}): ${(error as Error).message}`,
        );
        if (this.draining) return false;
        await new Promise((wake) => setTimeout(wake, Math.min(5000, 100 * 2 ** attempt)));
      }
    }
    return false;
  }

  /** Records behind the high watermark, those queued in the lane included. */
  private recordLag({ logicalTopic, partition, highWatermark, next }: Lane): void {
    if (highWatermark === undefined || next === undefined) return;
    this.metrics.consumerLag.set(
      { topic: logicalTopic, partition: String(partition) },
      Number(highWatermark > next ? highWatermark - next : 0n),
    );
  }
}
