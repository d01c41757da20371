import { JetStreamApiCodes, JetStreamApiError, jetstreamManager, type ConsumerInfo, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { StreamNames, type MessagingNames, type StreamName } from '@relais/messaging';

/** One durable consumer's backlog, as the server counts it. */
export interface ConsumerFigure {
  /** The stream's logical name (`EVENTS`, `DLQ`). */
  readonly stream: StreamName;
  /** The durable name without the namespace: `validator`, as in its dead-letter subject. */
  readonly consumer: string;
  /** Messages of its filter not yet delivered. */
  readonly pending: number;
  /** Delivered, not yet acknowledged. */
  readonly ackPending: number;
  /** Delivered more than once and not yet acknowledged. */
  readonly redelivered: number;
}

/** What one scrape reads from JetStream. */
export interface JetStreamFigures {
  readonly consumers: readonly ConsumerFigure[];
  /** Messages in the DLQ stream per consumer (its subject `<ns>.v1.dlq.<consumer>`). */
  readonly deadLetters: ReadonlyMap<string, number>;
}

/**
 * Reads every durable consumer of the namespace's streams and the DLQ's count per subject: three
 * JetStream API requests, each bounded by `timeoutMs`. A stream not created yet has no consumers and
 * no dead letters.
 */
export async function readJetStreamFigures(nc: NatsConnection, names: MessagingNames, timeoutMs: number): Promise<JetStreamFigures> {
  const jsm = await jetstreamManager(nc, { timeout: timeoutMs, checkAPI: false });
  const [events, dlq, deadLetters] = await Promise.all([
    consumersOf(jsm, names, StreamNames.EVENTS),
    consumersOf(jsm, names, StreamNames.DLQ),
    deadLettersByConsumer(jsm, names),
  ]);
  return { consumers: [...events, ...dlq], deadLetters };
}

async function consumersOf(jsm: JetStreamManager, names: MessagingNames, stream: StreamName): Promise<ConsumerFigure[]> {
  const found: ConsumerFigure[] = [];
  const infos = await orNothing(async () => {
    const all: ConsumerInfo[] = [];
    for await (const info of jsm.consumers.list(names.stream(stream))) all.push(info);
    return all;
  });
  for (const info of infos ?? []) {
    const durable = info.config.durable_name;
    if (durable === undefined) continue;
    found.push({
      stream,
      consumer: withoutNamespace(names, durable),
      pending: info.num_pending,
      ackPending: info.num_ack_pending,
      redelivered: info.num_redelivered,
    });
  }
  return found;
}

async function deadLettersByConsumer(jsm: JetStreamManager, names: MessagingNames): Promise<Map<string, number>> {
  const subjects = names.allDeadLetters();
  const info = await orNothing(() => jsm.streams.info(names.stream(StreamNames.DLQ), { subjects_filter: subjects }));
  const prefix = subjects.slice(0, -'>'.length);
  const counts = new Map<string, number>();
  for (const [subject, count] of Object.entries(info?.state.subjects ?? {})) {
    const consumer = subject.startsWith(prefix) ? subject.slice(prefix.length) : subject;
    counts.set(consumer, (counts.get(consumer) ?? 0) + count);
  }
  return counts;
}

/** `MessagingNames.durable` the other way round. */
function withoutNamespace(names: MessagingNames, durable: string): string {
  const prefix = `${names.namespace}_`;
  return durable.startsWith(prefix) ? durable.slice(prefix.length) : durable;
}

/** The result, or undefined when the stream does not exist; any other failure is thrown. */
async function orNothing<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound) return undefined;
    throw error;
  }
}
