import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { saveCheckpoint } from '@relais/event-store';
import {
  consumerConfig,
  DEFAULT_RETRY_POLICY,
  DeadLetterReasons,
  DLQ_STREAM_LIMITS,
  ensureConsumer,
  ensureMessagingStreams,
  EVENTS_STREAM_LIMITS,
  JetStreamPublisher,
  MessagingNames,
  NATS_CONNECTION,
  publishDeadLetter,
  StreamNames,
} from '@relais/messaging';
import { binValue, IN_FLIGHT_STATUSES, LAST_BIN, OUTCOMES } from '@relais/read-models';
import { acteForm, acteMetadata, startGateway, type TestGateway } from '../../test/gateway.js';
import { LAG_EVENTS_CAP } from './database-figures.js';

// ---- A checker of the Prometheus text exposition format (0.0.4) ----

interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

interface Family {
  readonly name: string;
  readonly help: string;
  type: string | undefined;
  readonly samples: Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const SUFFIXES: Readonly<Record<string, readonly string[]>> = {
  counter: [''],
  gauge: [''],
  untyped: [''],
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

/** Parses the exposition, throwing at the first line that breaks the format or its rules. */
function parseExposition(text: string): Map<string, Family> {
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a newline');
  const families = new Map<string, Family>();
  const series = new Set<string>();
  let current: Family | undefined;
  for (const line of text.slice(0, -1).split('\n')) {
    if (line === '') continue;
    const help = new RegExp(`^# HELP (${NAME}) (.+)$`).exec(line);
    const type = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`).exec(line);
    if (help !== null) {
      if (families.has(help[1]!)) throw new Error(`family ${help[1]} described twice`);
      current = { name: help[1]!, help: help[2]!, type: undefined, samples: [] };
      families.set(current.name, current);
    } else if (type !== null) {
      if (current === undefined || current.name !== type[1] || current.type !== undefined || current.samples.length > 0) throw new Error(`misplaced TYPE: ${line}`);
      current.type = type[2];
    } else if (line.startsWith('#')) {
      throw new Error(`unknown comment: ${line}`);
    } else {
      const sample = new RegExp(`^(${NAME})(?:\\{(.*)\\})? ([^ ]+)$`).exec(line);
      if (sample === null) throw new Error(`not a sample: ${line}`);
      if (current?.type === undefined) throw new Error(`sample before its HELP and TYPE: ${line}`);
      const name = sample[1]!;
      if (!SUFFIXES[current.type]!.some((suffix) => name === `${current!.name}${suffix}`)) throw new Error(`${name} is not of family ${current.name}`);
      const labels = parseLabels(sample[2] ?? '', line);
      // Prometheus reads values with Go's ParseFloat: Inf and NaN in any case (prom-client prints `Nan`).
      if (!/^[+-]?(inf|nan|[0-9]+(\.[0-9]+)?(e[+-]?[0-9]+)?)$/i.test(sample[3]!)) throw new Error(`not a value: ${line}`);
      const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
      if (series.has(key)) throw new Error(`series twice: ${line}`);
      series.add(key);
      current.samples.push({ name, labels, value: Number(sample[3]!.replace(/inf/i, 'Infinity').replace(/nan/i, 'NaN')) });
    }
  }
  for (const family of families.values()) if (family.type === undefined) throw new Error(`family ${family.name} without TYPE`);
  return families;
}

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  const pair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/y;
  while (pair.lastIndex < text.length) {
    const match = pair.exec(text);
    if (match === null) throw new Error(`bad labels: ${line}`);
    if (match[1]! in labels) throw new Error(`label twice: ${line}`);
    labels[match[1]!] = match[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  }
  return labels;
}

/** The value of the one sample of `name` with exactly these labels (besides none other). */
function value(families: Map<string, Family>, family: string, name: string, labels: Record<string, string>): number | undefined {
  const samples = families.get(family)?.samples ?? [];
  const found = samples.filter((s) => s.name === name && JSON.stringify(Object.entries(s.labels).sort()) === JSON.stringify(Object.entries(labels).sort()));
  expect(found.length).toBeLessThanOrEqual(1);
  return found[0]?.value;
}

// ---- The platform under the scrape ----

let gw: TestGateway;
let supervisor: string;
let collectivite: string;
let names: MessagingNames;

const SMALL = 8 * 1024 * 1024;
const DAY = 86_400_000;
const today = new Date(Math.floor(Date.now() / DAY) * DAY);
const daysAgo = (n: number): Date => new Date(today.getTime() - n * DAY);

beforeAll(async () => {
  gw = await startGateway();
  const siren = await gw.registerCollectivite();
  ({ token: supervisor } = await gw.issueToken('supervisor'));
  ({ token: collectivite } = await gw.issueToken('collectivite', siren));
  names = new MessagingNames(gw.ns.namespace);
  // The gateway declares no stream; the relay and the consumers do. Small ones here.
  await ensureMessagingStreams(await jetstreamManager(gw.ns.nc), names, {
    events: { ...EVENTS_STREAM_LIMITS, maxBytes: SMALL },
    dlq: { ...DLQ_STREAM_LIMITS, maxBytes: SMALL },
  });
});

afterAll(async () => {
  await gw.close();
});

async function scrape(token = supervisor): Promise<{ response: Response; families: Map<string, Family>; text: string }> {
  const response = await gw.call('/metrics', { token });
  expect(response.status).toBe(200);
  const text = await response.text();
  return { response, families: parseExposition(text), text };
}

async function insertRows(table: string, columns: readonly string[], rows: readonly (readonly unknown[])[]): Promise<void> {
  for (const row of rows) {
    await gw.db.pool.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`, [...row]);
  }
}

describe('GET /metrics', () => {
  it('answers 401 without a token and 403 to a collectivité, and the exposition to a supervisor and an admin', async () => {
    const none = await gw.call('/metrics');
    expect(none.status).toBe(401);
    expect(((await none.json()) as { errors: { code: string }[] }).errors[0]?.code).toBe('AUTH.MISSING_TOKEN');
    const refused = await gw.call('/metrics', { token: collectivite });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { errors: { code: string }[] }).errors[0]?.code).toBe('AUTH.FORBIDDEN');
    const { response, families } = await scrape();
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(families.get('relais_metrics_source_up')?.samples).toEqual([
      { name: 'relais_metrics_source_up', labels: { source: 'postgres' }, value: 1 },
      { name: 'relais_metrics_source_up', labels: { source: 'nats' }, value: 1 },
    ]);
    expect(families.get('relais_gateway_process_cpu_user_seconds_total')?.type).toBe('counter');
    expect(families.get('relais_gateway_nodejs_heap_size_used_bytes')?.samples[0]?.value).toBeGreaterThan(0);
    expect((await gw.call('/metrics', { token: gw.adminToken })).status).toBe(200);
  });

