/**
 * Child process of the messaging bench: consumes `count` messages, through our consumer runner with
 * confirmed acks (`layer`) or plain acks (`layer-fast`), or a bare `@nats-io/jetstream` consumer
 * (`bare`), and reports to the parent over IPC.
 * Run by `benchMessaging` only: `node messaging-consumer.js <natsUrl> <namespace> <mode> <round> <count>`.
 */
import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { eventPattern, MessagingNames, startConsumer, StreamNames } from '@relais/messaging';

/** What the child tells the parent. */
export type ConsumerReport = { readonly type: 'ready' } | { readonly type: 'done'; readonly count: number; readonly firstAt: number; readonly lastAt: number };

const now = (): number => performance.timeOrigin + performance.now();

async function main(): Promise<void> {
  const [natsUrl = '', namespace = '', mode = '', round = '0', countText = '0'] = process.argv.slice(2);
  const count = Number(countText);
  const nc = await connect({ servers: natsUrl, noAsyncTraces: true });
  const names = new MessagingNames(namespace);
  let received = 0;
  let firstAt = 0;
  let finished: () => void = () => undefined;
  const allReceived = new Promise<void>((resolve) => {
    finished = resolve;
  });
  const tick = (): void => {
    if (received === 0) firstAt = now();
    received += 1;
    if (received === count) finished();
  };

  if (mode === 'layer' || mode === 'layer-fast') {
    const runner = await startConsumer(nc, {
      namespace,
      consumer: `bench-${mode}-${round}`,
      filterSubject: eventPattern(categoryOf(mode, round)),
      ackMode: mode === 'layer' ? 'confirmed' : 'fast',
      decode: (envelope) => envelope.data,
      handle: () => {
        tick();
        return Promise.resolve();
      },
    });
    report({ type: 'ready' });
    await allReceived;
    const lastAt = now();
    await runner.stop();
    report({ type: 'done', count: received, firstAt, lastAt });
  } else {
    const stream = names.stream(StreamNames.EVENTS);
    const durable = names.durable(`bench-bare-${round}`);
    const jsm = await jetstreamManager(nc);
    await jsm.consumers.add(stream, { durable_name: durable, ack_policy: AckPolicy.Explicit, filter_subject: eventPattern(categoryOf(mode, round))(namespace) });
    const messages = await (await jetstream(nc).consumers.get(stream, durable)).consume({ max_messages: 128 });
    report({ type: 'ready' });
    for await (const m of messages) {
      m.ack();
      tick();
      if (received === count) break;
    }
    report({ type: 'done', count: received, firstAt, lastAt: now() });
  }
  await nc.drain();
}

/** The event category of each mode and round's messages, so that no consumer sees another's. */
export function categoryOf(mode: string, round: string): string {
  return `bench${mode.replace(/-/g, '')}r${round}`;
}

function report(message: ConsumerReport): void {
  process.send?.(message);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
