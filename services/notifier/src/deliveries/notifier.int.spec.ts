import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { acte, acteAck, at } from '@relais/domain/testing';
import { migrate, PostgresEventStore } from '@relais/event-store';
import { MessagingNames, type OutboxRelay } from '@relais/messaging';
import { PersonalData, shredPersonalData } from '@relais/privacy';
import { askHealth, createWebhook, deleteWebhook, migrateWebhooks, recordPesRetour, TransmissionCommands, type PesRetour, type Webhook } from '@relais/service-kit';
import { quiet, relayEvent, startTestRelay, storedEvent, TEST_LIMITS, waitFor, waitUntilAcked } from '@relais/service-kit/testing';
import { createTestDatabase, createTestNamespace, type TestDatabase, type TestNamespace } from '@relais/testing';
import { AppModule } from '../app.module.js';
import type { NotifierConfig } from '../config.js';
import { DeliveryOutbox } from './delivery-outbox.js';
import type { PesRetourBody } from '../pes-retours/pes-retour-plan.js';
import type { NotificationBody } from './notification-plan.js';
import { DeliveryHeaders, verifySignature } from './signing.js';

/** One request the receiver got. */
interface Received {
  readonly path: string;
  readonly deliveryId: string;
  readonly signature: string | undefined;
  readonly timestamp: string | undefined;
  readonly raw: string;
  readonly event: string | undefined;
  readonly body: NotificationBody;
  /** What the receiver answered. */
  readonly answered: number;
}

/** Collectivités' HTTP endpoints (one path each): 503 at a path marked down, 204 otherwise; every request recorded. */
class Receiver {
  private readonly down = new Set<string>();
  readonly requests: Received[] = [];
  private readonly server: Server;
  base = '';

  constructor() {
    this.server = createServer((request, response) => void this.onRequest(request, response));
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => { resolve(); }));
  }

  private async onRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const header = (name: string): string | undefined => {
      const value = request.headers[name.toLowerCase()];
      return typeof value === 'string' ? value : undefined;
    };
    const answered = this.down.has(request.url ?? '') ? 503 : 204;
    this.requests.push({
      path: request.url ?? '',
      deliveryId: header(DeliveryHeaders.Delivery) ?? '',
      signature: header(DeliveryHeaders.Signature),
      timestamp: header(DeliveryHeaders.Timestamp),
      raw,
      event: header(DeliveryHeaders.Event),
      body: JSON.parse(raw) as NotificationBody,
      answered,
    });
    response.writeHead(answered).end();
  }

  /** Marks `path` down (503) or up (204). */
  setDown(path: string, down: boolean): void {
    if (down) this.down.add(path);
    else this.down.delete(path);
  }

  /** The deliveries taken at `path`, in the order they arrived. */
  accepted(path: string): Received[] {
    return this.requests.filter((r) => r.path === path && r.answered === 204);
  }

  /** The deliveries taken at `path` for one transmission, in arrival order. */
  acceptedFor(path: string, transmissionId: string): Received[] {
    return this.accepted(path).filter((r) => r.body.event.transmissionId === transmissionId);
  }
}

const LIFE = ['TransmissionReceived', 'TransmissionValidated', 'TransmissionRouted', 'TransmissionSent', 'TransmissionAcknowledged'];

