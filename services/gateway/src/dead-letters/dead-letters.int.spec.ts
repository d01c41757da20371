import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import {
  encodeJson,
  ensureMessagingStreams,
  eventPattern,
  JetStreamPublisher,
  MessagingNames,
  PermanentError,
  startConsumer,
  StreamNames,
  type ConsumerRunner,
  type EventEnvelope,
} from '@relais/messaging';
import { errorCodes, startGateway, type TestGateway } from '../../test/gateway.js';

// Small streams: the NATS server is shared with other tests.
const LIMITS = {
  events: { duplicateWindowMs: 120_000, maxAgeMs: 3_600_000, maxBytes: 16 * 1024 * 1024, maxMsgSize: 64 * 1024 },
  dlq: { duplicateWindowMs: 120_000, maxAgeMs: 3_600_000, maxBytes: 16 * 1024 * 1024, maxMsgSize: 128 * 1024 },
};
const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

let gw: TestGateway;
let jsm: JetStreamManager;
let names: MessagingNames;
let runner: ConsumerRunner;
let supervisor: string;
/** Whether the consumer's "bug" is fixed: until then it refuses every message as permanent. */
let fixed = false;
/** The message ids the consumer handled successfully, in order. */
const handled: string[] = [];

/** Polls `probe` until it gives a value (a bounded wait for something asynchronous, not a timing assertion). */
async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(50);
  }
  throw new Error(`Timed out waiting for ${what}`);
}

/** Publishes an event of a transmission as the relay would. */
async function publishEvent(transmissionId: string): Promise<EventEnvelope> {
  const event: EventEnvelope = {
    eventId: randomUUID(),
    streamId: `transmission-${transmissionId}`,
    streamVersion: '3',
    type: 'relais.transmission.v1.TransmissionValidated',
    data: { transmissionId },
    metadata: {},
    recordedAt: new Date().toISOString(),
    position: '1:1',
  };
  await new JetStreamPublisher(gw.ns.nc).publish(names.event('transmission', 'relais_transmission_v1_TransmissionValidated'), encodeJson(event), {
    msgId: event.eventId,
  });
  return event;
}

interface Listed {
  items: { seq: number; consumer: string; reason: string; originalSubject: string; errorCode?: string; transmissionId?: string; eventId?: string }[];
  next?: string;
}

const list = async (query = '', token = supervisor): Promise<Listed> => {
  const response = await gw.call(`/api/v1/admin/dead-letters${query}`, { token });
  expect(response.status).toBe(200);
  return (await response.json()) as Listed;
};

beforeAll(async () => {
  gw = await startGateway();
  names = new MessagingNames(gw.ns.namespace);
  jsm = await jetstreamManager(gw.ns.nc);
  await ensureMessagingStreams(jsm, names, LIMITS);
  ({ token: supervisor } = await gw.issueToken('supervisor'));
  runner = await startConsumer(gw.ns.nc, {
    namespace: gw.ns.namespace,
    consumer: 'router-test',
    filterSubject: eventPattern('transmission'),
    decode: (envelope) => envelope,
    logger: quiet,
    handle: (_event, context) => {
      if (!fixed) return Promise.reject(new PermanentError('no endpoint for département 099', 'ROUTING.NO_ENDPOINT'));
      handled.push(context.messageId);
      return Promise.resolve();
    },
  });
});

afterAll(async () => {
  await runner.stop();
  await gw.close();
});

