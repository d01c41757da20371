import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { migrate } from '@relais/event-store';
import { createTestDatabase, createTestNamespace, type TestDatabase, type TestNamespace } from '@relais/testing';
import type pg from 'pg';
import { envelope, envelopeBytes, recordingLogger, TEST_LIMITS, waitFor } from '../../test/helpers.js';
import type { EventEnvelope } from '../envelope.js';
import { handleOnce } from '../handle-once.js';
import { JetStreamPublisher } from '../publish.js';
import { ensureMessagingStreams } from '../streams.js';
import { eventPattern, MessagingNames, StreamNames } from '../subjects.js';
import { startConsumer, type ConsumerRunner } from './consumer-runner.js';
import type { MessageContext, MessageHandler } from './message-context.js';

/** A promise the test resolves when it chooses: a handler blocked mid-work. */
function gate(): { readonly opened: Promise<void>; open(): void } {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/**
 * A consumer's stop at shutdown (SIGTERM reaches it through the messaging module's
 * beforeApplicationShutdown): it stops pulling first, lets the handler in progress finish and acks it
 * once, hands back what it had pulled but not started, and past its grace hands back the handler still
 * running without ever acking it. Each instance has its own connection, as two processes would.
 */
describe('consumer runner at shutdown', () => {
  let ns: TestNamespace;
  let db: TestDatabase;
  let names: MessagingNames;
  let jsm: JetStreamManager;
  let publisher: JetStreamPublisher;
  const connections: NatsConnection[] = [];
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
    await Promise.all(runners.splice(0).map((runner) => runner.stop({ graceMs: 100 })));
    await Promise.all(connections.splice(0).map((nc) => nc.close()));
  });
  afterAll(async () => {
    await ns.cleanup();
    await db.drop();
  });

  const doWork = (consumer: string, context: MessageContext) =>
    handleOnce(db.pool, consumer, context.messageId, async (client: pg.PoolClient) => {
      await client.query('INSERT INTO work (consumer, message_id) VALUES ($1, $2)', [consumer, context.messageId]);
    });
  const workCount = async (consumer: string, messageId: string): Promise<number> =>
    (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM work WHERE consumer = $1 AND message_id = $2', [consumer, messageId])).rows[0]!.n;
  const publishEvent = async (category: string, event: EventEnvelope) =>
    publisher.publish(names.event(category, event.type), envelopeBytes(event), { msgId: event.eventId });
  const consumerState = async (consumer: string) => jsm.consumers.info(names.stream(StreamNames.EVENTS), names.durable(consumer));

  /** One instance of `consumer` on a connection of its own (default ack wait 30 s: a redelivery sooner is a nak's). */
  async function instance(consumer: string, handle: MessageHandler<unknown>): Promise<{ runner: ConsumerRunner; nc: NatsConnection }> {
    const nc = await connect({ servers: ns.natsUrl });
    connections.push(nc);
    const runner = await startConsumer(nc, { namespace: ns.namespace, consumer, filterSubject: eventPattern(consumer), decode: (e) => e.data, logger, handle });
    runners.push(runner);
    return { runner, nc };
  }

  it('stops pulling, lets the handler in progress commit, acks it exactly once and hands back what it had not started', async () => {
    const consumer = 'finishing';
    const [first, second, late] = [envelope({ n: 1 }), envelope({ n: 2 }), envelope({ n: 3 })];
    const firstAck = await publishEvent(consumer, first);
    await publishEvent(consumer, second);
    const release = gate();
    const seenByFirst: MessageContext[] = [];
    const { runner, nc } = await instance(consumer, async (_payload, context) => {
      seenByFirst.push(context);
      await release.opened;
      await doWork(consumer, context);
    });
    await waitFor('the first handler to start', () => seenByFirst.length === 1);
    await waitFor('the second message to be pulled behind it', async () => (await consumerState(consumer)).num_ack_pending === 2);

    let stopped = false;
    const stopping = runner.stop({ graceMs: 20_000 }).then((outcome) => {
      stopped = true;
      return outcome;
    });
    // Published once the stop began (and reached the server): this instance must not take it.
    await nc.flush();
    await publishEvent(consumer, late);
    await sleep(300);
    expect(stopped).toBe(false);
    release.open();
    expect(await stopping).toEqual({ handedBack: 0 });

    // The work it was doing is committed and acked once; nothing else was started here.
    expect(seenByFirst.map((c) => c.messageId)).toEqual([first.eventId]);
    expect(await workCount(consumer, first.eventId)).toBe(1);
    // Acked up to the first message: the second (handed back) is not.
    expect((await consumerState(consumer)).ack_floor.stream_seq).toBe(firstAck.seq);

    // The next instance gets the message handed back (at once, not after the ack wait) and the one
    // published during the stop, never the one already acked.
    const seenBySecond: MessageContext[] = [];
    await instance(consumer, async (_payload, context) => {
      seenBySecond.push(context);
      await doWork(consumer, context);
    });
    await waitFor('the next instance to handle both', async () => (await consumerState(consumer)).ack_floor.stream_seq === firstAck.seq + 2, 10_000);
    expect(seenBySecond.map((c) => c.messageId).sort()).toEqual([second.eventId, late.eventId].sort());
    for (const e of [first, second, late]) expect(await workCount(consumer, e.eventId)).toBe(1);
  });

  it('past its grace hands the running handler back (nak, never acked, even when it ends later): the next instance gets it at once', async () => {
    const consumer = 'overdue';
    const stuck = envelope({ n: 1 });
    const ack = await publishEvent(consumer, stuck);
    const release = gate();
    const started: MessageContext[] = [];
    const { nc } = await instance(consumer, async (_payload, context) => {
      started.push(context);
      // Past the grace: its work never commits in this instance.
      await release.opened;
    });
    await waitFor('the handler to start', () => started.length === 1);

    expect(await runners[0]!.stop({ graceMs: 300 })).toEqual({ handedBack: 1 });
    // The handler ends after it was handed back: no ack may follow.
    release.open();
    await nextTurn();
    await nc.flush();
    expect((await consumerState(consumer)).ack_floor.stream_seq).toBeLessThan(ack.seq);

    // The default ack wait is 30 s: the message comes back within seconds only because it was nak'd.
    const redelivered: MessageContext[] = [];
    await instance(consumer, async (_payload, context) => {
      redelivered.push(context);
      await doWork(consumer, context);
    });
    await waitFor('the next instance to commit it', async () => (await consumerState(consumer)).ack_floor.stream_seq === ack.seq, 10_000);
    // (nats-server 2.9 rewinds a consumer whose last delivered message is nak'd: the delivery count may read 1 again.)
    expect(redelivered.map((c) => c.messageId)).toEqual([stuck.eventId]);
    expect(await workCount(consumer, stuck.eventId)).toBe(1);
    expect(logger.lines.some((line) => line.includes('handed back unfinished at shutdown'))).toBe(true);
  });
});
