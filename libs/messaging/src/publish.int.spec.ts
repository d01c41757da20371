import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { createTestNamespace, type TestNamespace } from '@relais/testing';
import { envelope, envelopeBytes, streamMessages, TEST_LIMITS } from '../test/helpers.js';
import { PublishBatchError } from './errors.js';
import { RelaisHeaders } from './headers.js';
import { JetStreamPublisher, type OutgoingMessage } from './publish.js';
import { ensureMessagingStreams, ensureStream, streamConfig } from './streams.js';
import { MessagingNames, StreamNames } from './subjects.js';

describe('publishing to JetStream', () => {
  let ns: TestNamespace;
  let names: MessagingNames;
  let jsm: JetStreamManager;
  let publisher: JetStreamPublisher;
  let stream: string;

  beforeAll(async () => {
    ns = await createTestNamespace();
    names = new MessagingNames(ns.namespace);
    jsm = await jetstreamManager(ns.nc);
    publisher = new JetStreamPublisher(ns.nc);
    stream = names.stream(StreamNames.EVENTS);
    await ensureMessagingStreams(jsm, names, TEST_LIMITS);
  });
  afterAll(async () => {
    await ns.cleanup();
  });

  it('declares file streams with explicit limits, idempotently, and updates them in place', async () => {
    await ensureMessagingStreams(jsm, names, TEST_LIMITS);
    const events = await jsm.streams.info(stream);
    expect(events.config).toMatchObject({
      subjects: [`${ns.namespace}.v1.evt.>`],
      storage: 'file',
      retention: 'limits',
      discard: 'old',
      duplicate_window: 120_000_000_000,
      max_msg_size: 64 * 1024,
    });
    const dlq = await jsm.streams.info(names.stream(StreamNames.DLQ));
    expect(dlq.config.subjects).toEqual([`${ns.namespace}.v1.dlq.>`]);
    const longer = { ...TEST_LIMITS.events, duplicateWindowMs: 300_000 };
    const updated = await ensureStream(jsm, streamConfig(names, StreamNames.EVENTS, longer));
    expect(updated.config.duplicate_window).toBe(300_000_000_000);
    await ensureStream(jsm, streamConfig(names, StreamNames.EVENTS, TEST_LIMITS.events));
  });

  it('stores one message when the same Nats-Msg-Id is published twice within the duplicate window', async () => {
    const event = envelope({ n: 1 });
    const subject = names.event('dedup', 'Tested');
    const first = await publisher.publish(subject, envelopeBytes(event), { msgId: event.eventId, headers: { [RelaisHeaders.TYPE]: 'Tested' } });
    const second = await publisher.publish(subject, envelopeBytes(event), { msgId: event.eventId });
    expect(first.duplicate).toBe(false);
    expect(second).toMatchObject({ duplicate: true, seq: first.seq });
    const stored = (await streamMessages(ns.nc, stream)).filter((m) => m.subject === subject);
    expect(stored).toHaveLength(1);
    expect(stored[0]?.headers).toMatchObject({ [RelaisHeaders.MSG_ID]: event.eventId, [RelaisHeaders.TYPE]: 'Tested' });
  });

  it('pipelines a batch and returns the PubAcks in order', async () => {
    const subject = names.event('batch', 'Tested');
    const batch: OutgoingMessage[] = Array.from({ length: 500 }, (_, i) => {
      const event = envelope({ i });
      return { subject, payload: envelopeBytes(event), msgId: event.eventId };
    });
    const acks = await publisher.publishBatch(batch, { maxInFlight: 64 });
    expect(acks).toHaveLength(500);
    const seqs = acks.map((ack) => ack.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    const stored = (await streamMessages(ns.nc, stream)).filter((m) => m.subject === subject);
    expect(stored.map((m) => (m.json['data'] as { i: number }).i)).toEqual(batch.map((_, i) => i));
  });

  it('reports how many messages from the start were acknowledged when one is refused', async () => {
    const subject = names.event('partial', 'Tested');
    const small = (i: number): OutgoingMessage => ({ subject, payload: envelopeBytes(envelope({ i })), msgId: `partial-${i}` });
    const tooBig: OutgoingMessage = { subject, payload: new Uint8Array(TEST_LIMITS.events.maxMsgSize + 1), msgId: 'partial-big' };
    const error = await publisher.publishBatch([small(0), small(1), small(2), tooBig, small(4)], { maxInFlight: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishBatchError);
    expect((error as PublishBatchError).acks).toHaveLength(3);
    expect((error as PublishBatchError).code).toBe('MESSAGING.PUBLISH_FAILED');
  });
});
