import type pg from 'pg';
import { eventRowTypes, type Queryable } from '../db.js';
import { onConnectionLost, withTransaction } from '../transaction.js';
import { GENESIS_DIGEST, type Seal, SealDigest } from './seal.js';

/** Transaction advisory lock of the sealer: two sealers never write the same seal number. */
const SEAL_LOCK_KEY = '125779935586676';

/** When to seal: as soon as `everyEvents` are waiting, or when the oldest waiting event is `everyMs` old. */
export interface SealPolicy {
  readonly everyEvents: number;
  readonly everyMs: number;
  /** Now (tests). */
  readonly now?: () => Date;
}

type SealRow = [bigint, bigint, bigint, bigint, Buffer, Buffer, Date];
const SEAL_COLUMNS = 'seal_number, transaction_id, global_position, event_count, digest, previous_digest, sealed_at';

function toSeal([sealNumber, transactionId, globalPosition, eventCount, digest, previousDigest, sealedAt]: SealRow): Seal {
  return { sealNumber, checkpoint: { transactionId, globalPosition }, eventCount, digest, previousDigest, sealedAt };
}

/** The newest seal, or null before the first one. */
export async function lastSeal(db: Queryable): Promise<Seal | null> {
  const { rows } = await db.query<SealRow>({
    text: `SELECT ${SEAL_COLUMNS} FROM seals ORDER BY seal_number DESC LIMIT 1`,
    rowMode: 'array',
    types: eventRowTypes,
  });
  return rows[0] ? toSeal(rows[0]) : null;
}

/** Seals numbered after `after`, oldest first, at most `limit`. */
export async function listSeals(db: Queryable, after = 0n, limit = 1_000): Promise<Seal[]> {
  const { rows } = await db.query<SealRow>({
    text: `SELECT ${SEAL_COLUMNS} FROM seals WHERE seal_number > $1 ORDER BY seal_number LIMIT $2`,
    values: [after.toString(), limit],
    rowMode: 'array',
    types: eventRowTypes,
  });
  return rows.map(toSeal);
}

/**
 * Writes the next seal if one is due under `policy`: it covers the events after the last seal, in
 * reading order and only from finished transactions (as readAll sees them, so a late commit can never
 * land inside a sealed range), at most `everyEvents` of them. Returns it, or null when none was due.
 */
export async function sealNext(pool: pg.Pool, policy: SealPolicy): Promise<Seal | null> {
  if (!Number.isSafeInteger(policy.everyEvents) || policy.everyEvents < 1) throw new RangeError('everyEvents must be a positive integer');
  const now = policy.now ?? (() => new Date());
  return withTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [SEAL_LOCK_KEY]);
    const previous = await lastSeal(client);
    const after = previous?.checkpoint ?? { transactionId: 0n, globalPosition: 0n };
    const waiting = `FROM events WHERE (transaction_id, global_position) > ($1::text::xid8, $2::bigint)
                        AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
                      ORDER BY transaction_id, global_position`;
    const from = [after.transactionId.toString(), after.globalPosition.toString()];
    // Whether a seal is due, from the oldest waiting event and whether `everyEvents` wait, before any hash is read.
    // (eventRowTypes leaves a boolean as PostgreSQL's text: 't' or 'f'.)
    const { rows: due } = await client.query<[Date | null, string]>({
      text: `SELECT (SELECT recorded_at ${waiting} LIMIT 1), EXISTS (SELECT 1 ${waiting} OFFSET $3 LIMIT 1)`,
      values: [...from, policy.everyEvents - 1],
      rowMode: 'array',
      types: eventRowTypes,
    });
    const [oldest, full] = due[0] ?? [null, 'f'];
    const sealedAt = now();
    if (oldest === null || (full !== 't' && sealedAt.getTime() - oldest.getTime() < policy.everyMs)) return null;
    const { rows } = await client.query<[bigint, bigint, Buffer]>({
      text: `SELECT transaction_id, global_position, hash ${waiting} LIMIT $3`,
      values: [...from, policy.everyEvents],
      rowMode: 'array',
      types: eventRowTypes,
    });
    const last = rows[rows.length - 1];
    if (!last) return null;
    const previousDigest = previous?.digest ?? GENESIS_DIGEST;
    const eventCount = (previous?.eventCount ?? 0n) + BigInt(rows.length);
    const digest = new SealDigest(previousDigest, eventCount);
    for (const [, position, hash] of rows) digest.add(position, hash);
    const seal: Seal = {
      sealNumber: (previous?.sealNumber ?? 0n) + 1n,
      checkpoint: { transactionId: last[0], globalPosition: last[1] },
      eventCount,
      digest: digest.digest(),
      previousDigest,
      sealedAt,
    };
    await client.query(
      `INSERT INTO seals (${SEAL_COLUMNS}) VALUES ($1, $2::text::xid8, $3, $4, $5, $6, $7)`,
      [
        seal.sealNumber.toString(),
        seal.checkpoint.transactionId.toString(),
        seal.checkpoint.globalPosition.toString(),
        seal.eventCount.toString(),
        seal.digest,
        seal.previousDigest,
        seal.sealedAt,
      ],
    );
    return seal;
  });
}

