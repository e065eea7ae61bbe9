import { randomUUID } from 'node:crypto';
import { headerText, MeetupScheduled, TOPICS } from '@tremplin/contracts';
import { ConfigResourceTypes } from 'kafkajs';
import { Registry } from 'prom-client';
import { eventually, uniqueTopicPrefix } from '@tremplin/testing-infrastructure';
import { filled } from '../../test/events';
import {
  createDatabase,
  meetup,
  metricTotal,
  tap,
  TestDatabase,
  testKafka,
} from '../../test/support';
import { createKafka } from '../kafka/client';
import { MessagingMetrics } from '../metrics';
import { Outbox } from './outbox';
import { OutboxRelay } from './outbox-relay';
import { parkedRows, requeueParked } from './parked-rows';

jest.setTimeout(300_000);

describe('OutboxRelay with rows the broker always refuses (real PostgreSQL and Kafka)', () => {
  const prefix = uniqueTopicPrefix('parking');
  const meetups = prefix + TOPICS.meetups.name;
  const outbox = new Outbox('companies');
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createDatabase('parking');
    // The meetups topic refuses records over 3,000 bytes; the internships topic does not exist.
    const admin = testKafka().admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        {
          topic: meetups,
          numPartitions: 2,
          configEntries: [{ name: 'max.message.bytes', value: '3000' }],
        },
      ],
      waitForLeaders: true,
    });
    await admin.disconnect();
  });

  afterAll(async () => {
    await db.drop();
  });

  const write = (event: ReturnType<typeof meetup> | ReturnType<typeof filled>) =>
    db.dataSource.transaction(async (manager) => (await outbox.publish(manager, event))[0]);
  const rowId = async (eventId: string): Promise<string> =>
    (
      await db.dataSource.query(`SELECT id::text FROM messaging_outbox WHERE event_id = $1`, [
        eventId,
      ])
    )[0].id;

  it('parks a refused row after bounded retries, publishes the other keys, holds its key in order, and requeues it', async () => {
    const held = randomUUID();
    const other = randomUUID();
    const missingTopicKey = randomUUID();
    const first = await write(meetup(2, held));
    const tooLarge = await write(meetup(200, held)); // ~8 KB: over the topic's limit
    const after = await write(meetup(2, held));
    const others = [
      await write(meetup(2, other)),
      await write(filled(missingTopicKey)), // its topic does not exist
      await write(meetup(2, other)),
      await write(filled(missingTopicKey)),
      await write(meetup(2, other)),
    ];
    const reader = await tap(testKafka(), [meetups]);
    const registry = new Registry();
    const relay = new OutboxRelay(
      db.dataSource,
      createKafka('parking-test', ['127.0.0.1:9092'], { quiet: true }),
      { prefix, parkAfterMs: 2000 },
      new MessagingMetrics(registry),
    );
    relay.start();
    const idsOf = (key: string) =>
      reader.received
        .filter((r) => r.message.key?.toString() === key)
        .map((r) => headerText(r.message.headers, 'ce_id'));
    try {
      // The other key goes out although rows before it are refused again and again.
      await eventually(
        () => idsOf(other).length === 3 && idsOf(held).length === 1,
        120_000,
        () => `received ${reader.received.length}`,
      );
      expect(idsOf(other)).toEqual([others[0], others[2], others[4]]);
      expect(idsOf(held)).toEqual([first]);

      // Parked: the refused rows with the broker's refusal, the row after one of them behind it.
      await eventually(async () => (await parkedRows(db.dataSource)).length === 4, 120_000);
      const tooLargeId = await rowId(tooLarge);
      const parked = await parkedRows(db.dataSource);
      expect(parked.map((row) => row.eventId)).toEqual([tooLarge, after, others[1], others[3]]);
      // At least 3 refusals, over at least 2 s (parkAfterMs).
      expect(parked[0].type).toBe(MeetupScheduled.type);
      expect(parked[0].attempts).toBeGreaterThanOrEqual(3);
      expect(parked[0].error).toMatch(/MESSAGE_TOO_LARGE/);
      expect(parked[1].error).toBe(`behind parked row ${tooLargeId} of its key`);
      expect(parked[2].error).toMatch(/UNKNOWN_TOPIC_OR_PARTITION/);

      // A later row of the held key is parked behind, never sent before the refused one.
      const later = await write(meetup(2, held));
      await eventually(async () => (await parkedRows(db.dataSource)).length === 5, 30_000);
      expect(idsOf(held)).toEqual([first]);
      await eventually(
        async () =>
          (await metricTotal(registry.getSingleMetric('messaging_outbox_parked') as never)) === 5,
        20_000,
      );
      expect(
        await metricTotal(registry.getSingleMetric('messaging_outbox_parked_total') as never),
      ).toBe(5);

      // The operator raises the topic's limit and requeues: the key's rows go out in order.
      const admin = testKafka().admin();
      await admin.connect();
      await admin.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: meetups,
            configEntries: [{ name: 'max.message.bytes', value: '1048588' }],
          },
        ],
      });
      await admin.disconnect();
      expect(await requeueParked(db.dataSource, tooLargeId)).toBe(3);
      expect(await requeueParked(db.dataSource, tooLargeId)).toBe(0);
      await eventually(() => idsOf(held).length === 4, 60_000);
      expect(idsOf(held)).toEqual([first, tooLarge, after, later]);
      expect((await parkedRows(db.dataSource)).map((row) => row.eventId)).toEqual([
        others[1],
        others[3],
      ]);
    } finally {
      await relay.stop();
      await reader.stop();
    }
  });
});
