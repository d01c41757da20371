import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { NestApplicationContextOptions } from '@nestjs/common/interfaces/nest-application-context-options.interface.js';
import { PostgresEventStore } from '@relais/event-store';
import { MessagingNames } from '@relais/messaging';
import { askHealth } from '@relais/service-kit';
import { createTestDatabase, createTestNamespace, type TestDatabase, type TestNamespace } from '@relais/testing';
import { appendTransmission } from '../../test/database.js';
import { eventsOf } from '@relais/domain/testing';
import { AppModule } from '../app.module.js';
import { getTransmission } from '@relais/read-models';
import type { TransmissionView } from '@relais/read-models';

describe('ProjectorService', () => {
  let db: TestDatabase;
  let ns: TestNamespace;
  let app: INestApplicationContext | undefined;

  beforeAll(async () => {
    db = await createTestDatabase('relais_projector');
    ns = await createTestNamespace();
  });

  afterAll(async () => {
    await app?.close();
    await db.drop();
    await ns.cleanup();
  });

  async function eventually(id: string, status: string): Promise<TransmissionView | null> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const view = await getTransmission(db.pool, id);
      if (view?.status === status || Date.now() > deadline) return view;
      await sleep(50);
    }
  }

  it('migrates an empty database at start-up and keeps the read model up to date until shutdown', async () => {
    const options = Object.assign(new NestApplicationContextOptions(), { logger: false as const });
    app = await NestFactory.createApplicationContext(AppModule.forConfig({ databaseUrl: db.url, natsUrl: ns.natsUrl, namespace: ns.namespace }), options);
    await app.init();
    const store = new PostgresEventStore(db.pool);
    const e = eventsOf('tr-live');
    await appendTransmission(store, 'tr-live', [e.received(), e.validated()]);
    expect(await eventually('tr-live', 'validated')).toMatchObject({ status: 'validated' });
    await appendTransmission(store, 'tr-live', [e.routed(), e.sent()]);
    expect(await eventually('tr-live', 'sent')).toMatchObject({ status: 'sent' });
    const health = await askHealth(ns.nc, new MessagingNames(ns.namespace), ['projector'], 2000);
    expect(health['projector']).toMatchObject({ status: 'ok', pid: process.pid });
    await store.close();
    await app.close();
    app = undefined;
  });
});
