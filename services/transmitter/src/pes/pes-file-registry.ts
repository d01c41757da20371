import type pg from 'pg';
import { nextDailyNumber } from '../database/daily-numbers.js';

/** The one name a PES transmission is sent under, as the transmitter recorded it. */
export interface PesFileRecord {
  /** `PESALR2_<SIRET>_<YYMMDD>_<NNN>.xml`. */
  readonly fileName: string;
  readonly transmissionId: string;
  /** The IdColl of the file: the counter's key with the day. */
  readonly siret: string;
  /** `Enveloppe/Parametres/NomFic` of the PES_Aller: what its acquittal names. */
  readonly nomFic: string;
  readonly codCol: string;
  /** The day of the name, `YYYY-MM-DD`. */
  readonly day: string;
  readonly number: number;
  /** The submitted file's: the bytes sent are the very bytes submitted. */
  readonly sha256: string;
  readonly size: number;
}

interface PesFileRow {
  file_name: string;
  transmission_id: string;
  siret: string;
  nom_fic: string;
  cod_col: string;
  day: string;
  number: number;
  sha256: string;
  size: string;
}

const COLUMNS = `file_name, transmission_id, siret, nom_fic, cod_col, to_char(day, 'YYYY-MM-DD') AS day, number, sha256, size`;

function fromRow(row: PesFileRow): PesFileRecord {
  return {
    fileName: row.file_name,
    transmissionId: row.transmission_id,
    siret: row.siret,
    nomFic: row.nom_fic,
    codCol: row.cod_col,
    day: row.day,
    number: row.number,
    sha256: row.sha256,
    size: Number(row.size),
  };
}

/**
 * `transmitter_pes_numbers` and `transmitter_pes_files` (`migrateTransmitter`): the platform's counter
 * per SIRET and day, and the name of each PES transmission. Every statement stands alone (autocommit):
 * a number handed out is spent even if the caller dies right after, so none is ever given twice.
 */
export class PesFileRegistry {
  constructor(private readonly pool: pg.Pool) {}

  /** The next counter of `siret` on `day` (`YYYY-MM-DD`): 1 for the first, then upwards. */
  async nextNumber(siret: string, day: string): Promise<number> {
    return nextDailyNumber(this.pool, { table: 'transmitter_pes_numbers', key: 'siret' }, siret, day);
  }

  /**
   * Records `file` as its transmission's name, unless one is recorded already: then that one is
   * returned, and `file` is never used (its number becomes a gap).
   */
  async claim(file: PesFileRecord): Promise<PesFileRecord> {
    const { rows } = await this.pool.query<PesFileRow>(
      `INSERT INTO transmitter_pes_files (file_name, transmission_id, siret, nom_fic, cod_col, day, number, sha256, size)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (transmission_id) DO NOTHING
       RETURNING ${COLUMNS}`,
      [file.fileName, file.transmissionId, file.siret, file.nomFic, file.codCol, file.day, file.number, file.sha256, file.size],
    );
    const inserted = rows[0];
    if (inserted !== undefined) return fromRow(inserted);
    const existing = await this.byTransmission(file.transmissionId);
    if (existing === undefined) throw new Error(`transmission ${file.transmissionId}: PES file claim lost and not found`);
    return existing;
  }

  /** The name of a PES transmission, if it was given one. */
  async byTransmission(transmissionId: string): Promise<PesFileRecord | undefined> {
    const { rows } = await this.pool.query<PesFileRow>(`SELECT ${COLUMNS} FROM transmitter_pes_files WHERE transmission_id = $1`, [transmissionId]);
    return rows[0] === undefined ? undefined : fromRow(rows[0]);
  }

  /** The PES file sent under `fileName`, if it is one of ours. */
  async byFileName(fileName: string): Promise<PesFileRecord | undefined> {
    const { rows } = await this.pool.query<PesFileRow>(`SELECT ${COLUMNS} FROM transmitter_pes_files WHERE file_name = $1`, [fileName]);
    return rows[0] === undefined ? undefined : fromRow(rows[0]);
  }

  /** The PES files of ours whose NomFic is `nomFic` (for CodCol `codCol`, when given), oldest first. */
  async byNomFic(nomFic: string, codCol: string | undefined): Promise<PesFileRecord[]> {
    const { rows } =
      codCol === undefined
        ? await this.pool.query<PesFileRow>(`SELECT ${COLUMNS} FROM transmitter_pes_files WHERE nom_fic = $1 ORDER BY created_at`, [nomFic])
        : await this.pool.query<PesFileRow>(`SELECT ${COLUMNS} FROM transmitter_pes_files WHERE nom_fic = $1 AND cod_col = $2 ORDER BY created_at`, [
            nomFic,
            codCol,
          ]);
    return rows.map(fromRow);
  }
}
