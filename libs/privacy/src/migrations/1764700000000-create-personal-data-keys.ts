import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The keys that seal personal fields, one per subject (a transmission's id), kept apart from the event
 * log: `events` is append-only and hashed, this table is where forgetting happens. Shredding is asked
 * (`shred_requested_at`, `reason`, `requested_by`), recorded in the log, then done (`key` NULL,
 * `shredded_at`). A trigger keeps it one-way: a key never changes and never comes back, a request and a
 * shredding are never undone, and no row is deleted (a deleted row would let a new key be made, and
 * new personal data sealed, for a subject whose data were erased).
 */
export class CreatePersonalDataKeys1764700000000 implements MigrationInterface {
  readonly name = 'CreatePersonalDataKeys1764700000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE personal_data_keys (
        subject_id         text        PRIMARY KEY CHECK (subject_id <> ''),
        key                bytea       NULL CHECK (octet_length(key) = 32),
        had_key            boolean     NOT NULL DEFAULT true,
        created_at         timestamptz NOT NULL DEFAULT now(),
        shred_requested_at timestamptz NULL,
        reason             text        NULL,
        requested_by       text        NULL,
        shredded_at        timestamptz NULL,
        CHECK ((shred_requested_at IS NULL) = (reason IS NULL) AND (shred_requested_at IS NULL) = (requested_by IS NULL)),
        CHECK (shredded_at IS NULL OR (key IS NULL AND shred_requested_at IS NOT NULL)),
        CHECK (had_key OR key IS NULL)
      )`);
    await runner.query(`
      CREATE INDEX personal_data_keys_unfinished ON personal_data_keys (shred_requested_at)
       WHERE shred_requested_at IS NOT NULL AND shredded_at IS NULL`);
    await runner.query(`
      CREATE FUNCTION personal_data_keys_one_way() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          RAISE EXCEPTION 'personal_data_keys rows are never deleted (subject %)', OLD.subject_id;
        END IF;
        IF NEW.subject_id <> OLD.subject_id OR NEW.had_key <> OLD.had_key
           OR (NEW.key IS NOT NULL AND NEW.key IS DISTINCT FROM OLD.key)
           OR (OLD.shred_requested_at IS NOT NULL AND (NEW.shred_requested_at, NEW.reason, NEW.requested_by)
                 IS DISTINCT FROM (OLD.shred_requested_at, OLD.reason, OLD.requested_by))
           OR (OLD.shredded_at IS NOT NULL AND NEW.shredded_at IS DISTINCT FROM OLD.shredded_at) THEN
          RAISE EXCEPTION 'personal_data_keys only forgets: a key is destroyed, never changed nor restored (subject %)', OLD.subject_id;
        END IF;
        RETURN NEW;
      END
      $$`);
    await runner.query(`
      CREATE TRIGGER personal_data_keys_one_way BEFORE UPDATE OR DELETE ON personal_data_keys
      FOR EACH ROW EXECUTE FUNCTION personal_data_keys_one_way()`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE IF EXISTS personal_data_keys');
    await runner.query('DROP FUNCTION IF EXISTS personal_data_keys_one_way()');
  }
}
