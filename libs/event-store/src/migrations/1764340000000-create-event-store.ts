import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The event log and its companions. Every column auditors rely on is NOT NULL and checked, and the log
 * refuses UPDATE, DELETE and TRUNCATE; a superuser can still disable the trigger, which is why every
 * row is also hash-chained (see README.md) and `verifyHashChain` recomputes the chain.
 */
export class CreateEventStore1764340000000 implements MigrationInterface {
  readonly name = 'CreateEventStore1764340000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE events (
        global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
        stream_id       text        NOT NULL,
        stream_version  bigint      NOT NULL CHECK (stream_version >= 1),
        event_id        uuid        NOT NULL UNIQUE,
        type            text        NOT NULL CHECK (type <> ''),
        data            jsonb       NOT NULL CHECK (jsonb_typeof(data) = 'object'),
        metadata        jsonb       NOT NULL CHECK (jsonb_typeof(metadata) = 'object'),
        recorded_at     timestamptz NOT NULL,
        hash            bytea       NOT NULL CHECK (octet_length(hash) = 32),
        UNIQUE (stream_id, stream_version)
      )`);
    // The global reading order (see readAll): readers range-scan this index.
    await runner.query('CREATE INDEX events_transaction_position ON events (transaction_id, global_position)');
    await runner.query(`
      CREATE TABLE streams (
        stream_id text   PRIMARY KEY,
        version   bigint NOT NULL CHECK (version >= 1),
        last_hash bytea  NOT NULL CHECK (octet_length(last_hash) = 32)
      )`);
    await runner.query(`
      CREATE TABLE checkpoints (
        name            text        PRIMARY KEY,
        transaction_id  xid8        NOT NULL,
        global_position bigint      NOT NULL,
        updated_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE inbox (
        consumer     text        NOT NULL,
        message_id   text        NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, message_id)
      )`);
    await runner.query(`
      CREATE FUNCTION events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await runner.query(`
      CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON events
        FOR EACH STATEMENT EXECUTE FUNCTION events_refuse_change()`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE IF EXISTS inbox, checkpoints, streams, events');
    await runner.query('DROP FUNCTION IF EXISTS events_refuse_change()');
  }
}
