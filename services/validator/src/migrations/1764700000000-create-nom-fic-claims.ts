import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The PES files' NomFic the validator has granted: one row per collectivité, CodCol and NomFic, naming
 * the transmission that holds it. The primary key is the rule itself (DOMAIN.md §2.3: `NomFic` unique
 * per CodCol), so two validators racing for the same NomFic cannot both win.
 */
export class CreateNomFicClaims1764700000000 implements MigrationInterface {
  readonly name = 'CreateNomFicClaims1764700000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE validator_pes_nom_fic (
        siren           text        NOT NULL CHECK (siren ~ '^[0-9]{9}$'),
        cod_col         text        NOT NULL CHECK (cod_col <> ''),
        nom_fic         text        NOT NULL CHECK (nom_fic <> ''),
        transmission_id text        NOT NULL,
        claimed_at      timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (siren, cod_col, nom_fic)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE validator_pes_nom_fic');
  }
}
