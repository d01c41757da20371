import type pg from 'pg';

/** The one 6-1 archive built for a transmission's cancellation. */
export interface CancellationRecord {
  readonly transmissionId: string;
  readonly fileName: string;
  readonly siren: string;
  readonly idActe: string;
  /** The envelope's day, `YYYY-MM-DD`. */
  readonly day: string;
  readonly number: number;
  readonly sha256: string;
  readonly size: number;
  /** When the State took it; undefined until then. */
  readonly sentAt: Date | undefined;
}

interface CancellationRow {
  transmission_id: string;
  file_name: string;
  siren: string;
  id_acte: string;
  day: string;
  number: number;
  sha256: string;
  size: string;
  sent_at: Date | null;
}

const COLUMNS = `transmission_id, file_name, siren, id_acte, to_char(day, 'YYYY-MM-DD') AS day, number, sha256, size, sent_at`;

function fromRow(row: CancellationRow): CancellationRecord {
  return {
    transmissionId: row.transmission_id,
    fileName: row.file_name,
    siren: row.siren,
    idActe: row.id_acte,
    day: row.day,
    number: row.number,
    sha256: row.sha256,
    size: Number(row.size),
    sentAt: row.sent_at ?? undefined,
  };
}

/**
 * `transmitter_cancellations`: the 6-1 of each cancelled transmission, claimed once (a second claim
 * gets the first archive back, never a new one), then marked sent. Autocommit statements.
 */
export class CancellationRegistry {
  constructor(private readonly pool: pg.Pool) {}

  /** Records `archive` as its transmission's 6-1 unless one is recorded already: that one is returned. */
  async claim(archive: Omit<CancellationRecord, 'sentAt'>): Promise<CancellationRecord> {
    const { rows } = await this.pool.query<CancellationRow>(
      `INSERT INTO transmitter_cancellations (transmission_id, file_name, siren, id_acte, day, number, sha256, size)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (transmission_id) DO NOTHING
       RETURNING ${COLUMNS}`,
      [archive.transmissionId, archive.fileName, archive.siren, archive.idActe, archive.day, archive.number, archive.sha256, archive.size],
    );
    const inserted = rows[0];
    if (inserted !== undefined) return fromRow(inserted);
    const existing = await this.byTransmission(archive.transmissionId);
    if (existing === undefined) throw new Error(`transmission ${archive.transmissionId}: 6-1 claim lost and not found`);
    return existing;
  }

  async byTransmission(transmissionId: string): Promise<CancellationRecord | undefined> {
    const { rows } = await this.pool.query<CancellationRow>(`SELECT ${COLUMNS} FROM transmitter_cancellations WHERE transmission_id = $1`, [
      transmissionId,
    ]);
    return rows[0] === undefined ? undefined : fromRow(rows[0]);
  }

  /** The 6-1 archives that asked to cancel `idActe` (one, unless something went wrong). */
  async byIdActe(idActe: string): Promise<CancellationRecord[]> {
    const { rows } = await this.pool.query<CancellationRow>(
      `SELECT ${COLUMNS} FROM transmitter_cancellations WHERE id_acte = $1 ORDER BY created_at`,
      [idActe],
    );
    return rows.map(fromRow);
  }

  /** Marks the 6-1 of `transmissionId` taken by the State (the first time only). */
  async markSent(transmissionId: string, at: Date): Promise<void> {
    await this.pool.query('UPDATE transmitter_cancellations SET sent_at = $2 WHERE transmission_id = $1 AND sent_at IS NULL', [transmissionId, at]);
  }
}
