import type { LoggerService } from '@nestjs/common';
import { listSeals, sealNext, type Seal, type SealPolicy } from '@relais/event-store';
import type pg from 'pg';
import { requestTimestamp } from './rfc3161.js';
import type { SealExport, SealTimestamp } from './seal-exports.js';

/** What one round did. */
export interface SealerRound {
  readonly sealed: number;
  readonly stamped: number;
  readonly exported: number;
}

/** The sealer's view of itself, for /health. */
export interface SealerStatus {
  readonly lastSeal?: { readonly seal: string; readonly position: string; readonly sealedAt: string };
  /** Per export: the last seal it holds, and the last error if its last attempt failed. */
  readonly exports: Readonly<Record<string, { readonly held: string; readonly error?: string }>>;
  readonly timestampError?: string;
}

/** Seals stamped or exported per round and place, so that one round stays short after a long outage. */
const BATCH = 100;

/**
 * One sealer round: writes the seals that are due, has each stamped by the timestamping authority
 * (when one is configured), then brings every export up to date. Any export or the authority can be
 * down: what it missed is sent on a later round, in order, and the others carry on meanwhile.
 */
export class Sealer {
  private readonly held = new Map<string, bigint>();
  /** Per place, the seals whose timestamp it holds: asked of the place once, then kept up to date here. */
  private readonly stampsHeld = new Map<string, Set<bigint>>();
  private readonly errors = new Map<string, string>();
  private timestampError: string | undefined;
  private last: Seal | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly policy: SealPolicy,
    private readonly exports: readonly SealExport[],
    private readonly tsaUrl: string | undefined,
    private readonly logger: LoggerService,
  ) {}

  async round(): Promise<SealerRound> {
    let sealed = 0;
    for (let seal = await sealNext(this.pool, this.policy); seal; seal = sealed < BATCH ? await sealNext(this.pool, this.policy) : null) {
      sealed++;
      this.last = seal;
      this.logger.log(`seal ${seal.sealNumber.toString()}: ${seal.eventCount.toString()} events, digest ${seal.digest.toString('hex')}`);
    }
    const stamped = this.tsaUrl === undefined ? 0 : await this.stamp(this.tsaUrl);
    let exported = 0;
    for (const place of this.exports) exported += await this.bringUpToDate(place);
    return { sealed, stamped, exported };
  }

  status(): SealerStatus {
    const exports: Record<string, { held: string; error?: string }> = {};
    for (const place of this.exports) {
      const error = this.errors.get(place.name);
      exports[place.name] = { held: (this.held.get(place.name) ?? 0n).toString(), ...(error === undefined ? {} : { error }) };
    }
    return {
      ...(this.last
        ? { lastSeal: { seal: this.last.sealNumber.toString(), position: this.last.checkpoint.globalPosition.toString(), sealedAt: this.last.sealedAt.toISOString() } }
        : {}),
      exports,
      ...(this.timestampError === undefined ? {} : { timestampError: this.timestampError }),
    };
  }

  private async stamp(authority: string): Promise<number> {
    const { rows } = await this.pool.query<{ seal_number: string; digest: Buffer }>(
      `SELECT s.seal_number, s.digest FROM seals s
        WHERE NOT EXISTS (SELECT 1 FROM seal_timestamps t WHERE t.seal_number = s.seal_number AND t.authority = $1)
        ORDER BY s.seal_number LIMIT $2`,
      [authority, BATCH],
    );
    let stamped = 0;
    for (const row of rows) {
      try {
        const { token, genTime } = await requestTimestamp(authority, row.digest);
        await this.pool.query(
          'INSERT INTO seal_timestamps (seal_number, authority, token, gen_time) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
          [row.seal_number, authority, token, genTime],
        );
        stamped++;
        this.timestampError = undefined;
      } catch (error) {
        this.timestampError = String(error);
        this.logger.warn(`seal ${row.seal_number}: no timestamp yet: ${String(error)}`);
        break;
      }
    }
    return stamped;
  }

  private async bringUpToDate(place: SealExport): Promise<number> {
    let count = 0;
    try {
      let held = this.held.get(place.name) ?? (await place.held());
      this.held.set(place.name, held);
      for (const seal of await listSeals(this.pool, held, BATCH)) {
        await place.put(seal);
        held = seal.sealNumber;
        this.held.set(place.name, held);
        count++;
      }
      if (place.putTimestamp && place.heldTimestamps && this.tsaUrl !== undefined) count += await this.exportTimestamps(place, this.tsaUrl, held);
      this.errors.delete(place.name);
    } catch (error) {
      // Asked again next round: what it holds may have changed (a file restored, a stream recreated).
      this.held.delete(place.name);
      this.stampsHeld.delete(place.name);
      if (this.errors.get(place.name) !== String(error)) this.logger.warn(`export ${place.name} failed: ${String(error)}`);
      this.errors.set(place.name, String(error));
    }
    return count;
  }

  private async exportTimestamps(place: SealExport, authority: string, held: bigint): Promise<number> {
    let have = this.stampsHeld.get(place.name);
    if (!have) {
      have = new Set((await place.heldTimestamps?.(authority)) ?? []);
      this.stampsHeld.set(place.name, have);
    }
    const { rows } = await this.pool.query<{ seal_number: string; token: Buffer; gen_time: Date }>(
      `SELECT seal_number, token, gen_time FROM seal_timestamps WHERE authority = $1 AND seal_number <= $2 ORDER BY seal_number`,
      [authority, held.toString()],
    );
    let count = 0;
    for (const row of rows) {
      const sealNumber = BigInt(row.seal_number);
      if (have.has(sealNumber)) continue;
      const stamp: SealTimestamp = { sealNumber, authority, token: row.token, genTime: row.gen_time };
      await place.putTimestamp?.(stamp);
      have.add(sealNumber);
      count++;
    }
    return count;
  }
}
