import { Inject, Injectable } from '@nestjs/common';
import { fromStored } from '@relais/domain';
import {
  decodeCheckpoint,
  encodeCheckpoint,
  PostgresEventStore,
  verifyHashChain,
  verifySeals,
  type SealBrokenReason,
  type BrokenReason,
  type Checkpoint,
  type JsonObject,
} from '@relais/event-store';
import { evolveTransmissionView, type TransmissionPage, type TransmissionView } from '@relais/read-models';
import { transmissionStreamId } from '@relais/service-kit';
import type pg from 'pg';
import { ApiError } from '../errors/api-error.js';
import { GatewayErrorCode } from '../errors/error-codes.js';
import { PG_POOL } from '../tokens.js';
import { isTransmissionId, notFound } from '../transmissions/transmissions.reader.js';
import { shownView } from '../personal-data/shown.js';
import type { AuditSearch } from './audit-search.query.js';
import { transmissionHistory, type AuditHistory } from './transmission-history.js';
import { searchTransmissions } from './transmission-search.js';

/** One event as `GET /api/v1/audit/events` lists it (API.md, "Auditing"). */
export interface AuditEvent {
  readonly position: string;
  readonly streamId: string;
  readonly version: string;
  readonly type: string;
  readonly recordedAt: string;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
  /** The row's chain hash, lower-case hexadecimal. */
  readonly hash: string;
}

/** A page of the log: `next` continues after its last event (the same cursor when nothing was read). */
export interface AuditPage {
  readonly items: readonly AuditEvent[];
  readonly next: string;
}

/** `GET /api/v1/audit/verify`. */
export interface AuditVerification {
  readonly ok: boolean;
  readonly checked: number;
  /** The chain's first broken row, else (whole-log runs) where the first broken seal starts. */
  readonly firstBroken?: { readonly position: string; readonly reason: BrokenReason | SealBrokenReason; readonly streamId?: string; readonly seal?: string };
  /** Whole-log runs: every seal recomputed (docs/audit-seals.md). */
  readonly seals?: {
    readonly ok: boolean;
    readonly checked: number;
    readonly eventsSealed: number;
    readonly lastSeal?: { readonly seal: string; readonly position: string; readonly sealedAt: string };
    readonly firstBroken?: { readonly seal: string; readonly reason: SealBrokenReason; readonly fromPosition?: string; readonly toPosition?: string };
  };
}

/** The cursor of the log's start. */
const START = 'start';

/**
 * What auditors read, straight from the event log: the log page by page in the order readers see it,
 * the hash chain recomputed, a transmission's history with each hash checked, and a transmission
 * folded up to an instant. Only the search, which finds transmissions, reads the read model.
 */
@Injectable()
export class AuditReader {
  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly store: PostgresEventStore,
  ) {}

  /**
   * Every event once, in commit order, never skipping one whose transaction committed late: the
   * store's `readAll`, which reads only below the oldest running transaction.
   */
  async events(after: string | undefined, limit: number): Promise<AuditPage> {
    const from = after === undefined || after === START ? null : cursorOf(after);
    const { events, checkpoint } = await this.store.readAll(from, limit);
    return {
      items: events.map((e) => ({
        position: e.globalPosition.toString(),
        streamId: e.streamId,
        version: e.streamVersion.toString(),
        type: e.type,
        recordedAt: e.recordedAt.toISOString(),
        data: e.data,
        metadata: e.metadata,
        hash: e.hash.toString('hex'),
      })),
      next: from === null && events.length === 0 ? START : encodeCheckpoint(checkpoint),
    };
  }

  /** Recomputes the chain over the log, or the positions [from, to]; over the whole log, the seals too. */
  async verify(range: { from?: bigint; to?: bigint }): Promise<AuditVerification> {
    const result = await verifyHashChain(this.pool, {
      ...(range.from !== undefined && { fromPosition: range.from }),
      ...(range.to !== undefined && { toPosition: range.to }),
    });
    const whole = range.from === undefined && range.to === undefined;
    const seals = whole ? await verifySeals(this.pool) : undefined;
    const sealBroken = seals?.firstBroken;
    const firstBroken = result.firstBroken
      ? { position: result.firstBroken.position.toString(), reason: result.firstBroken.reason, streamId: result.firstBroken.streamId }
      : sealBroken && { position: (sealBroken.fromPosition ?? 0n).toString(), reason: sealBroken.reason, seal: sealBroken.seal.toString() };
    return {
      ok: result.ok && (seals?.ok ?? true),
      checked: result.checked,
      ...(firstBroken && { firstBroken }),
      ...(seals && {
        seals: {
          ok: seals.ok,
          checked: seals.sealsChecked,
          eventsSealed: seals.eventsSealed,
          ...(seals.lastSeal && {
            lastSeal: { seal: seals.lastSeal.seal.toString(), position: seals.lastSeal.position.toString(), sealedAt: seals.lastSeal.sealedAt.toISOString() },
          }),
          ...(sealBroken && {
            firstBroken: {
              seal: sealBroken.seal.toString(),
              reason: sealBroken.reason,
              ...(sealBroken.fromPosition !== undefined && { fromPosition: sealBroken.fromPosition.toString() }),
              ...(sealBroken.toPosition !== undefined && { toPosition: sealBroken.toPosition.toString() }),
            },
          }),
        },
      }),
    };
  }

  /** Transmissions matching `search`, newest first, a page at a time. */
  search(search: AuditSearch): Promise<TransmissionPage> {
    return searchTransmissions(this.pool, search);
  }

  /** Every event of the transmission's stream, each with its hash, its predecessor's and its chain recomputed; 404 when there is none. */
  async history(id: string): Promise<AuditHistory> {
    if (!isTransmissionId(id)) throw notFound(id);
    const history = await transmissionHistory(this.pool, transmissionStreamId(id));
    if (history === undefined) throw notFound(id);
    return history;
  }

  /**
   * The transmission as it stood at `at`, in the shape of `GET /api/v1/transmissions/{id}`: its events
   * recorded at or before `at`, folded with the projector's own function. 404 when it did not exist yet.
   */
  async transmissionAt(id: string, at: Date): Promise<TransmissionView> {
    if (!isTransmissionId(id)) throw notFound(id);
    const stored = await this.store.readStream(transmissionStreamId(id), { asOf: at });
    let view: TransmissionView | undefined;
    for (const event of stored) {
      view = evolveTransmissionView(view, fromStored(event.type, event.data), { recordedAt: event.recordedAt, streamId: event.streamId });
    }
    if (view === undefined) throw notFound(id);
    return shownView(this.pool, view);
  }
}

function cursorOf(value: string): Checkpoint {
  try {
    return decodeCheckpoint(value);
  } catch {
    throw ApiError.of(400, GatewayErrorCode.InvalidQuery, 'after must be the `next` of a previous page (or absent, from the start)', 'after');
  }
}