  it('counts transmissions by outcome as the sums of the statistics’ month rows, zero where none', async () => {
    const columns = ['granularity', 'bucket', 'kind', 'outcome', 'n'];
    const monthRows: [string, Date, string, string, number][] = [
      ['month', daysAgo(400), 'acte', 'received', 1_000_000],
      ['month', daysAgo(2), 'acte', 'received', 40],
      ['month', today, 'acte', 'received', 2],
      ['month', daysAgo(2), 'acte', 'acknowledged', 35],
      ['month', today, 'pes', 'received', 7],
      ['month', today, 'pes', 'partially_accepted', 3],
    ];
    // The same transitions again in the finer buckets: never counted a second time.
    const finer: [string, Date, string, string, number][] = [
      ['day', today, 'acte', 'received', 2],
      ['hour', today, 'acte', 'received', 2],
      ['minute', today, 'acte', 'received', 2],
      ['hour', today, 'pes', 'received', 7],
    ];
    await insertRows('stats_counts', columns, [...monthRows, ...finer]);
    const { families } = await scrape();
    const family = families.get('relais_transmissions_total');
    expect(family?.type).toBe('counter');
    expect(family?.samples).toHaveLength(2 * OUTCOMES.length);
    for (const kind of ['acte', 'pes']) {
      for (const outcome of OUTCOMES) {
        const expected = monthRows.filter((row) => row[2] === kind && row[3] === outcome).reduce((sum, row) => sum + row[4], 0);
        expect([kind, outcome, value(families, 'relais_transmissions_total', 'relais_transmissions_total', { kind, outcome })]).toEqual([kind, outcome, expected]);
      }
    }
    expect(value(families, 'relais_transmissions_total', 'relais_transmissions_total', { kind: 'acte', outcome: 'received' })).toBe(1_000_042);
  });

