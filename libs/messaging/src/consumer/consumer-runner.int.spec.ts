import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { migrate } from '@relais/event-store';
import { createTestDatabase, createTestNamespace, type TestDatabase, type TestNamespace } from '@relais/testing';
import type pg from 'pg';
import { envelope, envelopeBytes, recordingLogger, TEST_LIMITS, waitFor } from '../../test/helpers.js';
import { listDeadLetters, replayDeadLetter } from '../dead-letter-admin.js';
import type { EventEnvelope } from '../envelope.js';
import { DeadLetterNotFoundError, PermanentError } from '../errors.js';
import { handleOnce } from '../handle-once.js';
import { RelaisHeaders } from '../headers.js';
import { JetStreamPublisher } from '../publish.js';
import { ensureMessagingStreams } from '../streams.js';
import { eventPattern, MessagingNames, StreamNames } from '../subjects.js';
import { consumerConfig, ensureConsumer, SPARE_DELIVERIES } from './consumer-config.js';
import { startConsumer, type ConsumerRunner } from './consumer-runner.js';
import type { MessageContext } from './message-context.js';

describe('consumer runner', () => {
  let ns: TestNamespace;
  let db: TestDatabase;
  let names: MessagingNames;
  let jsm: JetStreamManager;
  let publisher: JetStreamPublisher;
  const runners: ConsumerRunner[] = [];
  const logger = recordingLogger();

  beforeAll(async () => {
    [ns, db] = await Promise.all([createTestNamespace(), createTestDatabase()]);
    await migrate(db.pool);
    await db.pool.query('CREATE TABLE work (consumer text NOT NULL, message_id text NOT NULL)');
    names = new MessagingNames(ns.namespace);
    jsm = await jetstreamManager(ns.nc);
    publisher = new JetStreamPublisher(ns.nc);
    await ensureMessagingStreams(jsm, names, TEST_LIMITS);
  });
  afterEach(async () => {
    await Promise.all(runners.splice(0).map((runner) => runner.stop()));
  });
  afterAll(async () => {
    await ns.cleanup();
    await db.drop();
  });

  /** The work a handler commits: one row per time it really ran. */
  const doWork = (consumer: string, context: MessageContext) =>
    handleOnce(db.pool, consumer, context.messageId, async (client: pg.PoolClient) => {
      await client.query('INSERT INTO work (consumer, message_id) VALUES ($1, $2)', [consumer, context.messageId]);
    });
  const workCount = async (consumer: string): Promise<number> =>
    Number((await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM work WHERE consumer = $1', [consumer])).rows[0]?.n);
  const publishEvent = async (category: string, event: EventEnvelope) =>
    publisher.publish(names.event(category, event.type), envelopeBytes(event), { msgId: event.eventId });
  const consumerState = async (consumer: string) => jsm.consumers.info(names.stream(StreamNames.EVENTS), names.durable(consumer));

  it('declares its durable consumer in code: created, then updated in place, idempotently', async () => {
    const stream = names.stream(StreamNames.EVENTS);
    const settings = { durable: names.durable('declared'), filterSubject: eventPattern('declared')(ns.namespace), ackWaitMs: 30_000, maxAckPending: 1_000 };
    const created = await ensureConsumer(jsm, stream, consumerConfig({ ...settings, retry: { maxDeliver: 10, backoffMs: [1_000] } }));
    expect(created.config).toMatchObject({ ack_policy: 'explicit', ack_wait: 30_000_000_000, max_deliver: 10 + SPARE_DELIVERIES, max_ack_pending: 1_000 });
    const again = await ensureConsumer(jsm, stream, consumerConfig({ ...settings, retry: { maxDeliver: 10, backoffMs: [1_000] } }));
    expect(again.created).toBe(created.created);
    const updated = await ensureConsumer(jsm, stream, consumerConfig({ ...settings, ackWaitMs: 45_000, retry: { maxDeliver: 4, backoffMs: [1_000] } }));
    expect(updated.config).toMatchObject({ ack_wait: 45_000_000_000, max_deliver: 4 + SPARE_DELIVERIES });
    expect(updated.created).toBe(created.created);
  });

  it('declares its consumer again when it is deleted under it, and goes on', async () => {
    const seen: string[] = [];
    runners.push(
      await startConsumer(ns.nc, {
        namespace: ns.namespace,
        consumer: 'resilient',
        filterSubject: eventPattern('resilient'),
        decode: (e) => e.data,
        logger,
        handle: async (_payload, context) => {
          await doWork('resilient', context);
          seen.push(context.messageId);
        },
      }),
    );
    const first = envelope({ n: 1 });
    await publishEvent('resilient', first);
    await waitFor('the first handled', () => seen.includes(first.eventId));
    await jsm.consumers.delete(names.stream(StreamNames.EVENTS), names.durable('resilient'));
    await waitFor('the consumer back', async () => (await consumerState('resilient')).name === names.durable('resilient'));
    const second = envelope({ n: 2 });
    await publishEvent('resilient', second);
    await waitFor('the second handled', () => seen.includes(second.eventId));
    // Recreated from the start of the stream: the first came again, and its work was not done twice.
    expect(await workCount('resilient')).toBe(2);
  });

  it('retries a transient failure with growing delays, then acks once and commits the work once', async () => {
    const deliveries: { count: number; at: number }[] = [];
    runners.push(
      await startConsumer(ns.nc, {
        namespace: ns.namespace,
        consumer: 'flaky',
        filterSubject: eventPattern('flaky'),
        decode: (e) => e.data,
        retry: { maxDeliver: 5, backoffMs: [250, 750, 2_000] },
        logger,
        handle: async (_payload, context) => {
          deliveries.push({ count: context.deliveryCount, at: Date.now() });
          if (deliveries.length <= 2) throw new Error('database briefly unavailable');
          await doWork('flaky', context);
        },
      }),
    );
    const ack = await publishEvent('flaky', envelope({ n: 1 }));
    await waitFor('the ack', async () => (await consumerState('flaky')).ack_floor.stream_seq === ack.seq);

    expect(deliveries.map((d) => d.count)).toEqual([1, 2, 3]);
    const [first, second, third] = deliveries.map((d) => d.at) as [number, number, number];
    expect(second - first).toBeGreaterThanOrEqual(225);
    expect(third - second).toBeGreaterThanOrEqual(700);
    expect(third - second).toBeGreaterThan(second - first);
    expect(await workCount('flaky')).toBe(1);
    const state = await consumerState('flaky');
    expect(state).toMatchObject({ num_ack_pending: 0, num_pending: 0 });
    expect(state.delivered.consumer_seq).toBe(3);
  });

  it('dead-letters a poison message after max_deliver with its reason, and a replay brings it back', async () => {
    let fixed = false;
    const seen: MessageContext[] = [];
    const bystanderSeen: MessageContext[] = [];
    runners.push(
      await startConsumer(ns.nc, {
        namespace: ns.namespace,
        consumer: 'poisoned',
        filterSubject: eventPattern('poison'),
        decode: (e) => e.data,
        retry: { maxDeliver: 3, backoffMs: [100] },
        logger,
        handle: async (_payload, context) => {
          seen.push(context);
          if (!fixed) throw new Error('cannot handle numero A-13');
          await doWork('poisoned', context);
        },
      }),
      await startConsumer(ns.nc, {
        namespace: ns.namespace,
        consumer: 'bystander',
        filterSubject: eventPattern('poison'),
        decode: (e) => e.data,
        ackMode: 'fast',
        logger,
        handle: async (_payload, context) => {
          bystanderSeen.push(context);
          await doWork('bystander', context);
        },
      }),
    );
    const event = envelope({ numero: 'A-13' }, 'ActeReceived');
    const ack = await publishEvent('poison', event);
    const [letter] = await waitFor('the dead letter', async () => {
      const letters = await listDeadLetters(ns.nc, { namespace: ns.namespace, consumer: 'poisoned' });
      return letters.length > 0 && letters;
    });

    expect(seen.map((c) => c.deliveryCount)).toEqual([1, 2, 3]);
    expect(letter).toMatchObject({
      consumer: 'poisoned',
      reason: 'HANDLER_FAILED',
      error: 'Error: cannot handle numero A-13',
      originalSubject: names.event('poison', 'ActeReceived'),
      originalStream: names.stream(StreamNames.EVENTS),
      originalSeq: ack.seq,
      deliveryCount: 3,
      originalMsgId: event.eventId,
    });
    expect(letter?.headers[RelaisHeaders.TYPE]).toBeUndefined();
    expect(JSON.parse(new TextDecoder().decode(letter?.data))).toEqual(event);
    expect(await workCount('poisoned')).toBe(0);
    await waitFor('the original terminated', async () => (await consumerState('poisoned')).num_ack_pending === 0);

    fixed = true;
    const replay = await replayDeadLetter(ns.nc, { namespace: ns.namespace, seq: letter!.seq });
    expect(replay.subject).toBe(letter?.originalSubject);
    await waitFor('the replay handled', async () => (await workCount('poisoned')) === 1);
    expect(seen.at(-1)).toMatchObject({ messageId: event.eventId, deliveryCount: 1 });
    expect(await listDeadLetters(ns.nc, { namespace: ns.namespace, consumer: 'poisoned' })).toEqual([]);
    await expect(replayDeadLetter(ns.nc, { namespace: ns.namespace, seq: letter!.seq })).rejects.toBeInstanceOf(DeadLetterNotFoundError);

    // The bystander handled the original once and acks the replay, meant for another consumer, untouched.
    await waitFor('the bystander acks the replay', async () => (await consumerState('bystander')).ack_floor.stream_seq === replay.ack.seq);
    expect(bystanderSeen).toHaveLength(1);
    expect(await workCount('bystander')).toBe(1);
  });

  it('dead-letters at once a PermanentError and a payload that fails to decode', async () => {
    const attempts: number[] = [];
    runners.push(
      await startConsumer(ns.nc, {
        namespace: ns.namespace,
        consumer: 'strict',
        filterSubject: eventPattern('strict'),
        decode: (e) => {
          if (typeof e.data['siren'] !== 'string') throw new TypeError('siren missing');
          return e.data['siren'];
        },
        logger,
        handle: (siren, context) => {
          attempts.push(context.deliveryCount);
          return Promise.reject(new PermanentError(`SIREN ${siren} unknown`, 'ACTE.UNKNOWN_SIREN'));
        },
      }),
    );
    await publishEvent('strict', envelope({ siren: '000000000' }));
    await publishEvent('strict', envelope({ other: 1 }));
    await publisher.publish(names.event('strict', 'Raw'), 'not an envelope', { msgId: 'raw-1' });
    const letters = await waitFor('three dead letters', async () => {
      const found = await listDeadLetters(ns.nc, { namespace: ns.namespace, consumer: 'strict' });
      return found.length === 3 && found;
    });

    expect(attempts).toEqual([1]);
    expect(letters.map((l) => [l.reason, l.deliveryCount])).toEqual([
      ['PERMANENT_ERROR', 1],
      ['DECODE_FAILED', 1],
      ['DECODE_FAILED', 1],
    ]);
    expect(letters[0]).toMatchObject({ errorCode: 'ACTE.UNKNOWN_SIREN', error: 'PermanentError: SIREN 000000000 unknown' });
    expect(letters[1]?.error).toBe('TypeError: siren missing');
    expect(letters[2]).toMatchObject({ errorCode: 'MESSAGING.DECODE_FAILED', originalMsgId: 'raw-1' });
    expect(await listDeadLetters(ns.nc, { namespace: ns.namespace, consumer: 'strict', fromSeq: letters[1]!.seq, limit: 1 })).toEqual([letters[1]]);
  });

  it('changes nothing when a message already handled is redelivered (work committed, ack never sent)', async () => {
    const crashing = await connect({ servers: ns.natsUrl });
    const firstLife: MessageContext[] = [];
    const crashed = await startConsumer(crashing, {
      namespace: ns.namespace,
      consumer: 'crashy',
      filterSubject: eventPattern('crashy'),
      decode: (e) => e.data,
      ackWaitMs: 1_000,
      logger,
      handle: async (_payload, context) => {
        await doWork('crashy', context);
        firstLife.push(context);
        // The process dies after its commit, before its ack.
        await crashing.close();
      },
    });
    const event = envelope({ n: 1 });
    const ack = await publishEvent('crashy', event);
    await waitFor('the first life to commit and die', () => firstLife.length === 1);
    // Its unconfirmed ack times out in the background; the next instance starts meanwhile.
    const buried = crashed.stop();

    const secondLife: { context: MessageContext; processed: boolean }[] = [];
    runners.push(
      await startConsumer(ns.nc, {
        namespace: ns.namespace,
        consumer: 'crashy',
        filterSubject: eventPattern('crashy'),
        decode: (e) => e.data,
        ackWaitMs: 1_000,
        logger,
        handle: async (_payload, context) => {
          const outcome = await doWork('crashy', context);
          secondLife.push({ context, processed: outcome.processed });
        },
      }),
    );
    await waitFor('the redelivery acked', async () => (await consumerState('crashy')).ack_floor.stream_seq === ack.seq);
    await buried;

    // nats-server 2.9 may hand the message over more than once here (a delivery to the dead instance's
    // pull request, then a stale redelivery): each one finds the inbox entry and does nothing.
    expect(secondLife.length).toBeGreaterThanOrEqual(1);
    expect(secondLife[0]?.context.deliveryCount).toBeGreaterThanOrEqual(2);
    for (const life of secondLife) expect(life).toMatchObject({ processed: false, context: { messageId: event.eventId } });
    expect(await workCount('crashy')).toBe(1);
    expect(firstLife[0]?.deliveryCount).toBe(1);
  });
});
