import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { TransmissionEvent } from '@relais/domain';
import { acte, at } from '@relais/domain/testing';
import { migrate, PostgresEventStore } from '@relais/event-store';
import { MessagingNames } from '@relais/messaging';
import { askHealth, registerCollectivite, TransmissionCommands } from '@relais/service-kit';
import { historyOf, RecordingLogger, recordingTo, relayEvent, storedEvent, TEST_LIMITS, waitFor, waitUntilAcked } from '@relais/service-kit/testing';
import { createTestDatabase, createTestNamespace, type TestDatabase, type TestNamespace } from '@relais/testing';
import { AppModule } from '../app.module.js';

const endpoints = [
  { id: 'pref-021', channel: 'actes', url: 'http://127.0.0.1:3100' },
  { id: 'spref-021-2', channel: 'actes', url: 'http://127.0.0.1:3100' },
  { id: 'pref-075', channel: 'actes', url: 'http://127.0.0.1:3100' },
];
const rules021 = [
  { channel: 'actes', departement: '021', endpoint: 'pref-021' },
  { channel: 'actes', departement: '021', arrondissement: '2', endpoint: 'spref-021-2' },
];

/** The router application against its own database, NATS namespace and routing table file. */
describe('relais-router', () => {
  let db: TestDatabase;
  let ns: TestNamespace;
  let dir: string;
  let routingFile: string;
  let app: INestApplicationContext;
  let store: PostgresEventStore;
  let commands: TransmissionCommands;
  const logger = new RecordingLogger();

  /** Replaces the table as an editor does: a whole new file renamed over the old one. */
  async function writeTable(rules: readonly object[]): Promise<void> {
    const next = join(dir, `routing-${randomUUID()}.json`);
    await writeFile(next, JSON.stringify({ endpoints, rules }, null, 2));
    await rename(next, routingFile);
  }

  async function register(siren: string, departement: string, arrondissement: string): Promise<void> {
    await registerCollectivite(store, { siren, nom: `Commune ${siren}`, departement, arrondissement, nature: '31', helios: [], registeredBy: 'test' });
  }

  /** Records a received and validated acte of `siren` and relays its TransmissionValidated; returns its id. */
  async function validated(siren: string): Promise<string> {
    const id = randomUUID();
    await commands.execute({ type: 'SubmitActe', data: { transmissionId: id, at, siren, acte: { ...acte, numeroInterne: `N${id.slice(0, 8).toUpperCase()}` } } });
    await commands.execute({ type: 'RecordValidation', data: { transmissionId: id, at, errors: [] } });
    await relayEvent(ns.nc, ns.namespace, await storedEvent(store, id, 'TransmissionValidated'));
    return id;
  }

  function routed(id: string): Promise<TransmissionEvent> {
    return waitFor(`the route of ${id}`, async () => (await historyOf(store, id)).find((e) => e.type === 'TransmissionRouted'));
  }

  function endpointOf(event: TransmissionEvent): string | undefined {
    return event.type === 'TransmissionRouted' ? `${event.data.endpointId} (${event.data.channel})` : undefined;
  }

  function logged(text: string): Promise<string> {
    return waitFor(`a log line with ${text}`, () => Promise.resolve(logger.lines.find((line) => line.includes(text))));
  }

  beforeAll(async () => {
    db = await createTestDatabase('relais_router');
    ns = await createTestNamespace();
    dir = await mkdtemp(join(tmpdir(), 'relais-router-'));
    routingFile = join(dir, 'routing.json');
    await writeTable(rules021);
    await migrate(db.pool);
    store = new PostgresEventStore(db.pool);
    commands = new TransmissionCommands(store);
    const config = { databaseUrl: db.url, natsUrl: ns.natsUrl, namespace: ns.namespace, routingFile };
    app = await NestFactory.createApplicationContext(AppModule.forConfig(config, { streamLimits: TEST_LIMITS }), recordingTo(logger));
    await register('212102313', '021', '1');
    await register('213105554', '021', '2');
  });

  afterAll(async () => {
    await app.close();
    await store.close();
    await db.drop();
    await ns.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it('routes an acte by its collectivité’s département, and by its arrondissement where a rule names it', async () => {
    const [first, second] = await Promise.all([validated('212102313'), validated('213105554')]);
    expect(endpointOf(await routed(first))).toBe('pref-021 (actes)');
    expect(endpointOf(await routed(second))).toBe('spref-021-2 (actes)');
  });

  it('keeps a transmission no rule matches, and routes it once the table file is edited, without a restart', async () => {
    await register('217500016', '075', '1');
    const id = await validated('217500016');
    await logged(`ROUTING.NO_RULE: transmission ${id}`);
    expect((await historyOf(store, id)).map((e) => e.type)).toEqual(['TransmissionReceived', 'TransmissionValidated']);

    await writeTable([...rules021, { channel: 'actes', departement: '075', endpoint: 'pref-075' }]);
    // The next redelivery (backoff 1 s after the first failure) reads the edited table.
    expect(endpointOf(await routed(id))).toBe('pref-075 (actes)');
  });

  it('follows an edit that changes where a département goes', async () => {
    await writeTable([{ channel: 'actes', departement: '021', endpoint: 'pref-075' }]);
    const id = await validated('212102313');
    expect(endpointOf(await routed(id))).toBe('pref-075 (actes)');
    await writeTable(rules021);
  });

  it('keeps a transmission of an unknown collectivité until it is registered', async () => {
    const id = await validated('200000172');
    await logged(`ROUTING.UNKNOWN_COLLECTIVITE: transmission ${id}`);
    await register('200000172', '021', '2');
    expect(endpointOf(await routed(id))).toBe('spref-021-2 (actes)');
  });

  it('records nothing twice when the same message is delivered again', async () => {
    const id = await validated('212102313');
    await routed(id);
    const event = await storedEvent(store, id, 'TransmissionValidated');
    const seq = await relayEvent(ns.nc, ns.namespace, event, `${event.eventId}-again`);
    await waitUntilAcked(ns.nc, ns.namespace, 'router', seq);
    expect((await historyOf(store, id)).map((e) => e.type)).toEqual(['TransmissionReceived', 'TransmissionValidated', 'TransmissionRouted']);
  });

  it('answers health questions: ready while the database answers and the table loads', async () => {
    const reports = await askHealth(ns.nc, new MessagingNames(ns.namespace), ['router'], 5_000);
    expect(reports['router']).toMatchObject({ status: 'ok', detail: `routing table ${routingFile}: 2 rules` });
  });

  it('keeps routing with the last good table when an edit breaks the file, and says so', async () => {
    await writeTable([{ channel: 'actes', departement: '21', endpoint: 'nowhere' }]);
    const id = await validated('213105554');
    expect(endpointOf(await routed(id))).toBe('spref-021-2 (actes)');
    const reports = await askHealth(ns.nc, new MessagingNames(ns.namespace), ['router'], 5_000);
    expect(reports['router']?.status).toBe('ok');
    expect(reports['router']?.detail).toContain('last edit refused, previous table in use: Invalid routing table');
    await logged('routing table edit refused');
  });
});
