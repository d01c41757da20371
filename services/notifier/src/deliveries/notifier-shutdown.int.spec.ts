import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createWebhook } from '@relais/service-kit';
import { createTestDatabase, createTestNamespace, type TestDatabase, type TestNamespace } from '@relais/testing';
import { addDeliveries } from './delivery-outbox.js';

const main = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'main.js');

type Exit = { code: number | null; signal: NodeJS.Signals | null };

/**
 * The built `relais-notifier` stopped by SIGTERM while a webhook POST waits for its answer: answered
 * within the grace, the delivery is recorded delivered once and the process exits 0; not answered by
 * then, the delivery is handed back — due again at once for another notifier, not when its lease
 * (request timeout + 5 s) would have run out — and the process still exits 0.
 */
describe('relais-notifier at SIGTERM', () => {
  let db: TestDatabase;
  let ns: TestNamespace;
  /** Requests the receiver holds, each answered when the test says. */
  const held: ServerResponse[] = [];
  const server = createServer((request, response) => {
    request.resume();
    request.once('end', () => {
      held.push(response);
    });
  });
  let url = '';

  beforeAll(async () => {
    if (!existsSync(main)) throw new Error(`${main} is missing: build the notifier first (npx nx run notifier:build)`);
    [db, ns] = await Promise.all([createTestDatabase('relais_notifier'), createTestNamespace()]);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port.toString()}/hook`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await db.drop();
    await ns.cleanup();
  });

  function startNotifier(env: Record<string, string> = {}): { child: ChildProcess; exit: Promise<Exit> } {
    const child = spawn(process.execPath, [main], {
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        NATS_URL: ns.natsUrl,
        RELAIS_NAMESPACE: ns.namespace,
        RELAIS_EVENTS_STREAM_MAX_BYTES: String(64 * 1024 * 1024),
        RELAIS_DLQ_STREAM_MAX_BYTES: String(16 * 1024 * 1024),
        RELAIS_WEBHOOK_ALLOW_PRIVATE: 'true',
        NOTIFIER_POLL_MS: '50',
        NOTIFIER_TIMEOUT_MS: '20000',
        ...env,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const exit = new Promise<Exit>((resolve) => {
      child.once('exit', (code, signal) => {
        resolve({ code, signal });
      });
    });
    return { child, exit };
  }

  /** A delivery to the receiver, once the notifier's tables exist; returns its id. */
  async function queueDelivery(): Promise<string> {
    for (;;) {
      const { rows } = await db.pool.query<{ ready: boolean }>(`SELECT to_regclass('webhook_deliveries') IS NOT NULL AS ready`);
      if (rows[0]!.ready) break;
      await sleep(50);
    }
    const webhook = await createWebhook(db.pool, { siren: '212102313', url, secret: 'shutdown-test-secret-0123456789' });
    const id = randomUUID();
    const transmissionId = randomUUID();
    await addDeliveries(db.pool, [
      { id, webhookId: webhook!.id, transmissionId, sequence: 1, eventId: randomUUID(), eventType: 'TransmissionAcknowledged', body: JSON.stringify({ id: transmissionId }) },
    ]);
    return id;
  }

  async function delivery(id: string): Promise<{ state: string; attempts: number; dueNow: boolean }> {
    const { rows } = await db.pool.query<{ state: string; attempts: number; due_now: boolean }>(
      'SELECT state, attempts, next_attempt_at <= now() AS due_now FROM webhook_deliveries WHERE id = $1',
      [id],
    );
    return { state: rows[0]!.state, attempts: rows[0]!.attempts, dueNow: rows[0]!.due_now };
  }

  async function posted(count: number): Promise<void> {
    while (held.length < count) await sleep(20);
  }

  it('waits for the POST in flight, records it delivered once, and exits 0', async () => {
    const notifier = startNotifier();
    const id = await queueDelivery();
    await posted(1);
    notifier.child.kill('SIGTERM');
    await sleep(300);
    expect(notifier.child.exitCode).toBeNull();
    held[0]!.writeHead(204).end();

    expect(await notifier.exit).toEqual({ code: 0, signal: null });
    expect(await delivery(id)).toMatchObject({ state: 'delivered', attempts: 1 });
    expect(held).toHaveLength(1);
  }, 60_000);

  it('past its grace hands the unanswered delivery back: pending, due at once, no attempt counted', async () => {
    const notifier = startNotifier({ RELAIS_SHUTDOWN_TIMEOUT_MS: '1500' });
    const id = await queueDelivery();
    await posted(2);
    notifier.child.kill('SIGTERM');
    expect(await notifier.exit).toEqual({ code: 0, signal: null });
    expect(await delivery(id)).toEqual({ state: 'pending', attempts: 0, dueNow: true });
    held[1]!.writeHead(204).end();
  }, 60_000);
});