describe('dead letters for operators', () => {
  it('lists a dead-lettered message with its reason and transmission, retries it once, and refuses a second retry', async () => {
    const transmissionId = randomUUID();
    const event = await publishEvent(transmissionId);
    const { items } = await until('the dead letter', async () => {
      const page = await list('?consumer=router-test');
      return page.items.some((item) => item.eventId === event.eventId) ? page : undefined;
    });
    const letter = items.find((item) => item.eventId === event.eventId)!;
    expect(letter).toEqual({
      seq: expect.any(Number),
      consumer: 'router-test',
      reason: 'PERMANENT_ERROR',
      error: 'PermanentError: no endpoint for département 099',
      errorCode: 'ROUTING.NO_ENDPOINT',
      originalSubject: names.event('transmission', 'relais_transmission_v1_TransmissionValidated'),
      failedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T.*Z$/),
      deliveryCount: 1,
      eventId: event.eventId,
      eventType: event.type,
      streamId: `transmission-${transmissionId}`,
      transmissionId,
    });

    // The fix is deployed; an administrator retries the dead letter.
    fixed = true;
    const { token: admin } = await gw.issueToken('admin');
    const retried = await gw.call(`/api/v1/admin/dead-letters/${letter.seq}/retry`, { method: 'POST', token: admin });
    expect(retried.status).toBe(202);
    expect(await retried.json()).toEqual({ seq: letter.seq, consumer: 'router-test', subject: letter.originalSubject, status: 'replayed' });
    await until('the replay handled', () => Promise.resolve(handled.includes(event.eventId) ? true : undefined));
    expect((await list('?consumer=router-test')).items.map((item) => item.seq)).not.toContain(letter.seq);

    // A second retry publishes nothing: 409, and the stream holds no new message.
    const { state } = await jsm.streams.info(names.stream(StreamNames.EVENTS));
    const again = await gw.call(`/api/v1/admin/dead-letters/${letter.seq}/retry`, { method: 'POST', token: supervisor });
    expect(again.status).toBe(409);
    expect(await errorCodes(again)).toEqual(['DEAD_LETTER.ALREADY_RETRIED']);
    expect((await jsm.streams.info(names.stream(StreamNames.EVENTS))).state.last_seq).toBe(state.last_seq);
    expect(handled.filter((id) => id === event.eventId)).toHaveLength(1);

    // The retry is an admin action in the log, with who did it.
    const { rows } = await gw.db.pool.query<{ data: { action: string; actor: string; target: string; details: Record<string, string> } }>(
      'SELECT data FROM events WHERE stream_id = $1',
      [`admin-dead-letter:${gw.ns.namespace}:${letter.seq}`],
    );
    expect(rows.map((row) => row.data)).toEqual([
      expect.objectContaining({
        action: 'dead-letter.retry',
        actor: expect.stringMatching(/^token:/),
        target: `dead-letter:${gw.ns.namespace}:${letter.seq}`,
        details: expect.objectContaining({ consumer: 'router-test', transmissionId, reason: 'PERMANENT_ERROR' }),
      }),
    ]);
  });

  it('retries the same dead letter twice at once and publishes it once', async () => {
    fixed = false;
    const event = await publishEvent(randomUUID());
    const letter = await until('the dead letter', async () => (await list('?consumer=router-test')).items.find((item) => item.eventId === event.eventId));
    fixed = true;
    const before = (await jsm.streams.info(names.stream(StreamNames.EVENTS))).state.last_seq;
    const answers = await Promise.all(
      [1, 2].map(async () => (await gw.call(`/api/v1/admin/dead-letters/${letter.seq}/retry`, { method: 'POST', token: supervisor })).status),
    );
    expect(answers.sort()).toEqual([202, 409]);
    await until('the replay handled', () => Promise.resolve(handled.includes(event.eventId) ? true : undefined));
    expect((await jsm.streams.info(names.stream(StreamNames.EVENTS))).state.last_seq).toBe(before + 1);
    expect(handled.filter((id) => id === event.eventId)).toHaveLength(1);
  });

  it('pages through dead letters with after and limit, and refuses bad queries, unknown sequences and other roles', async () => {
    fixed = false;
    const events = [await publishEvent(randomUUID()), await publishEvent(randomUUID())];
    await until('both dead letters', async () => {
      const ids = (await list('?consumer=router-test')).items.map((item) => item.eventId);
      return events.every((event) => ids.includes(event.eventId)) ? true : undefined;
    });
    const all = (await list('?consumer=router-test')).items;
    const first = await list('?consumer=router-test&limit=1');
    expect(first.items).toEqual([all[0]]);
    expect(first.next).toBe(String(all[0]!.seq));
    const second = await list(`?consumer=router-test&limit=1&after=${first.next!}`);
    expect(second.items).toEqual([all[1]]);
    expect((await list('?consumer=nobody')).items).toEqual([]);

    for (const query of ['?limit=0', '?limit=501', '?after=-1', '?consumer=a.b']) {
      const refused = await gw.call(`/api/v1/admin/dead-letters${query}`, { token: supervisor });
      expect(refused.status).toBe(400);
      expect(await errorCodes(refused)).toEqual(['REQUEST.INVALID_QUERY']);
    }
    const unknown = await gw.call('/api/v1/admin/dead-letters/999999/retry', { method: 'POST', token: supervisor });
    expect(unknown.status).toBe(404);
    expect(await errorCodes(unknown)).toEqual(['DEAD_LETTER.NOT_FOUND']);

    const { token: auditor } = await gw.issueToken('auditor');
    expect((await gw.call('/api/v1/admin/dead-letters', { token: auditor })).status).toBe(403);
    const siren = await gw.registerCollectivite();
    const { token: collectivite } = await gw.issueToken('collectivite', siren);
    expect((await gw.call(`/api/v1/admin/dead-letters/${all[0]!.seq}/retry`, { method: 'POST', token: collectivite })).status).toBe(403);
    fixed = true;
  });
});
