import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, FakeClock } from '@relais/testing';
import type pg from 'pg';
import { acteForm, acteMetadata, pdfBytes, startGateway, type TestGateway } from '../../test/gateway.js';
import { startTcpProxy, type TcpProxy } from '../../test/tcp-proxy.js';
import { PG_POOL } from '../tokens.js';
import { DEFAULT_LIMITS } from './limits.js';

/** What a client saw: the status, the first error code, Retry-After, and the id of an accepted acte. */
interface Outcome {
  readonly status: number;
  readonly code: string | undefined;
  readonly retryAfter: string | null;
  readonly id: string | undefined;
}

async function outcome(response: Response): Promise<Outcome> {
  const body = (await response.json()) as { id?: string; errors?: { code: string }[] };
  return { status: response.status, code: body.errors?.[0]?.code, retryAfter: response.headers.get('retry-after'), id: body.id };
}

let sequence = 0;
/** A small acte with a numéro interne of its own. */
function smallActe(): FormData {
  sequence += 1;
  return acteForm(acteMetadata({ numeroInterne: `LOAD_${sequence}` }), pdfBytes(`acte ${sequence}`));
}

describe('load shedding of uploads', () => {
  // The clock is frozen: no token's bucket refills unless the test moves it, so the 429s are exact.
  const clock = new FakeClock('2026-03-02T09:00:00.000Z');
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await startGateway({ clock, settings: { rateLimitBurst: 10, limits: { ...DEFAULT_LIMITS, maxConcurrentUploads: 2 } } });
  });
  afterAll(async () => {
    await gw.close();
  });

  const upload = async (token: string, body: FormData | ReadableStream<Uint8Array> = smallActe(), boundary?: string): Promise<Outcome> =>
    outcome(
      await gw.call('/api/v1/actes', {
        method: 'POST',
        token,
        body,
        ...(boundary === undefined ? {} : { headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, duplex: 'half' }),
      }),
    );

  /** The transmission behind an accepted upload, as its collectivité sees it. */
  const statusOf = async (token: string, id: string): Promise<number> => (await gw.call(`/api/v1/transmissions/${id}`, { token })).status;

  /** An acte whose document stops after its first bytes until `gate` resolves: it holds its upload slot till then. */
  function heldUpload(gate: Promise<void>): { body: ReadableStream<Uint8Array>; boundary: string } {
    const boundary = `held${randomBytes(6).toString('hex')}`;
    sequence += 1;
    const encoder = new TextEncoder();
    const parts = [
      encoder.encode(
        `--${boundary}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n${JSON.stringify(acteMetadata({ numeroInterne: `HELD_${sequence}` }))}\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="document"; filename="held.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n`,
      ),
      encoder.encode(`% held\n%%EOF\n\r\n--${boundary}--\r\n`),
    ];
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (sent === 1) await gate;
        const part = parts[sent];
        sent += 1;
        if (part === undefined) controller.close();
        else controller.enqueue(part);
      },
    });
    return { body, boundary };
  }

  it('answers 503 SERVICE.OVERLOADED with Retry-After past the upload slots, disturbs no upload in progress, and loses nothing accepted', async () => {
    const holder = (await gw.issueToken('collectivite', await gw.registerCollectivite())).token;
    const crowd = (await gw.issueToken('collectivite', await gw.registerCollectivite())).token;
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const held = [heldUpload(gate), heldUpload(gate)].map(({ body, boundary }) => upload(holder, body, boundary));

    // Once a probe is refused, both slots are held by the two uploads waiting on the gate.
    const probes: Outcome[] = [];
    for (let refused = false; !refused && probes.length < 30; ) {
      const probe = await upload(holder);
      probes.push(probe);
      refused = probe.status === 503;
    }
    expect(probes.length).toBeLessThan(30);

    const received = async (): Promise<number> =>
      (await gw.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM events WHERE type LIKE '%TransmissionReceived%'`)).rows[0]!.n;
    const before = await received();
    // Far beyond capacity: 50 uploads at once from a token whose burst is 10. Each is shed before its
    // token is even looked up, so none of them counts against the token's rate either.
    const burst = await Promise.all(Array.from({ length: 50 }, () => upload(crowd)));
    expect(burst).toEqual(Array.from({ length: 50 }, () => ({ status: 503, code: 'SERVICE.OVERLOADED', retryAfter: '1', id: undefined })));
    // None of the refused ones recorded anything.
    expect(await received()).toBe(before);

    // The held uploads were not disturbed: accepted, and their transmissions are there.
    open();
    const accepted = await Promise.all(held);
    for (const o of [...accepted, ...probes.filter((p) => p.status === 202)]) {
      expect(o.status).toBe(202);
      expect(await statusOf(holder, o.id!)).toBe(200);
    }
    // Once the load stops the gateway takes uploads again, without a restart; the token's whole burst is left.
    const after = await upload(crowd);
    expect(after.status).toBe(202);
    expect(await statusOf(crowd, after.id!)).toBe(200);
  });

  it('under a free-for-all far beyond capacity answers only 202, 429 or 503 with their codes, every 202 with its transmission, and recovers', async () => {
    const tokens = await Promise.all([1, 2, 3].map(async () => (await gw.issueToken('collectivite', await gw.registerCollectivite())).token));
    // More than a token's burst each: those that get a slot may then meet the rate limit.
    const fired = tokens.flatMap((token) => Array.from({ length: 15 }, () => ({ token, answer: upload(token) })));
    const outcomes = await Promise.all(fired.map(async ({ token, answer }) => ({ token, ...(await answer) })));

    expect(outcomes.filter((o) => ![202, 429, 503].includes(o.status))).toEqual([]);
    for (const o of outcomes.filter((x) => x.status === 503)) expect([o.code, o.retryAfter]).toEqual(['SERVICE.OVERLOADED', '1']);
    for (const o of outcomes.filter((x) => x.status === 429)) expect([o.code, o.retryAfter]).toEqual(['AUTH.RATE_LIMITED', '1']);
    const accepted = outcomes.filter((o) => o.status === 202);
    expect(accepted.length).toBeGreaterThan(0);
    for (const o of accepted) expect(await statusOf(o.token, o.id!)).toBe(200);
    // Exactly the accepted ones were recorded.
    const { rows } = await gw.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM events WHERE type LIKE '%TransmissionReceived%' AND stream_id = ANY($1)`, [
      accepted.map((o) => `transmission-${o.id!}`),
    ]);
    expect(rows[0]!.n).toBe(accepted.length);

    // The load has stopped: one upload after another, each is taken (the buckets refilled meanwhile).
    clock.advance(10_000);
    for (const token of tokens) expect((await upload(token)).status).toBe(202);
  });
});