describe('relais-notifier', () => {
  let db: TestDatabase;
  let ns: TestNamespace;
  let store: PostgresEventStore;
  let commands: TransmissionCommands;
  let relay: OutboxRelay;
  let outbox: DeliveryOutbox;
  let app: INestApplicationContext | undefined;
  const receiver = new Receiver();
  const secrets = new Map<string, string>();
  let config: NotifierConfig;

  const siren = '212102313';
  const otherSiren = '213105554';

  async function startNotifier(): Promise<void> {
    app = await NestFactory.createApplicationContext(AppModule.forConfig(config, { streamLimits: TEST_LIMITS }), quiet());
  }

  async function stopNotifier(): Promise<void> {
    await app?.close();
    app = undefined;
  }

  async function webhook(ofSiren: string, name: string): Promise<{ webhook: Webhook; path: string }> {
    const path = `/hooks/${name}`;
    const secret = `secret-${randomUUID()}`;
    const created = await createWebhook(db.pool, { siren: ofSiren, url: `${receiver.base}${path}`, secret });
    if (created === undefined) throw new Error('too many webhooks');
    secrets.set(path, secret);
    return { webhook: created, path };
  }

  /** Records a new acte of `ofSiren`; returns its id. */
  async function submit(ofSiren = siren): Promise<string> {
    const id = randomUUID();
    await commands.execute({ type: 'SubmitActe', data: { transmissionId: id, at, siren: ofSiren, acte: { ...acte, numeroInterne: `N${id.slice(0, 8).toUpperCase()}` } } });
    return id;
  }

  /** Takes a received acte through validation, routing, packaging and sending to its acknowledgment. */
  async function acknowledge(id: string): Promise<void> {
    const file = { fileName: `EACT-${id}.tar.gz`, sha256: 'c'.repeat(64) };
    await commands.execute({ type: 'RecordValidation', data: { transmissionId: id, at, errors: [] } });
    await commands.execute({ type: 'Route', data: { transmissionId: id, at, endpointId: 'pref-021', channel: 'actes' } });
    await commands.execute({ type: 'RecordPackage', data: { transmissionId: id, at, ...file, size: 2048 } });
    await commands.execute({ type: 'RecordSent', data: { transmissionId: id, at, attempt: 1, ...file } });
    await commands.execute({ type: 'RecordAcknowledgment', data: { transmissionId: id, at, acknowledgment: acteAck } });
  }

  /** Waits until `path` took every notification of the acknowledged transmission `id`. */
  function allTaken(path: string, id: string, count = LIFE.length): Promise<Received[]> {
    return waitFor(`${count} deliveries of ${id} at ${path}`, () => {
      const taken = receiver.acceptedFor(path, id);
      return Promise.resolve(taken.length >= count && taken);
    });
  }

  /** Every request at `path` is signed with its webhook's secret over the exact bytes received. */
  function expectSigned(path: string): void {
    const secret = secrets.get(path) ?? '';
    const requests = receiver.requests.filter((r) => r.path === path);
    expect(requests.length).toBeGreaterThan(0);
    for (const request of requests) {
      expect(verifySignature(secret, request.raw, request.signature)).toBe(true);
      expect(request.deliveryId).toBe(request.body.deliveryId);
      expect(request.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
  }

  /** Each delivery id taken once, and every attempt of one delivery carried the same bytes. */
  function expectEachOnce(path: string): void {
    const accepted = receiver.accepted(path).map((r) => r.deliveryId);
    expect(new Set(accepted).size).toBe(accepted.length);
    const bodies = new Map<string, string>();
    for (const request of receiver.requests.filter((r) => r.path === path)) {
      const seen = bodies.get(request.deliveryId);
      if (seen !== undefined) expect(request.raw).toBe(seen);
      bodies.set(request.deliveryId, request.raw);
    }
  }

  beforeAll(async () => {
    db = await createTestDatabase('relais_notifier');
    ns = await createTestNamespace();
    await migrate(db.pool);
    await migrateWebhooks(db.pool);
    store = new PostgresEventStore(db.pool);
    commands = new TransmissionCommands(store);
    await receiver.start();
    relay = await startTestRelay(db.pool, ns);
    config = {
      databaseUrl: db.url,
      natsUrl: ns.natsUrl,
      namespace: ns.namespace,
      // "Down for a minute" in seconds: retries from 50 ms, never more than 400 ms apart.
      delivery: {
        retryInitialMs: 50,
        retryMaxMs: 400,
        giveUpAfterMs: 86_400_000,
        requestTimeoutMs: 5_000,
        pollIntervalMs: 50,
        concurrency: 8,
        // The receiver listens on 127.0.0.1.
        allowPrivateAddresses: true,
      },
    };
    await startNotifier();
    outbox = new DeliveryOutbox(db.pool);
  });

  afterAll(async () => {
    await stopNotifier();
    await relay.stop();
    await store.close();
    await receiver.stop();
    await db.drop();
    await ns.cleanup();
  });

  it('drops what happens while no collectivité has a webhook, and hears what follows the first registration', async () => {
    const id = await submit();
    // Once the notifier acked a later copy of the Received event, it has handled the original too.
    const received = await storedEvent(store, id, 'TransmissionReceived');
    const seq = await relayEvent(ns.nc, ns.namespace, received, `${received.eventId}-probe`);
    await waitUntilAcked(ns.nc, ns.namespace, 'notifier', seq);
    const first = await webhook(siren, 'first-ever');
    await acknowledge(id);
    const taken = await allTaken(first.path, id, LIFE.length - 1);
    expect(taken.map((r) => r.body.event.type)).toEqual(LIFE.slice(1));
    expectEachOnce(first.path);
    await deleteWebhook(db.pool, siren, first.webhook.id);
  });

  it('POSTs each status change of a transmission to every webhook of its collectivité, in order, signed', async () => {
    const first = await webhook(siren, 'dijon-erp');
    const second = await webhook(siren, 'dijon-ged');
    const other = await webhook(otherSiren, 'other');
    const id = await submit();
    await acknowledge(id);

    for (const { path, webhook: w } of [first, second]) {
      const taken = await allTaken(path, id);
      expect(taken.map((r) => r.body.event.type)).toEqual(LIFE);
      expect(taken.map((r) => r.body.event.sequence)).toEqual([1, 2, 3, 5, 6]);
      expect(taken.map((r) => r.body.event.status)).toEqual(['received', 'validated', 'routed', 'sent', 'acknowledged']);
      expect(taken.every((r) => r.body.webhookId === w.id)).toBe(true);
      const ack = taken.at(-1)!.body;
      expect(ack.event).toMatchObject({ transmissionId: id, at, data: { acknowledgment: acteAck } });
      expect(ack.transmission).toMatchObject({ id, siren, kind: 'acte', status: 'acknowledged', acte: { idActe: acteAck.idActe } });
      expectSigned(path);
      expectEachOnce(path);
    }
    // Two webhooks, two deliveries of each event, each with its own id.
    expect(new Set([...receiver.accepted(first.path), ...receiver.accepted(second.path)].map((r) => r.deliveryId)).size).toBe(2 * LIFE.length);
    // Another collectivité's webhook hears nothing of it.
    expect(receiver.requests.filter((r) => r.path === other.path)).toEqual([]);
    // Each delivery is marked delivered just after the receiver's answer.
    await waitFor('every delivery marked delivered', async () => (await outbox.ofWebhook(first.webhook.id)).every((d) => d.state === 'delivered'));
    expect((await outbox.ofWebhook(first.webhook.id)).map((d) => [d.eventType, d.state, d.attempts])).toEqual(LIFE.map((type) => [type, 'delivered', 1]));
  });

  it('a receiver down for a while gets every notification afterwards, in order per transmission, each delivery id once', async () => {
    const { path, webhook: w } = await webhook(siren, 'down-then-up');
    receiver.setDown(path, true);
    const ids = await Promise.all([submit(), submit(), submit()]);
    await Promise.all(ids.map((id) => acknowledge(id)));

    // Down long enough for every line to be refused several times, with growing delays between tries.
    await waitFor('each transmission refused 4 times', () => {
      const refused = ids.map((id) => receiver.requests.filter((r) => r.path === path && r.answered === 503 && r.body.event.transmissionId === id).length);
      return Promise.resolve(refused.every((n) => n >= 4));
    });
    // While refused, only the first notification of each transmission was ever tried: nothing overtakes it.
    expect(new Set(receiver.requests.filter((r) => r.path === path).map((r) => r.body.event.type))).toEqual(new Set(['TransmissionReceived']));
    const refusedBefore = (await outbox.ofWebhook(w.id)).filter((d) => d.attempts > 0);
    expect(refusedBefore.every((d) => d.state === 'pending' && d.lastError === 'HTTP 503')).toBe(true);

    receiver.setDown(path, false);
    for (const id of ids) {
      const taken = await allTaken(path, id);
      expect(taken.map((r) => r.body.event.type)).toEqual(LIFE);
      expect(taken.map((r) => r.body.event.sequence)).toEqual([1, 2, 3, 5, 6]);
    }
    expect(receiver.accepted(path)).toHaveLength(3 * LIFE.length);
    expectSigned(path);
    expectEachOnce(path);
    // The receiver has answered every delivery; the sender marks each delivered just after its answer.
    await waitFor('every delivery marked delivered', async () => (await outbox.ofWebhook(w.id)).every((d) => d.state === 'delivered'));
    await deleteWebhook(db.pool, siren, w.id);
  });

  it('adds no second delivery when JetStream hands the same event over again', async () => {
    const { path, webhook: w } = await webhook(siren, 'redelivery');
    const id = await submit();
    await acknowledge(id);
    await allTaken(path, id);
    await waitFor('every delivery marked delivered', async () => (await outbox.ofWebhook(w.id)).every((d) => d.state === 'delivered'));
    const before = await outbox.ofWebhook(w.id);

    // The same event again, under another message id (as after the duplicate window): past the inbox.
    const event = await storedEvent(store, id, 'TransmissionAcknowledged');
    const seq = await relayEvent(ns.nc, ns.namespace, event, `${event.eventId}-again`);
    // And once more under its own id: the inbox drops it.
    await relayEvent(ns.nc, ns.namespace, event);
    await waitUntilAcked(ns.nc, ns.namespace, 'notifier', seq);

    expect(await outbox.ofWebhook(w.id)).toEqual(before);
    expect(receiver.requests.filter((r) => r.path === path)).toHaveLength(LIFE.length);
    expectEachOnce(path);
    await deleteWebhook(db.pool, siren, w.id);
  });

  it('loses nothing when the notifier restarts while deliveries wait, nor of the events recorded while it is stopped', async () => {
    const { path, webhook: w } = await webhook(siren, 'restart');
    receiver.setDown(path, true);
    const before = await submit();
    await acknowledge(before);
    await waitFor('the deliveries of the first transmission in the outbox, refused once', async () => {
      const rows = await outbox.ofWebhook(w.id);
      return rows.length === LIFE.length && rows.some((d) => d.attempts > 0);
    });
    await stopNotifier();

    // While it is stopped: another transmission's whole life, and the receiver comes back.
    const during = await submit();
    await acknowledge(during);
    receiver.setDown(path, false);
    await startNotifier();

    for (const id of [before, during]) {
      const taken = await allTaken(path, id);
      expect(taken.map((r) => r.body.event.type)).toEqual(LIFE);
    }
    expect(receiver.accepted(path)).toHaveLength(2 * LIFE.length);
    expectSigned(path);
    expectEachOnce(path);
    await deleteWebhook(db.pool, siren, w.id);
  });

  it('sends nothing more to a removed webhook, and nothing of what happened before a webhook was registered', async () => {
    const { path, webhook: removed } = await webhook(siren, 'removed');
    receiver.setDown(path, true);
    const id = await submit();
    await waitFor('a refused attempt at the removed webhook', () => Promise.resolve(receiver.requests.some((r) => r.path === path)));
    await deleteWebhook(db.pool, siren, removed.id);
    const late = await webhook(siren, 'late');
    await acknowledge(id);

    const taken = await allTaken(late.path, id, LIFE.length - 1);
    expect(taken.map((r) => r.body.event.type)).toEqual(LIFE.slice(1));
    expect(receiver.accepted(path)).toEqual([]);
    expect(new Set(receiver.requests.filter((r) => r.path === path).map((r) => r.body.event.type))).toEqual(new Set(['TransmissionReceived']));
    expect((await outbox.ofWebhook(removed.id)).every((d) => d.state === 'pending' || d.state === 'cancelled')).toBe(true);
    await deleteWebhook(db.pool, siren, late.webhook.id);
  });

  /** Records a PES_Retour the DGFiP sent for `ofSiren`, as the transmitter does. */
  function retourArrives(ofSiren: string, n: number): Promise<PesRetour> {
    const fileName = `PES_RETOUR_${ofSiren}00013_${n}.xml`;
    return recordPesRetour(store, {
      siren: ofSiren,
      siret: `${ofSiren}00013`,
      fileName,
      nomFic: `RETOUR_${n}`,
      idPost: '021000',
      codCol: '001',
      sha256: String(n).repeat(64).slice(0, 64),
      size: 1000 + n,
      messageId: fileName,
    });
  }

  it("POSTs each PES_Retour arriving for the collectivité to its webhooks, in order, signed, each delivery id once", async () => {
    const before = await retourArrives(siren, 1);
    const { path, webhook: w } = await webhook(siren, 'pes-retours');
    const other = await webhook(otherSiren, 'pes-retours-other');
    const retours = [await retourArrives(siren, 2), await retourArrives(siren, 3)];

    const taken = await waitFor('both retours at the webhook', () => {
      const got = receiver.accepted(path).filter((r) => r.event === 'PesRetourReceived');
      return Promise.resolve(got.length >= 2 && got);
    });
    const bodies = taken.map((r) => JSON.parse(r.raw) as PesRetourBody);
    expect(bodies.map((b) => b.retour.id)).toEqual(retours.map((r) => r.id));
    const [second] = retours;
    expect(bodies[0]).toEqual({
      deliveryId: taken[0]!.deliveryId,
      webhookId: w.id,
      event: {
        id: second!.id,
        type: 'PesRetourReceived',
        at: second!.receivedAt,
        recordedAt: expect.stringMatching(/Z$/),
        data: expect.objectContaining({ retourId: second!.id, siren, fileName: second!.fileName, size: '1002' }),
      },
      retour: {
        id: second!.id,
        siren,
        receivedAt: second!.receivedAt,
        siret: `${siren}00013`,
        fileName: second!.fileName,
        nomFic: 'RETOUR_2',
        idPost: '021000',
        codCol: '001',
        size: 1002,
        sha256: second!.sha256,
        href: `/api/v1/pes/retours/${second!.id}/file`,
      },
    });
    expectSigned(path);

    // The same arrival handed over again (past the duplicate window) adds nothing.
    const event = (await store.readStream(`pesretours-${siren}`)).find((e) => e.eventId === retours[1]!.id)!;
    const seq = await relayEvent(ns.nc, ns.namespace, event, `${event.eventId}-again`);
    await waitUntilAcked(ns.nc, ns.namespace, 'notifier-pes-retours', seq);
    expect(receiver.requests.filter((r) => r.path === path)).toHaveLength(2);
    expectEachOnce(path);
    // Nothing of what arrived before the webhook was registered, nothing for another collectivité.
    expect(bodies.some((b) => b.retour.id === before.id)).toBe(false);
    expect(receiver.requests.filter((r) => r.path === other.path)).toEqual([]);
    expect((await outbox.ofWebhook(w.id)).map((d) => [d.transmissionId, d.sequence, d.eventType, d.state])).toEqual([
      [`pesretours-${siren}`, 2, 'PesRetourReceived', 'delivered'],
      [`pesretours-${siren}`, 3, 'PesRetourReceived', 'delivered'],
    ]);
    await deleteWebhook(db.pool, siren, w.id);
    await deleteWebhook(db.pool, otherSiren, other.webhook.id);
  });

  it('sends the objet in clear though the log and the outbox keep it sealed, and null once shredded', async () => {
    const { webhook: w, path } = await webhook(siren, 'personal-data');
    const privacy = new PersonalData(db.pool);
    const objet = 'Nomination de Mme Camille Durand';
    const sealedActe = async (id: string) => privacy.sealActe(id, { ...acte, nature: 'AI', numeroInterne: `P${id.slice(0, 8).toUpperCase()}`, objet });
    const kept = randomUUID();
    await commands.execute({ type: 'SubmitActe', data: { transmissionId: kept, at, siren, acte: await sealedActe(kept) } });
    await acknowledge(kept);
    const taken = await allTaken(path, kept);
    expect(taken[0]?.body.event.data).toMatchObject({ submission: { objet } });
    for (const request of taken) expect(request.body.transmission.acte?.objet).toBe(objet);

    const shredded = randomUUID();
    await commands.execute({ type: 'SubmitActe', data: { transmissionId: shredded, at, siren, acte: await sealedActe(shredded) } });
    const shred = { transmissionId: shredded, at, reason: 'demande RGPD', requestedBy: 'token:admin' };
    await shredPersonalData({ commands, keys: privacy.keys }, { type: 'ShredPersonalData', data: shred });
    await acknowledge(shredded);
    // Every notification after the reception is sent once the key is destroyed (the reception's may have gone before).
    for (const request of (await allTaken(path, shredded)).slice(1)) {
      expect(request.body.transmission.acte?.objet).toBeNull();
      expect(request.raw).not.toContain('Durand');
    }
    expectSigned(path);
    const { rows } = await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM webhook_deliveries WHERE body LIKE '%Durand%'");
    expect(rows[0]?.n).toBe(0);
    await deleteWebhook(db.pool, siren, w.id);
  });

  it('answers health questions with the deliveries waiting', async () => {
    const reports = await askHealth(ns.nc, new MessagingNames(ns.namespace), ['notifier'], 5_000);
    expect(reports['notifier']).toMatchObject({ status: 'ok', detail: expect.stringMatching(/^\d+ webhook deliveries pending$/) });
  });
});
