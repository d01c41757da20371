import { createHash, type Hash } from 'node:crypto';
import type { Checkpoint } from '../types.js';

/**
 * A seal: how far the log had gone (the first `eventCount` events in reading order, the last of them at
 * `checkpoint`) and a digest of every event hash up to there. Seals chain: each digest starts from the
 * previous one, so one seal held outside the database vouches for the whole log before it.
 *
 * `digest_n = SHA-256(digest_{n-1} || be64(eventCount_n) || for each event after seal n-1, up to and
 * including checkpoint_n, in (transaction_id, global_position) order: be64(global_position) || hash)`,
 * with `digest_0` = 32 zero bytes. The events' own hashes cover their content and their stream's chain
 * (README.md), so a seal covers content, order and count. docs/audit-seals.md gives the procedure.
 */
export interface Seal {
  /** 1, 2, 3… without gaps. */
  readonly sealNumber: bigint;
  /** The reading position of the last sealed event (readAll's checkpoint after it). */
  readonly checkpoint: Checkpoint;
  /** Events sealed so far, this seal's included (seal n covers events eventCount_{n-1}+1 … eventCount_n). */
  readonly eventCount: bigint;
  readonly digest: Buffer;
  readonly previousDigest: Buffer;
  readonly sealedAt: Date;
}

/** `digest_0`. */
export const GENESIS_DIGEST: Buffer = Buffer.alloc(32);

/** Accumulates one seal's digest, event by event (one SHA-256 per seal, not per event). */
export class SealDigest {
  private readonly hash: Hash;
  private readonly scratch = Buffer.alloc(8);

  constructor(previousDigest: Buffer, eventCount: bigint) {
    this.hash = createHash('sha256').update(previousDigest);
    this.scratch.writeBigUInt64BE(eventCount);
    this.hash.update(this.scratch);
  }

  add(globalPosition: bigint, eventHash: Buffer): void {
    this.scratch.writeBigUInt64BE(globalPosition);
    this.hash.update(this.scratch).update(eventHash);
  }

  digest(): Buffer {
    return this.hash.digest();
  }
}

/** The digest of a seal over `events`, as `(position, hash)` pairs in reading order. */
export function sealDigest(previousDigest: Buffer, eventCount: bigint, events: Iterable<readonly [bigint, Buffer]>): Buffer {
  const digest = new SealDigest(previousDigest, eventCount);
  for (const [position, hash] of events) digest.add(position, hash);
  return digest.digest();
}

/** A seal as written to an export (one JSON line): every number as a decimal string, bytes in hex. */
export interface ExportedSeal {
  readonly seal: string;
  readonly transactionId: string;
  readonly position: string;
  readonly eventCount: string;
  readonly digest: string;
  readonly previousDigest: string;
  readonly sealedAt: string;
}

export function exportSeal(seal: Seal): ExportedSeal {
  return {
    seal: seal.sealNumber.toString(),
    transactionId: seal.checkpoint.transactionId.toString(),
    position: seal.checkpoint.globalPosition.toString(),
    eventCount: seal.eventCount.toString(),
    digest: seal.digest.toString('hex'),
    previousDigest: seal.previousDigest.toString('hex'),
    sealedAt: seal.sealedAt.toISOString(),
  };
}

const DECIMAL = /^(0|[1-9][0-9]{0,19})$/;
const HEX32 = /^[0-9a-f]{64}$/;

/** Reads an exported seal back; throws a TypeError naming the first bad field. */
export function importSeal(value: unknown): Seal {
  if (typeof value !== 'object' || value === null) throw new TypeError('a seal must be a JSON object');
  const v = value as Record<string, unknown>;
  const decimal = (name: string): bigint => {
    const text = v[name];
    if (typeof text !== 'string' || !DECIMAL.test(text)) throw new TypeError(`seal.${name} must be a decimal string`);
    return BigInt(text);
  };
  const hex = (name: string): Buffer => {
    const text = v[name];
    if (typeof text !== 'string' || !HEX32.test(text)) throw new TypeError(`seal.${name} must be 64 lowercase hex digits`);
    return Buffer.from(text, 'hex');
  };
  const sealedAt = new Date(typeof v['sealedAt'] === 'string' ? v['sealedAt'] : Number.NaN);
  if (Number.isNaN(sealedAt.getTime())) throw new TypeError('seal.sealedAt must be an ISO 8601 instant');
  const sealNumber = decimal('seal');
  if (sealNumber < 1n) throw new TypeError('seal.seal must be at least 1');
  return {
    sealNumber,
    checkpoint: { transactionId: decimal('transactionId'), globalPosition: decimal('position') },
    eventCount: decimal('eventCount'),
    digest: hex('digest'),
    previousDigest: hex('previousDigest'),
    sealedAt,
  };
}
