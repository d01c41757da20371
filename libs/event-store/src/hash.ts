import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { fastCanonical } from './canonical-json.js';
import type { JsonObject } from './types.js';

/** The "previous hash" of a stream's first event: 32 zero bytes. */
export const GENESIS_HASH: Buffer = Buffer.alloc(32);

/** The fields an event's hash covers, exactly as an auditor reads them back from the `events` table. */
export interface HashedEvent {
  readonly streamId: string;
  readonly streamVersion: bigint;
  readonly eventId: string;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
  /** ISO 8601 UTC with exactly 6 fractional digits, as `formatRecordedAt` writes it. */
  readonly recordedAt: string;
}

/**
 * The RFC 8785 (JCS) canonical JSON of the hashed fields: the reference definition that README.md
 * documents for auditors. `streamVersion` is a JSON number (safe: a stream never nears 2^53 events).
 */
export function canonicalEventJson(event: HashedEvent): string {
  const fields = {
    streamId: event.streamId,
    streamVersion: Number(event.streamVersion),
    eventId: event.eventId,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
    recordedAt: event.recordedAt,
  };
  // Plain JSON (every row read back from jsonb) takes the one-pass path; a unit test holds both equal.
  const text = fastCanonical(fields) ?? canonicalize(fields);
  if (text === undefined) throw new TypeError('event is not JSON-serialisable');
  return text;
}

/** `sha256(previousHash || utf8(canonicalJson))`. */
export function chainHash(previousHash: Buffer, canonicalJson: string): Buffer {
  return createHash('sha256').update(previousHash).update(canonicalJson, 'utf8').digest();
}

/** The hash of `event` chained to `previousHash` (GENESIS_HASH for version 1). */
export function eventHash(previousHash: Buffer, event: HashedEvent): Buffer {
  return chainHash(previousHash, canonicalEventJson(event));
}

/**
 * The parts of an event that stay the same whatever version and time it is stored at, already in
 * canonical form, so that the append hot path does not canonicalise payloads again per attempt.
 */
export interface CanonicalParts {
  /** `canonicalize(streamId)` */
  readonly streamId: string;
  /** `canonicalize(eventId)` */
  readonly eventId: string;
  /** `canonicalize(type)` */
  readonly type: string;
  /** `canonicalize(data)` */
  readonly data: string;
  /** `canonicalize(metadata)` */
  readonly metadata: string;
}

/**
 * The same text as `canonicalEventJson`, assembled from pre-canonicalised parts. The keys are written
 * in RFC 8785 order (UTF-16 code unit order): data, eventId, metadata, recordedAt, streamId,
 * streamVersion, type. A unit test holds it equal to `canonicalEventJson`.
 */
export function canonicalEventJsonFromParts(parts: CanonicalParts, streamVersion: bigint, recordedAt: string): string {
  return (
    `{"data":${parts.data},"eventId":${parts.eventId},"metadata":${parts.metadata},` +
    `"recordedAt":"${recordedAt}","streamId":${parts.streamId},` +
    `"streamVersion":${streamVersion.toString()},"type":${parts.type}}`
  );
}

/**
 * `2026-11-28T14:29:48.123000Z`: UTC, 6 fractional digits, the precision of timestamptz. A JS Date
 * carries milliseconds, so the last three digits of what the application writes are zeros.
 */
export function formatRecordedAt(date: Date): string {
  const iso = date.toISOString();
  if (iso.length !== 24) throw new RangeError(`recordedAt out of range: ${iso}`);
  return `${iso.slice(0, 23)}000Z`;
}

/** SQL expression giving `recorded_at` in the hashed text form, microseconds included. */
export const RECORDED_AT_SQL = `to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