  it('gives the latency as a cumulative histogram at powers of two of milliseconds, +Inf equal to the count', async () => {
    const columns = ['granularity', 'bucket', 'kind', 'metric', 'bin', 'n'];
    // bin 0: under 1 ms; bin 20: [26.9, 32) ms; bin 41: [1024, 1217.7) ms; the last bin: beyond every bound.
    const monthRows: [string, Date, string, string, number, number][] = [
      ['month', daysAgo(3), 'acte', 'acknowledged', 0, 1],
      ['month', daysAgo(3), 'acte', 'acknowledged', 20, 2],
      ['month', today, 'acte', 'acknowledged', 20, 1],
      ['month', today, 'acte', 'acknowledged', 41, 2],
      ['month', today, 'acte', 'acknowledged', LAST_BIN, 1],
      ['month', today, 'pes', 'sent', 41, 5],
    ];
    await insertRows('stats_latency', columns, [...monthRows, ['minute', today, 'acte', 'acknowledged', 41, 2], ['hour', today, 'pes', 'sent', 41, 5], ['day', today, 'pes', 'sent', 41, 5]]);
    const { families } = await scrape();
    const family = families.get('relais_transmission_latency_seconds');
    expect(family?.type).toBe('histogram');
    expect(family?.help).toContain('approximate');
    const bucket = (labels: Record<string, string>, le: string): number | undefined =>
      value(families, 'relais_transmission_latency_seconds', 'relais_transmission_latency_seconds_bucket', { ...labels, le });
    const acte = { kind: 'acte', metric: 'acknowledged' };
    expect(bucket(acte, '0.016')).toBe(1);
    expect(bucket(acte, '0.032')).toBe(4);
    expect(bucket(acte, '1.024')).toBe(4);
    expect(bucket(acte, '2.048')).toBe(6);
    expect(bucket(acte, '4294967.296')).toBe(6);
    expect(bucket(acte, '+Inf')).toBe(7);
    expect(value(families, 'relais_transmission_latency_seconds', 'relais_transmission_latency_seconds_count', acte)).toBe(7);
    const sum = value(families, 'relais_transmission_latency_seconds', 'relais_transmission_latency_seconds_sum', acte);
    expect(sum).toBeCloseTo((3 * binValue(20) + 2 * binValue(41) + binValue(LAST_BIN)) / 1000, 3);
    expect(bucket({ kind: 'pes', metric: 'sent' }, '1.024')).toBe(0);
    expect(bucket({ kind: 'pes', metric: 'sent' }, '2.048')).toBe(5);
    // Every series, those without samples included: increasing bounds, counts that never decrease, +Inf = _count.
    for (const kind of ['acte', 'pes']) {
      for (const metric of ['sent', 'acknowledged']) {
        const buckets = family!.samples.filter((s) => s.name.endsWith('_bucket') && s.labels['kind'] === kind && s.labels['metric'] === metric);
        expect(buckets.length).toBe(30);
        const bounds = buckets.map((s) => Number(s.labels['le']!.replace('Inf', 'Infinity')));
        expect(bounds).toEqual([...bounds].sort((a, b) => a - b));
        expect(new Set(bounds).size).toBe(bounds.length);
        expect(bounds.at(-1)).toBe(Infinity);
        const counts = buckets.map((s) => s.value);
        expect(counts).toEqual([...counts].sort((a, b) => a - b));
        const count = value(families, 'relais_transmission_latency_seconds', 'relais_transmission_latency_seconds_count', { kind, metric });
        expect(counts.at(-1)).toBe(count);
        const expected = monthRows.filter((row) => row[2] === kind && row[3] === metric).reduce((total, row) => total + row[5], 0);
        expect(count).toBe(expected);
      }
    }
  });

