import type pg from 'pg';
import { nextDailyNumber } from '../database/daily-numbers.js';

/** The one archive built for a transmission, as the transmitter recorded it. */
export interface ArchiveRecord {
  readonly fileName: string;
  readonly transmissionId: string;
  readonly siren: string;
  readonly numeroInterne: string;
  readonly idActe: string;
  /** The envelope's day, `YYYY-MM-DD`. */
  readonly day: string;
  readonly number: number;
  readonly sha256: string;
  readonly size: number;
}

interface ArchiveRow {
  file_name: string;
  transmission_id: string;
  siren: string;
  numero_interne: string;
  id_acte: string;
  day: string;
  number: number;
  sha256: string;
  size: string;
}

const COLUMNS = `file_name, transmission_id, siren, numero_interne, id_acte, to_char(day, 'YYYY-MM-DD') AS day, number, sha256, size`;

function fromRow(row: ArchiveRow): ArchiveRecord {
  return {
    fileName: row.file_name,
    transmissionId: row.transmission_id,
    siren: row.siren,
    numeroInterne: row.numero_interne,
    idActe: row.id_acte,
    day: row.day,
    number: row.number,
    sha256: row.sha256,
    size: Number(row.size),
  };
}

/**
 * The transmitter's tables (`migrateTransmitter`): envelope numbers per collectivité and day, and
 * the archive of each transmission. Every statement stands alone (autocommit): a number handed out
 * is spent even if the caller dies right after, so none is ever given twice.
 */
export class ArchiveRegistry {
  constructor(private readonly pool: pg.Pool) {}

  /** The next envelope number of `siren` on `day` (`YYYY-MM-DD`): 1 for the first, then upwards. */
  async nextNumber(siren: string, day: string): Promise<number> {
    return nextDailyNumber(this.pool, { table: 'transmitter_archive_numbers', key: 'siren' }, siren, day);
  }

  /**
   * Records `archive` as its transmission's archive, unless one is recorded already: then that one is
   * returned, and `archive` is never used (its number becomes a gap).
   */
  async claim(archive: ArchiveRecord): Promise<ArchiveRecord> {
    const { rows } = await this.pool.query<ArchiveRow>(
      `INSERT INTO transmitter_archives (file_name, transmission_id, siren, numero_interne, id_acte, day, number, sha256, size)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (transmission_id) DO NOTHING
       RETURNING ${COLUMNS}`,
      [
        archive.fileName,
        archive.transmissionId,
        archive.siren,
        archive.numeroInterne,
        archive.idActe,
        archive.day,
        archive.number,
        archive.sha256,
        archive.size,
      ],
    );
    const inserted = rows[0];
    if (inserted !== undefined) return fromRow(inserted);
    const existing = await this.byTransmission(archive.transmissionId);
    if (existing === undefined) throw new Error(`transmission ${archive.transmissionId}: archive claim lost and not found`);
    return existing;
  }

  /** The archive of a transmission, if one was built. */
  async byTransmission(transmissionId: string): Promise<ArchiveRecord | undefined> {
    const { rows } = await this.pool.query<ArchiveRow>(
      `SELECT ${COLUMNS} FROM transmitter_archives WHERE transmission_id = $1`,
      [transmissionId],
    );
    return rows[0] === undefined ? undefined : fromRow(rows[0]);
  }

  /** The archive sent under `fileName`, if it is one of ours. */
  async byFileName(fileName: string): Promise<ArchiveRecord | undefined> {
    const { rows } = await this.pool.query<ArchiveRow>(`SELECT ${COLUMNS} FROM transmitter_archives WHERE file_name = $1`, [
      fileName,
    ]);
    return rows[0] === undefined ? undefined : fromRow(rows[0]);
  }

  /** The archive whose envelope was `siren`'s number `number` of `day` (`YYYY-MM-DD`), if it is one of ours. */
  async byEnvelope(siren: string, day: string, number: number): Promise<ArchiveRecord | undefined> {
    const { rows } = await this.pool.query<ArchiveRow>(`SELECT ${COLUMNS} FROM transmitter_archives WHERE siren = $1 AND day = $2 AND number = $3`, [
      siren,
      day,
      number,
    ]);
    return rows[0] === undefined ? undefined : fromRow(rows[0]);
  }

  /** The archives that carried the acte `numeroInterne` of `siren` (one, unless something went wrong). */
  async byActe(siren: string, numeroInterne: string): Promise<ArchiveRecord[]> {
    const { rows } = await this.pool.query<ArchiveRow>(
      `SELECT ${COLUMNS} FROM transmitter_archives WHERE siren = $1 AND numero_interne = $2 ORDER BY created_at`,
      [siren, numeroInterne],
    );
    return rows.map(fromRow);
  }
}
