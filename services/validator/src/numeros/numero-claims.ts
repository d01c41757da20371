import type pg from 'pg';

/**
 * The numéros internes granted per collectivité (table `validator_numeros_internes`). A numéro is
 * claimed only by a transmission that passed every other rule; the claim outlives the process, so a
 * redelivered transmission finds its own claim and passes again, while another transmission with the
 * same numéro is refused.
 */
export class NumeroClaims {
  constructor(private readonly pool: pg.Pool) {}

  /** The transmission holding `numero` for `siren`, or undefined when it is free. */
  async holder(siren: string, numero: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ transmission_id: string }>(
      'SELECT transmission_id FROM validator_numeros_internes WHERE siren = $1 AND numero_interne = $2',
      [siren, numero],
    );
    return rows[0]?.transmission_id;
  }

  /**
   * Claims `numero` for `transmissionId` unless another transmission holds it; returns the holder
   * after the attempt (`transmissionId` itself when the claim was taken now or before).
   */
  async claim(siren: string, numero: string, transmissionId: string): Promise<string> {
    // A no-op update on conflict makes RETURNING give the holder in the same statement, race or not.
    const { rows } = await this.pool.query<{ transmission_id: string }>(
      `INSERT INTO validator_numeros_internes (siren, numero_interne, transmission_id)
       VALUES ($1, $2, $3)
       ON CONFLICT (siren, numero_interne)
       DO UPDATE SET transmission_id = validator_numeros_internes.transmission_id
       RETURNING transmission_id`,
      [siren, numero, transmissionId],
    );
    const holder = rows[0]?.transmission_id;
    if (holder === undefined) throw new Error(`claim of ${siren}/${numero} returned no row`);
    return holder;
  }
}