  it('counts transmissions in flight by status, and how long the oldest has waited', async () => {
    const columns = ['id', 'kind', 'siren', 'departement', 'nature', 'label', 'status', 'received_at', 'status_at', 'reached', 'last_position'];
    const ago = (seconds: number): Date => new Date(Date.now() - seconds * 1000);
    const row = (id: string, kind: string, status: string, receivedSecondsAgo: number): unknown[] => [
      id, kind, '212102313', '021', kind === 'acte' ? 'DE' : 'PES', id, status, ago(receivedSecondsAgo), ago(1), '{}', 1,
    ];
    await insertRows('stats_transmissions', columns, [
      row('a1', 'acte', 'received', 120),
      row('a2', 'acte', 'received', 30),
      row('a3', 'acte', 'sent', 600),
      row('p1', 'pes', 'validated', 45),
      row('a4', 'acte', 'acknowledged', 9000),
      row('a5', 'acte', 'failed', 9000),
      row('p2', 'pes', 'rejected', 9000),
    ]);
    const { families } = await scrape();
    expect(families.get('relais_in_flight')?.samples).toHaveLength(2 * IN_FLIGHT_STATUSES.length);
    const inFlight = (kind: string, status: string): number | undefined => value(families, 'relais_in_flight', 'relais_in_flight', { kind, status });
    const oldest = (kind: string, status: string): number | undefined =>
      value(families, 'relais_in_flight_oldest_seconds', 'relais_in_flight_oldest_seconds', { kind, status });
    expect([inFlight('acte', 'received'), inFlight('acte', 'sent'), inFlight('pes', 'validated'), inFlight('acte', 'routed'), inFlight('pes', 'received')]).toEqual([2, 1, 1, 0, 0]);
    expect(oldest('acte', 'received')).toBeGreaterThanOrEqual(120);
    expect(oldest('acte', 'received')).toBeLessThan(180);
    expect(oldest('acte', 'sent')).toBeGreaterThanOrEqual(600);
    expect(oldest('pes', 'validated')).toBeGreaterThanOrEqual(45);
    expect(oldest('pes', 'routed')).toBe(0);
  });

  it('shows how far each reader of the log is behind: events not read and the age of the first of them', async () => {
    for (const numeroInterne of ['LAG_1', 'LAG_2']) {
      const response = await gw.call('/api/v1/actes', { method: 'POST', token: collectivite, body: acteForm(acteMetadata({ numeroInterne })) });
      expect(response.status).toBe(202);
    }
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const { rows } = await gw.db.pool.query<{ n: string; transaction_id: string; global_position: string }>(
      `SELECT count(*) OVER () AS n, transaction_id::text, global_position::text FROM events ORDER BY transaction_id DESC, global_position DESC LIMIT 1`,
    );
    const head = rows[0]!;
    expect(Number(head.n)).toBeGreaterThanOrEqual(3);
    await saveCheckpoint(gw.db.pool, 'projector:stats', { transactionId: 0n, globalPosition: 0n }, null);
    await saveCheckpoint(gw.db.pool, 'projector:transmissions', { transactionId: BigInt(head.transaction_id), globalPosition: BigInt(head.global_position) }, null);
    const { families } = await scrape();
    const lag = (name: string, projection: string): number | undefined => value(families, name, name, { projection });
    expect(lag('relais_projection_lag_events', 'projector:stats')).toBe(Number(head.n));
    expect(lag('relais_projection_lag_seconds', 'projector:stats')).toBeGreaterThanOrEqual(1);
    expect(lag('relais_projection_lag_seconds', 'projector:stats')).toBeLessThan(120);
    expect(lag('relais_projection_lag_events', 'projector:transmissions')).toBe(0);
    expect(lag('relais_projection_lag_seconds', 'projector:transmissions')).toBe(0);
    expect(families.get('relais_projection_lag_events')?.help).toContain(String(LAG_EVENTS_CAP));
  });

