import { Inject, Injectable } from '@nestjs/common';
import { fromStored, TransmissionErrorCode, type FileRef, type TransmissionEvent } from '@relais/domain';
import { PostgresEventStore, type StoredEvent } from '@relais/event-store';
import type { ShownEvent } from '@relais/privacy';
import {
  evolveTransmissionView,
  getTransmission,
  listTransmissions,
  type ListTransmissionsQuery,
  type TransmissionPage,
  type TransmissionView,
} from '@relais/read-models';
import { transmissionStreamId } from '@relais/service-kit';
import type pg from 'pg';
import type { Principal } from '../auth/principal.js';
import { ApiError } from '../errors/api-error.js';
import { GatewayErrorCode } from '../errors/error-codes.js';
import { mayRead, readScope } from '../groups/followed-sirens.js';
import { shownEvents, shownView } from '../personal-data/shown.js';
import { PG_POOL } from '../tokens.js';
import { filesOfHistory } from './transmission-files.js';

/** One event as `GET /api/v1/transmissions/{id}/events` lists it; its personal fields in clear, or null once shredded. */
export interface EventItem {
  readonly position: string;
  readonly type: TransmissionEvent['type'];
  readonly recordedAt: string;
  readonly data: ShownEvent['data'];
}

/** Ids the gateway makes are UUIDs; anything outside this shape cannot name a transmission. */
const TRANSMISSION_ID = /^[A-Za-z0-9_-]{1,100}$/;

/** Whether `id` can name a transmission at all (what cannot is answered 404 without a query). */
export function isTransmissionId(id: string): boolean {
  return TRANSMISSION_ID.test(id);
}

interface History {
  readonly stored: readonly StoredEvent[];
  readonly events: readonly TransmissionEvent[];
}

/**
 * What the following calls read. A collectivité sees only its own transmissions (a group
 * administrator, those of every collectivité they follow): another's id answers exactly as an unknown
 * one (404). The view comes from the read model; when the projector has not
 * caught up yet (just after a 202), it is folded from the event log with the projector's own function,
 * so a transmission is readable as soon as its submission was answered.
 */
@Injectable()
export class TransmissionsReader {
  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly store: PostgresEventStore,
  ) {}

  async get(id: string, principal: Principal): Promise<TransmissionView> {
    if (TRANSMISSION_ID.test(id)) {
      const view = await getTransmission(this.pool, id);
      if (view !== null) {
        if (mayRead(principal, view.siren)) return view;
        throw notFound(id);
      }
      const { stored, events } = await this.history(id);
      let folded: TransmissionView | undefined;
      events.forEach((event, i) => {
        const meta = stored[i];
        if (meta !== undefined) folded = evolveTransmissionView(folded, event, { recordedAt: meta.recordedAt, streamId: meta.streamId });
      });
      if (folded !== undefined && mayRead(principal, folded.siren)) return shownView(this.pool, folded);
    }
    throw notFound(id);
  }

  /**
   * A page of what the principal follows (supervisors and auditors: everything), narrowed to one
   * collectivité by `sirenParam` (the `siren` query parameter; one not followed answers 404).
   */
  list(principal: Principal, query: Omit<ListTransmissionsQuery, 'siren' | 'sirens'>, sirenParam?: unknown): Promise<TransmissionPage> {
    const sirens = readScope(principal, sirenParam);
    return listTransmissions(this.pool, sirens === undefined ? query : { ...query, sirens });
  }

  /** The transmission's events in stream order, from the event log, their personal fields shown. */
  async events(id: string, principal: Principal): Promise<readonly EventItem[]> {
    const { stored, events } = await this.visibleHistory(id, principal);
    const shown = await shownEvents(this.pool, id, events);
    return shown.flatMap((event, i) => {
      const row = stored[i];
      return row === undefined
        ? []
        : [{ position: row.globalPosition.toString(), type: event.type, recordedAt: row.recordedAt.toISOString(), data: event.data }];
    });
  }

  /**
   * One of the files the transmission's history holds, by its sha256 (what was submitted, the
   * préfecture's letters, the collectivité's answers); 404 for any other.
   */
  async file(id: string, sha256: string, principal: Principal): Promise<FileRef> {
    const { events } = await this.visibleHistory(id, principal);
    const wanted = sha256.toLowerCase();
    const file = filesOfHistory(events).find((ref) => ref.sha256 === wanted);
    if (file === undefined) throw ApiError.of(404, GatewayErrorCode.FileNotFound, `Transmission ${id} carries no file ${sha256}`);
    return file;
  }

  private async visibleHistory(id: string, principal: Principal): Promise<History> {
    if (!TRANSMISSION_ID.test(id)) throw notFound(id);
    const history = await this.history(id);
    const received = history.events.find((event) => event.type === 'TransmissionReceived');
    if (received === undefined || !mayRead(principal, received.data.siren)) throw notFound(id);
    return history;
  }

  private async history(id: string): Promise<History> {
    const stored = await this.store.readStream(transmissionStreamId(id));
    return { stored, events: stored.map((event) => fromStored(event.type, event.data)) };
  }
}

/** The 404 of a transmission the caller may not see or that does not exist: the same answer for both. */
export function notFound(id: string): ApiError {
  return ApiError.of(404, TransmissionErrorCode.NotFound, `No transmission ${id}`);
}
