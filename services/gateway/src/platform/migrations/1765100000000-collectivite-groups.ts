import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Groups of collectivités (an EPCI, a GIP team): the SIRENs one group administrator follows. A user
 * with `group_id` (a collectivité's user, of their own body) reads the transmissions of every member
 * and, when `collectivite_admin`, administers their users and tokens. Membership is read at each
 * request, so a member removed stops being followed at once.
 */
export class CollectiviteGroups1765100000000 implements MigrationInterface {
  readonly name = 'CollectiviteGroups1765100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE collectivite_groups (
        id         uuid        PRIMARY KEY,
        name       text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE collectivite_group_members (
        group_id uuid NOT NULL REFERENCES collectivite_groups (id),
        siren    text NOT NULL CHECK (siren ~ '^[0-9]{9}$'),
        PRIMARY KEY (group_id, siren)
      )`);
    await runner.query('ALTER TABLE users ADD COLUMN group_id uuid NULL REFERENCES collectivite_groups (id)');
    await runner.query(`ALTER TABLE users ADD CONSTRAINT users_group_collectivite CHECK (group_id IS NULL OR role = 'collectivite')`);
    await runner.query('CREATE INDEX users_group ON users (group_id) WHERE group_id IS NOT NULL');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE users DROP COLUMN IF EXISTS group_id');
    await runner.query('DROP TABLE IF EXISTS collectivite_group_members');
    await runner.query('DROP TABLE IF EXISTS collectivite_groups');
  }
}
