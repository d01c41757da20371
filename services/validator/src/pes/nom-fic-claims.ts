import type pg from 'pg';

/** What a NomFic is claimed under: the collectivité, the CodCol, the NomFic. */
export interface NomFicKey {
  readonly siren: string;
  readonly codCol: string;
  readonly nomFic: string;
}

/**
 * The NomFic granted per collectivité and CodCol (table `validator_pes_nom_fic`). A NomFic is claimed
 * only by a PES file that passed every other rule; the claim outlives the process, so a redelivered
 * transmission finds its own claim and passes again, while another transmission with the same NomFic
 * under the same CodCol is refused.
 */
export class NomFicClaims {
  constructor(private readonly pool: pg.Pool) {}

  /** The transmission holding the NomFic, or undefined when it is free. */
  async holder(key: NomFicKey): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ transmission_id: string }>(
      'SELECT transmission_id FROM validator_pes_nom_fic WHERE siren = $1 AND cod_col = $2 AND nom_fic = $3',
      [key.siren, key.codCol, key.nomFic],
    );
    return rows[0]?.transmission_id;
  }

  /**
   * Claims the NomFic for `transmissionId` unless another transmission holds it; returns the holder
   * after the attempt (`transmissionId` itself when the claim was taken now or before).
   */
  async claim(key: NomFicKey, transmissionId: string): Promise<string> {
    // A no-op update on conflict makes RETURNING give the holder in the same statement, race or not.
    const { rows } = await this.pool.query<{ transmission_id: string }>(
      `INSERT INTO validator_pes_nom_fic (siren, cod_col, nom_fic, transmission_id)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (siren, cod_col, nom_fic)
       DO UPDATE SET transmission_id = validator_pes_nom_fic.transmission_id
       RETURNING transmission_id`,
      [key.siren, key.codCol, key.nomFic, transmissionId],
    );
    const holder = rows[0]?.transmission_id;
    if (holder === undefined) throw new Error(`claim of NomFic ${key.siren}/${key.codCol}/${key.nomFic} returned no row`);
    return holder;
  }
}
