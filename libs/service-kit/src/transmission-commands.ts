import { createHash, randomUUID } from 'node:crypto';
import {
  decide,
  evolve,
  fromStored,
  initialState,
  toStored,
  type TransmissionCommand,
  type TransmissionEvent,
  type TransmissionState,
} from '@relais/domain';
import {
  WrongExpectedVersionError,
  type JsonObject,
  type NewEvent,
  type PostgresEventStore,
} from '@relais/event-store';
import { transmissionStreamId } from './transmission-stream.js';

/** A transmission as loaded from its stream. */
export interface LoadedTransmission {
  readonly state: TransmissionState;
  /** The stream's version: -1 when it does not exist. */
  readonly version: bigint;
  readonly events: readonly TransmissionEvent[];
}

/** What executing a command did. */
export interface ExecuteResult {
  /** The events recorded; empty when the command only repeated a recorded fact. */
  readonly events: readonly TransmissionEvent[];
  /** The state after them. */
  readonly state: TransmissionState;
}

/** Options of one execution. */
export interface ExecuteOptions {
  /**
   * The transmission as the caller just loaded it (`load`): the first attempt decides on it instead
   * of reading the stream again (a round trip saved); a version conflict reloads as usual.
   */
  readonly loaded?: LoadedTransmission;
  /**
   * What caused the command (the id of the message being handled, an HTTP idempotency key): it goes
   * into the events' metadata and makes their ids deterministic, so a repeated execution after a
   * crash is an idempotent replay at the store even if the decision could not tell.
   */
  readonly causationId?: string;
  /** Who asked (a token id, a service name). */
  readonly actor?: string;
  /** More metadata. */
  readonly metadata?: JsonObject;
}

/** Options of {@link TransmissionCommands}. */
export interface TransmissionCommandsOptions {
  /** How many times to reload and decide again after another writer moved the stream (default 8). */
  readonly maxConflictRetries?: number;
}

/**
 * Executes transmission commands against the event log: load the stream, fold it, decide, append
 * under the version that was read. When another writer got there first, the stream is read again and
 * the command decided again against the new state, so ordering comes from optimistic concurrency,
 * never from delivery order; the conflict is never swallowed: past the retry budget it is thrown.
 * Domain refusals (`TransmissionError`) are thrown as they are.
 */
export class TransmissionCommands {
  private readonly maxConflictRetries: number;

  constructor(
    private readonly store: PostgresEventStore,
    options: TransmissionCommandsOptions = {},
  ) {
    this.maxConflictRetries = options.maxConflictRetries ?? 8;
  }

  /** Reads and folds one transmission's stream. */
  async load(transmissionId: string): Promise<LoadedTransmission> {
    const stored = await this.store.readStream(transmissionStreamId(transmissionId));
    const events = stored.map((event) => fromStored(event.type, event.data));
    const state = events.reduce(evolve, initialState());
    const last = stored.at(-1);
    return { state, version: last === undefined ? -1n : last.streamVersion, events };
  }

  /** Decides `command` against the stored state and records the resulting events. */
  async execute(command: TransmissionCommand, options: ExecuteOptions = {}): Promise<ExecuteResult> {
    const streamId = transmissionStreamId(command.data.transmissionId);
    for (let attempt = 0; ; attempt += 1) {
      const { state, version } = attempt === 0 && options.loaded !== undefined ? options.loaded : await this.load(command.data.transmissionId);
      const events = decide(command, state);
      if (events.length === 0) return { events, state };
      const toAppend = events.map((event, index) => newEvent(event, index, command, version, options));
      try {
        await this.store.append(streamId, version < 0n ? 'no_stream' : version, toAppend);
      } catch (error) {
        if (error instanceof WrongExpectedVersionError && attempt < this.maxConflictRetries) continue;
        throw error;
      }
      return { events, state: events.reduce(evolve, state) };
    }
  }
}

function newEvent(
  event: TransmissionEvent,
  index: number,
  command: TransmissionCommand,
  version: bigint,
  options: ExecuteOptions,
): NewEvent {
  return eventToAppend(toStored(event), index, command.type, version, options);
}

/**
 * The event to append for the `index`-th event a command decided on a stream read at `version`: its
 * metadata names the command, the cause and the actor; its id is derived from the cause when there is
 * one, so a repeated execution after a crash is an idempotent replay at the store.
 */
export function eventToAppend(
  stored: { readonly type: string; readonly data: JsonObject },
  index: number,
  commandType: string,
  version: bigint,
  options: ExecuteOptions,
): NewEvent {
  const metadata: JsonObject = {
    ...options.metadata,
    command: commandType,
    ...(options.causationId === undefined ? {} : { causationId: options.causationId }),
    ...(options.actor === undefined ? {} : { actor: options.actor }),
  };
  const eventId =
    options.causationId === undefined
      ? randomUUID()
      : deterministicUuid(`${options.causationId}|${commandType}|${version.toString()}|${index.toString()}`);
  return { eventId, type: stored.type, data: stored.data, metadata };
}

/** A UUID (version 8, RFC 9562) derived from `key`: the same key always gives the same id. */
export function deterministicUuid(key: string): string {
  const bytes = createHash('sha256').update(key).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
