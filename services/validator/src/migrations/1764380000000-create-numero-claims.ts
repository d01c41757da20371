import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The numéros internes the validator has granted: one row per collectivité and numéro, naming the
 * transmission that holds it. The primary key is the uniqueness rule itself (API.md: `numeroInterne`
 * is unique per collectivité), so two validators racing for the same numéro cannot both win.
 */
export class CreateNumeroClaims1764380000000 implements MigrationInterface {
  readonly name = 'CreateNumeroClaims1764380000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE validator_numeros_internes (
        siren           text        NOT NULL CHECK (siren ~ '^[0-9]{9}$'),
        numero_interne  text        NOT NULL CHECK (numero_interne <> ''),
        transmission_id text        NOT NULL,
        claimed_at      timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (siren, numero_interne)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE validator_numeros_internes');
  }
}
