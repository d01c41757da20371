import {
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type StreamConfig,
  type StreamInfo,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { InvalidConfigError } from './errors.js';
import { MessagingNames, StreamNames, type StreamName } from './subjects.js';

/** Limits of a stream, all explicit: JetStream's defaults are unlimited, and a 2-minute duplicate window. */
export interface StreamLimits {
  /** How long `Nats-Msg-Id`s are remembered: a message republished within it is stored once. */
  readonly duplicateWindowMs: number;
  /** Messages older than this are removed (discard old). */
  readonly maxAgeMs: number;
  /** Size cap; past it the oldest messages go. Reserved on the server at creation. */
  readonly maxBytes: number;
  /** The largest message accepted; a bigger one is refused at publish. */
  readonly maxMsgSize: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MIB = 1024 * 1024;

/**
 * EVENTS: the duplicate window is 2 h, so a relay that crashes and restarts within that time republishes
 * without duplicates (beyond it, consumers' inboxes absorb repeats); the server keeps one id per message of
 * the window in memory, about 100 bytes each. 30 days of age gives consumers room to be down and catch up;
 * PostgreSQL stays the source of truth for anything older. 8 GiB caps the disk taken. 512 KiB per message:
 * events carry metadata, never document bodies, and the DLQ must hold the message plus its headers.
 */
export const EVENTS_STREAM_LIMITS: StreamLimits = {
  duplicateWindowMs: 2 * HOUR,
  maxAgeMs: 30 * DAY,
  maxBytes: 8 * 1024 * MIB,
  maxMsgSize: 512 * 1024,
};

/**
 * DLQ: kept 90 days for an operator to look at and replay; 1 GiB; 1 MiB per message (the server's
 * default max payload), room for an event plus the dead-letter headers. The 2 h duplicate window makes
 * dead-lettering idempotent when a runner crashes between the DLQ publish and the `term`.
 */
export const DLQ_STREAM_LIMITS: StreamLimits = {
  duplicateWindowMs: 2 * HOUR,
  maxAgeMs: 90 * DAY,
  maxBytes: 1024 * MIB,
  maxMsgSize: MIB,
};

/** A stream's desired configuration: every field this library sets; the rest stays the server's default. */
export type StreamSpec = Partial<StreamConfig> & Pick<StreamConfig, 'name' | 'subjects' | 'storage'>;

/** The configuration of one of this library's streams. */
export function streamConfig(names: MessagingNames, stream: StreamName, limits: StreamLimits): StreamSpec {
  if (limits.maxAgeMs > 0 && limits.duplicateWindowMs > limits.maxAgeMs) {
    throw new InvalidConfigError('The duplicate window cannot be longer than max age');
  }
  return {
    name: names.stream(stream),
    subjects: [stream === StreamNames.EVENTS ? names.allEvents() : names.allDeadLetters()],
    description: stream === StreamNames.EVENTS ? 'Relais domain events, relayed from the PostgreSQL log' : 'Relais dead letters',
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    discard_new_per_subject: false,
    duplicate_window: nanos(limits.duplicateWindowMs),
    max_age: nanos(limits.maxAgeMs),
    max_bytes: limits.maxBytes,
    max_msg_size: limits.maxMsgSize,
    max_msgs: -1,
    max_msgs_per_subject: -1,
    max_consumers: -1,
    num_replicas: 1,
    allow_rollup_hdrs: false,
    deny_delete: false,
    deny_purge: false,
    // Direct gets let the operator tool find a consumer's dead letters with one request each.
    allow_direct: stream === StreamNames.DLQ,
    mirror_direct: false,
  };
}

/**
 * Creates the stream, or brings an existing one to this configuration (idempotent: run it at every
 * start). Refuses to change the storage type, which JetStream cannot do in place.
 */
export async function ensureStream(jsm: JetStreamManager, config: StreamSpec): Promise<StreamInfo> {
  const existing = await streamInfoOrNull(jsm, config.name);
  if (existing === null) {
    try {
      return await jsm.streams.add(config);
    } catch (error) {
      // Another process created it between our look and our add: update it like any existing one.
      if (!(await streamInfoOrNull(jsm, config.name))) throw error;
    }
  } else if (existing.config.storage !== config.storage) {
    throw new InvalidConfigError(`Stream ${config.name} is stored in ${existing.config.storage}, not ${config.storage}`);
  }
  const { name, ...update } = config;
  return jsm.streams.update(name, update);
}

/**
 * The limits every process of a platform declares when none are given in code: the defaults above,
 * with the size caps from `RELAIS_EVENTS_STREAM_MAX_BYTES` and `RELAIS_DLQ_STREAM_MAX_BYTES` where set.
 * Every process (relay, consumers) declares the streams at start, so they must all agree: a size is
 * reserved on the server when a stream is created or updated, and small platforms (tests, demos) on a
 * shared server would otherwise reserve 9 GiB each.
 */
export function streamLimitsFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): {
  readonly events: StreamLimits;
  readonly dlq: StreamLimits;
} {
  const bytes = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isSafeInteger(value) || value < MIB) throw new InvalidConfigError(`${name} must be a whole number of bytes from 1 MiB: ${raw}`);
    return value;
  };
  return {
    events: { ...EVENTS_STREAM_LIMITS, maxBytes: bytes('RELAIS_EVENTS_STREAM_MAX_BYTES', EVENTS_STREAM_LIMITS.maxBytes) },
    dlq: { ...DLQ_STREAM_LIMITS, maxBytes: bytes('RELAIS_DLQ_STREAM_MAX_BYTES', DLQ_STREAM_LIMITS.maxBytes) },
  };
}

/** Creates or updates the EVENTS and DLQ streams of a namespace (limits not given: {@link streamLimitsFromEnv}). */
export async function ensureMessagingStreams(
  jsm: JetStreamManager,
  names: MessagingNames,
  limits: { readonly events?: StreamLimits; readonly dlq?: StreamLimits } = {},
): Promise<void> {
  const defaults = limits.events === undefined || limits.dlq === undefined ? streamLimitsFromEnv() : undefined;
  await ensureStream(jsm, streamConfig(names, StreamNames.EVENTS, limits.events ?? defaults?.events ?? EVENTS_STREAM_LIMITS));
  await ensureStream(jsm, streamConfig(names, StreamNames.DLQ, limits.dlq ?? defaults?.dlq ?? DLQ_STREAM_LIMITS));
}

/** The stream's info, or null when it does not exist. */
export async function streamInfoOrNull(jsm: JetStreamManager, name: string): Promise<StreamInfo | null> {
  try {
    return await jsm.streams.info(name);
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound) return null;
    throw error;
  }
}
