import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { jetstream, jetstreamManager, type JetStreamManager, type PubAck } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  encodeJson,
  ensureMessagingStreams,
  JetStreamPublisher,
  MessagingNames,
  RelaisHeaders,
  type EventEnvelope,
  type OutgoingMessage,
  type StreamLimits,
} from '@relais/messaging';
import type { ConsumerReport } from './messaging-consumer.js';

// Kept in step with categoryOf() of the child, which is not imported: importing it would run the child.
const categoryOf = (mode: Mode, round: number): string => `bench${mode.replace(/-/g, '')}r${round}`;
type Mode = 'layer' | 'layer-fast' | 'bare';

/** Options of {@link benchMessaging}. */
export interface MessagingBenchOptions {
  readonly natsUrl: string;
  /** A short run: one round of 10k messages per client, instead of three rounds of 50k. */
  readonly quick: boolean;
}

// Pipelining window of both producers, so the two clients are compared on the same terms.
const WINDOW = 256;
const LIMITS: StreamLimits = { duplicateWindowMs: 120_000, maxAgeMs: 3_600_000, maxBytes: 512 * 1024 * 1024, maxMsgSize: 64 * 1024 };

/**
 * JetStream publish → consume between two processes: this one publishes, a child consumes and acks;
 * through this library (`JetStreamPublisher.publishBatch` + `startConsumer`) with confirmed acks
 * (`layer`, the default) and with plain acks (`layer_fast`), and with a bare `@nats-io/jetstream`
 * client (`js.publish` + `consume` + `m.ack`), on a namespace of its own deleted afterwards. The
 * clients take turns, round after round, and each figure is the median of its rounds, so that load
 * from elsewhere on the machine weighs on all of them alike. Figures in messages per second:
 * `*_end_to_end` from the first publish to the consumer's last message; `*_publish` the producer alone.
 */
export async function benchMessaging(options: MessagingBenchOptions): Promise<Record<string, number>> {
  const count = options.quick ? 10_000 : 50_000;
  const rounds = options.quick ? 1 : 3;
  const namespace = `bench${randomBytes(4).toString('hex')}`;
  const names = new MessagingNames(namespace);
  // No async stack traces (as MessagingModule connects): both clients alike.
  const nc = await connect({ servers: options.natsUrl, noAsyncTraces: true });
  const jsm = await jetstreamManager(nc);
  try {
    await ensureMessagingStreams(jsm, names, { events: LIMITS, dlq: LIMITS });
    const figures: Record<Mode, { endToEnd: number; publish: number }[]> = { layer: [], 'layer-fast': [], bare: [] };
    for (let round = 0; round < rounds; round += 1) {
      for (const mode of ['layer', 'layer-fast', 'bare'] as const) {
        const subject = names.event(categoryOf(mode, round), 'BenchHappened');
        const publish = mode === 'bare' ? () => publishBare(nc, subject, count) : () => publishThroughLayer(nc, subject, count);
        figures[mode].push(await run(options.natsUrl, namespace, mode, round, count, publish));
      }
    }
    const layer = median(figures.layer);
    const fast = median(figures['layer-fast']);
    const bare = median(figures.bare);
    return {
      messaging_messages_per_round: count,
      messaging_rounds: rounds,
      messaging_layer_end_to_end_msgs_per_s: layer.endToEnd,
      messaging_layer_publish_msgs_per_s: layer.publish,
      messaging_layer_fast_end_to_end_msgs_per_s: fast.endToEnd,
      messaging_layer_fast_publish_msgs_per_s: fast.publish,
      messaging_bare_end_to_end_msgs_per_s: bare.endToEnd,
      messaging_bare_publish_msgs_per_s: bare.publish,
    };
  } finally {
    await deleteNamespace(jsm, namespace);
    await nc.drain();
  }
}

async function run(
  natsUrl: string,
  namespace: string,
  mode: Mode,
  round: number,
  count: number,
  publish: () => Promise<void>,
): Promise<{ endToEnd: number; publish: number }> {
  const args = [natsUrl, namespace, mode, String(round), String(count)];
  const child = fork(fileURLToPath(new URL('./messaging-consumer.js', import.meta.url)), args, {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    await nextReport(child, 'ready');
    const done = nextReport(child, 'done');
    const startedAt = performance.timeOrigin + performance.now();
    await publish();
    const publishedAt = performance.timeOrigin + performance.now();
    const report = await done;
    if (report.type !== 'done' || report.count !== count) throw new Error(`${mode} consumer reported ${JSON.stringify(report)}`);
    return {
      endToEnd: Math.round(count / ((report.lastAt - startedAt) / 1000)),
      publish: Math.round(count / ((publishedAt - startedAt) / 1000)),
    };
  } finally {
    if (child.exitCode === null) child.kill();
  }
}

function median(runs: readonly { endToEnd: number; publish: number }[]): { endToEnd: number; publish: number } {
  const middle = (values: number[]): number => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  return { endToEnd: middle(runs.map((r) => r.endToEnd)), publish: middle(runs.map((r) => r.publish)) };
}

function nextReport(child: ChildProcess, type: ConsumerReport['type']): Promise<ConsumerReport> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: ConsumerReport): void => {
      if (message.type !== type) return;
      child.off('message', onMessage);
      resolve(message);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => {
      reject(new Error(`bench consumer exited (${String(code)}) before '${type}'`));
    });
  });
}

function envelopeOf(i: number): EventEnvelope {
  return {
    eventId: randomUUID(),
    streamId: `bench-${i % 100}`,
    streamVersion: String(Math.floor(i / 100) + 1),
    type: 'BenchHappened',
    data: { i, numero: `A-${i}`, collectivite: '21750001600019' },
    metadata: {},
    recordedAt: new Date().toISOString(),
    position: `1:${i + 1}`,
  };
}

async function publishThroughLayer(nc: NatsConnection, subject: string, count: number): Promise<void> {
  const publisher = new JetStreamPublisher(nc);
  const chunk = 5_000;
  for (let start = 0; start < count; start += chunk) {
    const messages: OutgoingMessage[] = [];
    for (let i = start; i < Math.min(count, start + chunk); i += 1) {
      const envelope = envelopeOf(i);
      messages.push({ subject, payload: encodeJson(envelope), msgId: envelope.eventId, headers: { [RelaisHeaders.TYPE]: envelope.type } });
    }
    await publisher.publishBatch(messages, { maxInFlight: WINDOW });
  }
}

async function publishBare(nc: NatsConnection, subject: string, count: number): Promise<void> {
  const js = jetstream(nc);
  const inFlight: Promise<PubAck>[] = [];
  for (let i = 0; i < count; i += 1) {
    const envelope = envelopeOf(i);
    inFlight.push(js.publish(subject, JSON.stringify(envelope), { msgID: envelope.eventId }));
    if (inFlight.length >= WINDOW) await inFlight.shift();
  }
  await Promise.all(inFlight);
}

async function deleteNamespace(jsm: JetStreamManager, namespace: string): Promise<void> {
  for await (const name of jsm.streams.names()) {
    if (name.startsWith(`${namespace}_`)) await jsm.streams.delete(name);
  }
}