/**
 * Why a seal does not hold: the events it covers no longer give its digest (`seal_mismatch`: an event
 * hash changed, a row was deleted, inserted or moved, even with every hash recomputed); the database's
 * copy differs from the exported one (`seal_altered`); an exported seal is not in the database
 * (`seal_missing`); or the database's seals do not chain (`seal_chain_broken`).
 */
export type SealBrokenReason = 'seal_mismatch' | 'seal_altered' | 'seal_missing' | 'seal_chain_broken';

export interface SealVerifyOptions {
  /** Seals kept outside the database (an export file, a JetStream stream): each must match. */
  readonly exported?: readonly Seal[];
  /** Told the number of events recomputed so far (for a progress bar). */
  readonly onProgress?: (checked: number) => void;
}

export interface SealVerifyResult {
  readonly ok: boolean;
  /** Seals checked (the broken one included). */
  readonly sealsChecked: number;
  /** Events under the last seal checked. */
  readonly eventsSealed: number;
  readonly lastSeal?: { readonly seal: bigint; readonly position: bigint; readonly sealedAt: Date };
  readonly firstBroken?: {
    readonly seal: bigint;
    readonly reason: SealBrokenReason;
    /** Global positions of the first and last events the seal covers as the log now reads (absent: none left). */
    readonly fromPosition?: bigint;
    readonly toPosition?: bigint;
  };
}

const PAGE = 20_000;

/**
 * Recomputes every seal's digest from the events' stored hashes, in one read-only snapshot, and compares
 * it with the seal, with the database's copy and with any exported copy. Reads three narrow columns (no
 * payload): the hashes themselves are `verifyHashChain`'s business, and both together prove the log.
 */
export async function verifySeals(pool: pg.Pool, options: SealVerifyOptions = {}): Promise<SealVerifyResult> {
  const client = await pool.connect();
  let released = false;
  // A lost connection fails the check's query; the client is then discarded below.
  const stopListening = onConnectionLost(client, () => undefined);
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const result = await checkSeals(client, options);
    await client.query('COMMIT');
    stopListening();
    client.release();
    released = true;
    return result;
  } finally {
    if (!released) {
      stopListening();
      client.release(true);
    }
  }
}

