import { DecodeError } from './errors.js';

/** JSON as carried in an envelope. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/**
 * The wire form of a relayed event: JSON, bigints written as decimal strings (JSON numbers lose
 * precision past 2^53), `recordedAt` in ISO 8601, `position` the encoded log checkpoint of the event.
 */
export interface EventEnvelope {
  readonly eventId: string;
  readonly streamId: string;
  readonly streamVersion: string;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
  readonly recordedAt: string;
  readonly position: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Serialises an envelope (or any JSON value) to UTF-8 bytes, bigints as decimal strings. */
export function encodeJson(value: unknown): Uint8Array {
  let text: string;
  try {
    // A replacer slows every serialisation down by half; most values have no bigint.
    text = JSON.stringify(value);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  }
  return encoder.encode(text);
}

/** Reads and checks an envelope; anything malformed is a {@link DecodeError} (dead-lettered, not retried). */
export function decodeEnvelope(bytes: Uint8Array): EventEnvelope {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(bytes));
  } catch (error) {
    throw new DecodeError('Payload is not UTF-8 JSON', { cause: error });
  }
  if (!isObject(value)) throw new DecodeError('Envelope is not a JSON object');
  for (const key of ['eventId', 'streamId', 'streamVersion', 'type', 'recordedAt', 'position'] as const) {
    if (typeof value[key] !== 'string') throw new DecodeError(`Envelope field ${key} is not a string`);
  }
  if (!isObject(value['data'])) throw new DecodeError('Envelope field data is not an object');
  if (!isObject(value['metadata'])) throw new DecodeError('Envelope field metadata is not an object');
  return value as unknown as EventEnvelope;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
