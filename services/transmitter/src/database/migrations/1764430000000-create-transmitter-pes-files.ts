import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The PES files sent to the DGFiP. `transmitter_pes_numbers` hands out the platform's counter NNN of
 * `PESALR2_<SIRET>_<YYMMDD>_<NNN>.xml` per SIRET and day, only ever upwards (a number is never given
 * twice; one lost in a crash is a gap). `transmitter_pes_files` keeps the one name of each PES
 * transmission: the name is unique, and so is the transmission, so that no file ever leaves under two
 * names. `nom_fic` and `cod_col` are what the DGFiP's PES_Acquit and PES_NonAcquit name it by.
 */
export class CreateTransmitterPesFiles1764430000000 implements MigrationInterface {
  readonly name = 'CreateTransmitterPesFiles1764430000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE transmitter_pes_numbers (
        siret       text    NOT NULL,
        day         date    NOT NULL,
        last_number integer NOT NULL CHECK (last_number >= 1),
        PRIMARY KEY (siret, day)
      )`);
    await runner.query(`
      CREATE TABLE transmitter_pes_files (
        file_name       text        PRIMARY KEY,
        transmission_id text        NOT NULL UNIQUE,
        siret           text        NOT NULL,
        nom_fic         text        NOT NULL,
        cod_col         text        NOT NULL,
        day             date        NOT NULL,
        number          integer     NOT NULL,
        sha256          text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        size            bigint      NOT NULL CHECK (size >= 1),
        created_at      timestamptz NOT NULL DEFAULT now(),
        UNIQUE (siret, day, number)
      )`);
    await runner.query('CREATE INDEX transmitter_pes_files_nom_fic ON transmitter_pes_files (nom_fic, cod_col)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE IF EXISTS transmitter_pes_files');
    await runner.query('DROP TABLE IF EXISTS transmitter_pes_numbers');
  }
}