async function checkSeals(client: pg.PoolClient, options: SealVerifyOptions): Promise<SealVerifyResult> {
  const stored = await listSeals(client, 0n, Number.MAX_SAFE_INTEGER);
  const byNumber = new Map(stored.map((s) => [s.sealNumber, s]));
  const exported = new Map((options.exported ?? []).map((s) => [s.sealNumber, s]));
  // Each seal number once, the exported copy winning: it is the one the database cannot rewrite.
  const reference = new Map(byNumber);
  for (const [n, seal] of exported) reference.set(n, seal);
  const seals = [...reference.values()].sort((a, b) => (a.sealNumber < b.sealNumber ? -1 : 1));

  let checked = 0;
  let previousDigest = GENESIS_DIGEST;
  let previousCount = 0n;
  let lastGood: SealVerifyResult['lastSeal'];
  const scan = new EventScan(client, options.onProgress);
  for (const seal of seals) {
    checked++;
    const broken = (reason: SealBrokenReason, fromPosition?: bigint, toPosition?: bigint): SealVerifyResult => ({
      ok: false,
      sealsChecked: checked,
      eventsSealed: Number(previousCount),
      ...(lastGood ? { lastSeal: lastGood } : {}),
      firstBroken: {
        seal: seal.sealNumber,
        reason,
        ...(fromPosition === undefined ? {} : { fromPosition }),
        ...(toPosition === undefined ? {} : { toPosition }),
      },
    });
    const inDatabase = byNumber.get(seal.sealNumber);
    if (!inDatabase) return broken('seal_missing');
    if (exported.has(seal.sealNumber) && !sameSeal(inDatabase, seal)) return broken('seal_altered');
    if (seal.eventCount <= previousCount || !seal.previousDigest.equals(previousDigest)) return broken('seal_chain_broken');
    const digest = new SealDigest(previousDigest, seal.eventCount);
    const range = await scan.take(seal.eventCount - previousCount, (position, hash) => {
      digest.add(position, hash);
    });
    if (range.count !== seal.eventCount - previousCount || range.last !== seal.checkpoint.globalPosition || !digest.digest().equals(seal.digest)) {
      return broken('seal_mismatch', range.first, range.last);
    }
    previousDigest = seal.digest;
    previousCount = seal.eventCount;
    lastGood = { seal: seal.sealNumber, position: seal.checkpoint.globalPosition, sealedAt: seal.sealedAt };
  }
  return { ok: true, sealsChecked: checked, eventsSealed: Number(previousCount), ...(lastGood ? { lastSeal: lastGood } : {}) };
}

function sameSeal(a: Seal, b: Seal): boolean {
  return (
    a.eventCount === b.eventCount &&
    a.checkpoint.globalPosition === b.checkpoint.globalPosition &&
    a.digest.equals(b.digest) &&
    a.previousDigest.equals(b.previousDigest)
  );
}

/** The log's (position, hash) pairs in reading order, page by page. */
class EventScan {
  private buffer: [bigint, bigint, Buffer][] = [];
  private index = 0;
  private after: [bigint, bigint] = [0n, 0n];
  private done = false;
  private seen = 0;

  constructor(
    private readonly client: pg.PoolClient,
    private readonly onProgress?: (checked: number) => void,
  ) {}

  /** Feeds the next `count` events to `visit`; fewer when the log ends first. */
  async take(count: bigint, visit: (position: bigint, hash: Buffer) => void): Promise<{ count: bigint; first?: bigint; last?: bigint }> {
    let taken = 0n;
    let first: bigint | undefined;
    let last: bigint | undefined;
    while (taken < count) {
      if (this.index >= this.buffer.length && !(await this.fill())) break;
      const [, position, hash] = this.buffer[this.index++] as [bigint, bigint, Buffer];
      visit(position, hash);
      first ??= position;
      last = position;
      taken++;
    }
    return { count: taken, ...(first === undefined ? {} : { first }), ...(last === undefined ? {} : { last }) };
  }

  private async fill(): Promise<boolean> {
    if (this.done) return false;
    const { rows } = await this.client.query<[bigint, bigint, Buffer]>({
      text: `SELECT transaction_id, global_position, hash FROM events
              WHERE (transaction_id, global_position) > ($1::text::xid8, $2::bigint)
              ORDER BY transaction_id, global_position LIMIT $3`,
      values: [this.after[0].toString(), this.after[1].toString(), PAGE],
      rowMode: 'array',
      types: eventRowTypes,
    });
    this.buffer = rows;
    this.index = 0;
    const last = rows[rows.length - 1];
    if (!last) {
      this.done = true;
      return false;
    }
    this.after = [last[0], last[1]];
    this.seen += rows.length;
    this.onProgress?.(this.seen);
    return true;
  }
}