describe('database pressure', () => {
  let gw: TestGateway;
  let pool: pg.Pool;
  let auditor: string;

  beforeAll(async () => {
    gw = await startGateway({ settings: { limits: { ...DEFAULT_LIMITS, dbPoolSize: 2, dbMaxWaiting: 0, dbAcquireTimeoutMs: 300 } } });
    pool = gw.app.get<pg.Pool>(PG_POOL);
    ({ token: auditor } = await gw.issueToken('auditor'));
  });
  afterAll(async () => {
    await gw.close();
  });

  it('answers 503 at once when requests already wait for a connection, 503 SERVICE.UNAVAILABLE past the acquire timeout, and recovers when connections come back', async () => {
    const held = [await pool.connect(), await pool.connect()];
    try {
      // Something already waits for a connection: the call is shed before it joins the queue.
      const waiter = pool.connect().then(
        (client) => {
          client.release();
        },
        () => undefined,
      );
      expect(pool.waitingCount).toBe(1);
      const shed = await outcome(await gw.call('/api/v1/transmissions', { token: auditor }));
      expect(shed).toEqual({ status: 503, code: 'SERVICE.OVERLOADED', retryAfter: '1', id: undefined });
      await waiter;

      // Nobody waits, but no connection frees up within the acquire timeout.
      const timedOut = await outcome(await gw.call('/api/v1/transmissions', { token: auditor }));
      expect(timedOut).toEqual({ status: 503, code: 'SERVICE.UNAVAILABLE', retryAfter: '5', id: undefined });
    } finally {
      for (const client of held) client.release();
    }
    expect((await gw.call('/api/v1/transmissions', { token: auditor })).status).toBe(200);
  });
});

describe('database down', () => {
  let gw: TestGateway;
  let proxy: TcpProxy;

  beforeAll(async () => {
    const target = new URL(process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres');
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const db = await createTestDatabase('relais_gateway');
    const proxied = new URL(db.url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    gw = await startGateway({ db, settings: { databaseUrl: proxied.toString(), limits: { ...DEFAULT_LIMITS, dbAcquireTimeoutMs: 1_000 } } });
  });
  afterAll(async () => {
    await gw.close();
    await gw.db.drop();
    await proxy.close();
  });

  it('answers 503 SERVICE.UNAVAILABLE with Retry-After while PostgreSQL cannot be reached, and serves again once it can', async () => {
    const { token } = await gw.issueToken('collectivite', await gw.registerCollectivite());
    expect((await gw.call('/api/v1/transmissions', { token })).status).toBe(200);

    await proxy.down();
    const list = await outcome(await gw.call('/api/v1/transmissions', { token }));
    expect(list).toEqual({ status: 503, code: 'SERVICE.UNAVAILABLE', retryAfter: '5', id: undefined });
    const submitted = await outcome(await gw.call('/api/v1/actes', { method: 'POST', token, body: smallActe() }));
    expect(submitted).toEqual({ status: 503, code: 'SERVICE.UNAVAILABLE', retryAfter: '5', id: undefined });

    await proxy.up();
    expect((await gw.call('/api/v1/transmissions', { token })).status).toBe(200);
    const accepted = await outcome(await gw.call('/api/v1/actes', { method: 'POST', token, body: smallActe() }));
    expect(accepted.status).toBe(202);
  });
});
