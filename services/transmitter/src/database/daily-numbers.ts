import type pg from 'pg';

/** The per-day counters the transmitter hands numbers from: its table and the column of whose counter it is. */
export type DailyCounter =
  /** @ctes envelope numbers, per collectivité (SIREN) and day. */
  | { readonly table: 'transmitter_archive_numbers'; readonly key: 'siren' }
  /** PESALR2 file numbers, per budget (SIRET) and day. */
  | { readonly table: 'transmitter_pes_numbers'; readonly key: 'siret' };

/**
 * The next number of `owner` on `day` (`YYYY-MM-DD`) in `counter`: 1 for the first, then upwards. One
 * autocommit statement: a number handed out is spent even if the caller dies right after, so none is
 * ever given twice.
 */
export async function nextDailyNumber(pool: pg.Pool, counter: DailyCounter, owner: string, day: string): Promise<number> {
  const { rows } = await pool.query<{ last_number: number }>(
    `INSERT INTO ${counter.table} AS n (${counter.key}, day, last_number) VALUES ($1, $2, 1)
       ON CONFLICT (${counter.key}, day) DO UPDATE SET last_number = n.last_number + 1
     RETURNING last_number`,
    [owner, day],
  );
  const number = rows[0]?.last_number;
  if (number === undefined) throw new Error(`no number returned from ${counter.table} for ${owner} on ${day}`);
  return number;
}