  it('shows each durable consumer’s pending, unacknowledged and redelivered messages, and the dead letters per consumer', async () => {
    const jsm = await jetstreamManager(gw.ns.nc);
    const events = names.stream(StreamNames.EVENTS);
    for (const consumer of ['validator', 'router']) {
      await ensureConsumer(
        jsm,
        events,
        consumerConfig({ durable: names.durable(consumer), filterSubject: names.allEvents(), retry: DEFAULT_RETRY_POLICY, ackWaitMs: 30_000, maxAckPending: 1000 }),
      );
    }
    const publisher = new JetStreamPublisher(gw.ns.nc);
    for (let i = 0; i < 5; i += 1) await publisher.publish(names.event('transmission', 'TransmissionReceived'), JSON.stringify({ i }), { msgId: `m-${i}` });

    const validator = await jetstream(gw.ns.nc).consumers.get(events, names.durable('validator'));
    const take = async (max: number): Promise<JsMsg[]> => {
      const taken: JsMsg[] = [];
      for await (const msg of await validator.fetch({ max_messages: max, expires: 2000 })) {
        taken.push(msg);
        if (taken.length === max) break;
      }
      return taken;
    };
    const [first, second] = await take(2);
    first!.nak();
    // A nak is not confirmed: a round trip makes sure the server read it before the next pull.
    await gw.ns.nc.flush();
    const [again] = await take(1);
    expect(again!.info.deliveryCount).toBe(2);
    await publishDeadLetter(publisher, names, 'validator', second!, DeadLetterReasons.HANDLER_FAILED, new Error('the handler failed'));
    second!.term();
    await gw.ns.nc.flush();

    const { families } = await scrape();
    const consumer = (name: string, labels: Record<string, string>): number | undefined => value(families, name, name, { stream: 'EVENTS', ...labels });
    expect(consumer('relais_consumer_pending_messages', { consumer: 'validator' })).toBe(3);
    expect(consumer('relais_consumer_ack_pending', { consumer: 'validator' })).toBe(1);
    expect(consumer('relais_consumer_redelivered', { consumer: 'validator' })).toBe(1);
    expect(consumer('relais_consumer_pending_messages', { consumer: 'router' })).toBe(5);
    expect(consumer('relais_consumer_ack_pending', { consumer: 'router' })).toBe(0);
    expect(value(families, 'relais_dead_letters', 'relais_dead_letters', { consumer: 'validator' })).toBe(1);
    expect(value(families, 'relais_dead_letters', 'relais_dead_letters', { consumer: 'router' })).toBe(0);
  });

  it('still answers when NATS is gone: the database’s figures, and nats marked down', async () => {
    const nc = gw.app.get<NatsConnection>(NATS_CONNECTION);
    await nc.close();
    const started = Date.now();
    const { families } = await scrape();
    expect(Date.now() - started).toBeLessThan(6000);
    expect(value(families, 'relais_metrics_source_up', 'relais_metrics_source_up', { source: 'nats' })).toBe(0);
    expect(value(families, 'relais_metrics_source_up', 'relais_metrics_source_up', { source: 'postgres' })).toBe(1);
    expect(families.get('relais_consumer_pending_messages')?.samples).toEqual([]);
    expect(families.get('relais_dead_letters')?.samples).toEqual([]);
    expect(value(families, 'relais_transmissions_total', 'relais_transmissions_total', { kind: 'acte', outcome: 'received' })).toBe(1_000_042);
    expect(gw.logs.some((line) => line.includes('metrics: nats does not answer'))).toBe(true);
  });
});
