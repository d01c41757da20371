import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  ReplayPolicy,
  type ConsumerConfig,
  type ConsumerInfo,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { InvalidConfigError } from '../errors.js';
import { assertRetryPolicy, type RetryPolicy } from './retry-policy.js';

/**
 * Deliveries the server allows beyond the policy's `maxDeliver`. They never reach the handler: a
 * delivery past `maxDeliver` means the previous attempt never reported back (the process crashed or
 * hung), and the runner dead-letters it at once. Without them such a message would stop being
 * delivered, acked by nobody and dead-lettered by nobody.
 */
export const SPARE_DELIVERIES = 3;

/** Server-side settings of a durable pull consumer. */
export interface ConsumerSettings {
  /** The durable name on the server (already namespaced). */
  readonly durable: string;
  /** Only messages on these subjects (one subject; `filter_subjects` needs a 2.10 server). */
  readonly filterSubject: string;
  readonly retry: RetryPolicy;
  /**
   * Time to ack before the server redelivers (default 30 s): covers the prefetch buffer plus the
   * handler's transaction. The runner sends "working" every third of it while a handler runs, so a
   * slow handler is not redelivered under its feet while a crashed one is within 30 s.
   */
  readonly ackWaitMs: number;
  /** Unacked messages the server lets out at once (default 1000). */
  readonly maxAckPending: number;
  readonly description?: string;
}

/** Defaults of {@link ConsumerSettings} other than names and filter. */
export const DEFAULT_ACK_WAIT_MS = 30_000;
/** See {@link ConsumerSettings.maxAckPending}. */
export const DEFAULT_MAX_ACK_PENDING = 1_000;

/**
 * The consumer's configuration. No server-side `backoff`: JetStream measures a nak's delay from the
 * backoff step of the delivery instead of from `ack_wait` (seen on 2.9: the second nak of 750 ms
 * waited 30.75 s with backoff [30 s, 60 s]), which would stretch every retry after the first by
 * ack-wait multiples. Handler failures are spaced by the runner's nak delays; a consumer that crashes
 * or hangs gets the message again after `ack_wait`, `max_deliver` bounding the loop.
 */
export function consumerConfig(settings: ConsumerSettings): Partial<ConsumerConfig> {
  assertRetryPolicy(settings.retry);
  if (settings.ackWaitMs < 1_000) throw new InvalidConfigError('ackWaitMs must be at least 1000 ms');
  return {
    durable_name: settings.durable,
    description: settings.description ?? `Relais consumer ${settings.durable}`,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    replay_policy: ReplayPolicy.Instant,
    filter_subject: settings.filterSubject,
    ack_wait: nanos(settings.ackWaitMs),
    max_deliver: settings.retry.maxDeliver + SPARE_DELIVERIES,
    max_ack_pending: settings.maxAckPending,
  };
}

/**
 * Creates the durable consumer or updates it to this configuration (idempotent). Looks first, then
 * adds or updates: a 2.10+ server refuses to "create" over an existing consumer with another config.
 */
export async function ensureConsumer(jsm: JetStreamManager, stream: string, config: Partial<ConsumerConfig>): Promise<ConsumerInfo> {
  const durable = config.durable_name;
  if (durable === undefined) throw new InvalidConfigError('A durable consumer needs durable_name');
  // The start policy and the name cannot change on an existing consumer.
  const changeable: Partial<ConsumerConfig> = { ...config };
  delete changeable.deliver_policy;
  delete changeable.durable_name;
  if (await consumerExists(jsm, stream, durable)) return jsm.consumers.update(stream, durable, changeable);
  try {
    return await jsm.consumers.add(stream, config);
  } catch (error) {
    if (!(await consumerExists(jsm, stream, durable))) throw error;
    return jsm.consumers.update(stream, durable, changeable);
  }
}

async function consumerExists(jsm: JetStreamManager, stream: string, durable: string): Promise<boolean> {
  try {
    await jsm.consumers.info(stream, durable);
    return true;
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.ConsumerNotFound) return false;
    throw error;
  }
}
