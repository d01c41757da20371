import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The supervisors' statistics, built from the log by the projector (checkpoint `projector:stats`):
 * - `stats_transmissions`: one small row per transmission (dimensions, status, outcomes reached, last
 *   position folded), for in-flight figures, the oldest stuck items, and the idempotence of the fold;
 * - `stats_transitions`: the first time each transmission reached each outcome, for exact counts over
 *   the ragged ends of a range, filtered figures and the reasons for failure;
 * - `stats_counts` (minute, hour, day, month), `stats_dimension_counts` (day, month; by département,
 *   nature and collectivité, one partition per dimension so that a breakdown reads only its own rows)
 *   and `stats_latency` (mergeable histograms per minute, hour, day and month): the bucket tables that
 *   answer a year in a few thousand rows;
 * - `stats_window_use`: bytes sent and waits per endpoint per minute, for the transmission windows;
 * - `stats_collectivites`: each collectivité's département and name, from its registration.
 * Buckets are UTC.
 */
export class CreateStats1764500000000 implements MigrationInterface {
  readonly name = 'CreateStats1764500000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE stats_collectivites (
        siren       text PRIMARY KEY,
        departement text NOT NULL,
        nom         text NOT NULL
      )`);
    await runner.query(`
      CREATE TABLE stats_transmissions (
        id            text        PRIMARY KEY,
        kind          text        NOT NULL CHECK (kind IN ('acte', 'pes')),
        siren         text        NOT NULL,
        departement   text        NOT NULL,
        nature        text        NOT NULL,
        label         text        NOT NULL,
        status        text        NOT NULL,
        received_at   timestamptz NOT NULL,
        status_at     timestamptz NOT NULL,
        endpoint_id   text,
        size          bigint,
        reached       text[]      NOT NULL,
        last_position bigint      NOT NULL
      )`);
    // In flight and failed: small sets read often (counts by status, the oldest first).
    await runner.query(`
      CREATE INDEX stats_transmissions_open ON stats_transmissions (status, received_at)
        WHERE status IN ('received', 'validated', 'routed', 'sent', 'failed')`);
    await runner.query(`
      CREATE TABLE stats_transitions (
        transmission_id text        NOT NULL,
        outcome         text        NOT NULL,
        at              timestamptz NOT NULL,
        kind            text        NOT NULL,
        siren           text        NOT NULL,
        departement     text        NOT NULL,
        nature          text        NOT NULL,
        latency_ms      bigint,
        reasons         text[]      NOT NULL,
        PRIMARY KEY (transmission_id, outcome)
      )`);
    await runner.query('CREATE INDEX stats_transitions_at ON stats_transitions (at)');
    await runner.query('CREATE INDEX stats_transitions_outcome_at ON stats_transitions (outcome, at)');
    // A département's or a collectivité's latency is read from these alone (index-only: the table is
    // insert-only, so vacuum keeps its pages all-visible).
    await runner.query('CREATE INDEX stats_transitions_siren_at ON stats_transitions (siren, at) INCLUDE (outcome, kind, latency_ms)');
    await runner.query('CREATE INDEX stats_transitions_departement_at ON stats_transitions (departement, at) INCLUDE (outcome, kind, latency_ms)');
    await runner.query(`
      CREATE TABLE stats_counts (
        granularity text        NOT NULL CHECK (granularity IN ('minute', 'hour', 'day', 'month')),
        bucket      timestamptz NOT NULL,
        kind        text        NOT NULL,
        outcome     text        NOT NULL,
        n           bigint      NOT NULL,
        PRIMARY KEY (granularity, bucket, kind, outcome)
      )`);
    await runner.query(`
      CREATE TABLE stats_dimension_counts (
        granularity text        NOT NULL CHECK (granularity IN ('day', 'month')),
        dimension   text        NOT NULL,
        bucket      timestamptz NOT NULL,
        value       text        NOT NULL,
        kind        text        NOT NULL,
        outcome     text        NOT NULL,
        n           bigint      NOT NULL,
        PRIMARY KEY (dimension, granularity, bucket, value, kind, outcome)
      ) PARTITION BY LIST (dimension)`);
    for (const dimension of ['departement', 'nature', 'siren']) {
      await runner.query(`CREATE TABLE stats_dimension_counts_${dimension} PARTITION OF stats_dimension_counts FOR VALUES IN ('${dimension}')`);
    }
    await runner.query(`
      CREATE TABLE stats_latency (
        granularity text        NOT NULL CHECK (granularity IN ('minute', 'hour', 'day', 'month')),
        bucket      timestamptz NOT NULL,
        kind        text        NOT NULL,
        metric      text        NOT NULL CHECK (metric IN ('sent', 'acknowledged')),
        bin         smallint    NOT NULL,
        n           bigint      NOT NULL,
        PRIMARY KEY (granularity, bucket, kind, metric, bin)
      )`);
    await runner.query(`
      CREATE TABLE stats_window_use (
        endpoint_id text        NOT NULL,
        minute      timestamptz NOT NULL,
        bytes       bigint      NOT NULL,
        sent        bigint      NOT NULL,
        deferred    bigint      NOT NULL,
        PRIMARY KEY (endpoint_id, minute)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of [
      'stats_window_use',
      'stats_latency',
      'stats_dimension_counts',
      'stats_counts',
      'stats_transitions',
      'stats_transmissions',
      'stats_collectivites',
    ]) {
      await runner.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
