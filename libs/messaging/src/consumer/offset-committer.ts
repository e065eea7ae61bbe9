// Commits to Kafka only the offsets whose effects are stored: every 500 ms, at once after a quiet
// spell, and on stop. A crash replays at most one interval, and the inbox makes the replay a no-op.
import { Logger } from '@nestjs/common';
import type { Consumer } from 'kafkajs';
import type { Chunk } from './chunk-processor';

const COMMIT_INTERVAL_MS = 500;

interface Offset {
  topic: string;
  partition: number;
  offset: string;
}

export class OffsetCommitter {
  /** Next offset to commit per `topic|partition`: everything before it has its effect stored. */
  private readonly processed = new Map<string, Offset>();
  private readonly committed = new Map<string, string>();
  /** One commit at a time, in order. */
  private commits: Promise<void> = Promise.resolve();
  private lastCommitAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private consumer: Consumer | undefined;
  /** Bumped at each rebalance: a commit sent before it does not count as committed. */
  private generation = 0;

  constructor(private readonly logger: Logger) {}

  /** Commits through this consumer from now on, every interval. */
  start(consumer: Consumer): void {
    this.consumer = consumer;
    this.timer = setInterval(() => void this.commit(), COMMIT_INTERVAL_MS);
  }

  /** Commits what is processed, then no more (the consumer is about to leave its group). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.commit();
    this.consumer = undefined;
  }

  /** A rebalance: the partitions' new owners commit from where the last commit left them. */
  newGeneration(): void {
    this.generation++;
    this.processed.clear();
    this.committed.clear();
  }

  /** The chunk's effects are stored: its offsets may be committed. */
  markProcessed({ topic, partition, messages }: Chunk): void {
    this.processed.set(`${topic}|${partition}`, {
      topic,
      partition,
      offset: (BigInt(messages[messages.length - 1].offset) + 1n).toString(),
    });
    // The first progress after a quiet spell is committed at once, the rest by the timer.
    if (Date.now() - this.lastCommitAt >= COMMIT_INTERVAL_MS) void this.commit();
  }

  private commit(): Promise<void> {
    this.commits = this.commits.then(async () => {
      const consumer = this.consumer;
      const offsets = [...this.processed].filter(
        ([key, { offset }]) => this.committed.get(key) !== offset,
      );
      if (!consumer || offsets.length === 0) return;
      this.lastCommitAt = Date.now();
      const generation = this.generation;
      try {
        await consumer.commitOffsets(offsets.map(([, offset]) => offset));
        if (generation === this.generation)
          for (const [key, { offset }] of offsets) this.committed.set(key, offset);
      } catch (error) {
        // Partitions moved to another member in a rebalance: it redelivers, the inbox dedupes.
        this.logger.warn(
          `Could not commit offsets (${(error as Error).message}); they will be redelivered and deduplicated`,
        );
      }
    });
    return this.commits;
  }
}
