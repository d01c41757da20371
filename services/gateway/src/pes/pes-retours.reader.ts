import { Inject, Injectable } from '@nestjs/common';
import { PostgresEventStore } from '@relais/event-store';
import { listPesRetours, loadCollectivite, PES_RETOUR_RECEIVED, pesRetourFromData, type PesRetour } from '@relais/service-kit';
import type pg from 'pg';
import type { Principal } from '../auth/principal.js';
import { ApiError } from '../errors/api-error.js';
import { GatewayErrorCode } from '../errors/error-codes.js';
import { followedSirens, mayRead } from '../groups/followed-sirens.js';
import { PG_POOL } from '../tokens.js';

/** One PES_Retour as `GET /api/v1/pes/retours` lists it. */
export interface PesRetourItem {
  readonly id: string;
  readonly receivedAt: string;
  readonly siret: string;
  readonly fileName: string;
  readonly nomFic: string;
  readonly idPost: string;
  readonly codCol: string;
  readonly size: number;
  readonly sha256: string;
}

const SIREN = /^[0-9]{9}$/;
/** Retour ids are UUIDs (derived from the DGFiP file's name): anything else names none. */
const RETOUR_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The item of a kept retour: what the collectivité needs to fetch and recognise the file. Pure. */
export function pesRetourItem(retour: PesRetour): PesRetourItem {
  const { id, receivedAt, siret, fileName, nomFic, idPost, codCol, size, sha256 } = retour;
  return { id, receivedAt, siret, fileName, nomFic, idPost, codCol, size, sha256 };
}

/**
 * What the PES_Retour calls read, from the event log (`pesretours-<siren>` streams, API.md: delivered
 * to the collectivité whose SIRET they name). A collectivité sees only its own (a group administrator,
 * those of every collectivité they follow); supervisors and auditors name the collectivité. Another's retour answers exactly as an unknown one (404).
 */
@Injectable()
export class PesRetoursReader {
  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly store: PostgresEventStore,
  ) {}

  /** The collectivité's retours, oldest first. */
  async list(principal: Principal, sirenParam: unknown): Promise<PesRetourItem[]> {
    const siren = await this.sirenOf(principal, sirenParam);
    return (await listPesRetours(this.store, siren)).map(pesRetourItem);
  }

  /** One retour by id, if the caller may see it. */
  async get(principal: Principal, id: string): Promise<PesRetour> {
    const missing = ApiError.of(404, GatewayErrorCode.PesRetourNotFound, `No PES_Retour ${id}`);
    if (!RETOUR_ID.test(id)) throw missing;
    // The retour's id is its event's id: one indexed look, whoever the collectivité.
    const { rows } = await this.pool.query<{ data: Record<string, never> }>('SELECT data FROM events WHERE event_id = $1 AND type = $2', [
      id.toLowerCase(),
      PES_RETOUR_RECEIVED,
    ]);
    const data = rows[0]?.data;
    if (data === undefined) throw missing;
    const retour = pesRetourFromData(data);
    if (!mayRead(principal, retour.siren)) throw missing;
    return retour;
  }

  /**
   * Whose retours are listed: a collectivité's own (`siren`, when given, must be its own or, for a
   * group administrator, one it follows), or for a supervisor or an auditor the registered
   * collectivité `siren` names.
   */
  private async sirenOf(principal: Principal, sirenParam: unknown): Promise<string> {
    if (sirenParam !== undefined && (typeof sirenParam !== 'string' || !SIREN.test(sirenParam))) {
      throw ApiError.of(400, GatewayErrorCode.InvalidQuery, 'siren must be 9 digits', 'siren');
    }
    const notFound = (siren: string) => ApiError.of(404, GatewayErrorCode.CollectiviteNotFound, `No collectivité ${siren}`, 'siren');
    if (principal.role === 'collectivite') {
      if (sirenParam !== undefined && !followedSirens(principal).includes(sirenParam)) throw notFound(sirenParam);
      return sirenParam ?? principal.siren ?? '';
    }
    if (sirenParam === undefined) throw ApiError.of(400, GatewayErrorCode.InvalidQuery, 'siren is required: whose PES_Retour files to list', 'siren');
    if ((await loadCollectivite(this.store, sirenParam)) === undefined) throw notFound(sirenParam);
    return sirenParam;
  }
}
