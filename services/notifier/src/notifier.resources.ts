import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { migrate, PostgresEventStore } from '@relais/event-store';
import { migrateWebhooks, openDatabase } from '@relais/service-kit';
import type pg from 'pg';
import type { NotifierConfig } from './config.js';
import { DeliveryOutbox, migrateNotifier } from './deliveries/delivery-outbox.js';
import { NOTIFIER_CONFIG } from './tokens.js';

/**
 * What the notifier reads and writes, ready before the consumer and the sender start and closed after
 * both stopped: the pool (the event log's, the webhooks' and its own schemas migrated), the event log
 * and the outbox of deliveries.
 */
@Injectable()
export class NotifierResources implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Notifier');
  private state: { readonly pool: pg.Pool; readonly store: PostgresEventStore; readonly outbox: DeliveryOutbox } | undefined;

  constructor(@Inject(NOTIFIER_CONFIG) private readonly config: NotifierConfig) {}

  async onModuleInit(): Promise<void> {
    const pool = await openDatabase({
      url: this.config.databaseUrl,
      max: 10 + this.config.delivery.concurrency,
      applicationName: 'relais-notifier',
      logger: this.logger,
      migrate: [migrate, migrateWebhooks, migrateNotifier],
    });
    this.state = { pool, store: new PostgresEventStore(pool), outbox: new DeliveryOutbox(pool) };
  }

  private get ready(): NonNullable<NotifierResources['state']> {
    if (this.state === undefined) throw new Error('notifier resources used before module init');
    return this.state;
  }

  get pool(): pg.Pool {
    return this.ready.pool;
  }

  get store(): PostgresEventStore {
    return this.ready.store;
  }

  get outbox(): DeliveryOutbox {
    return this.ready.outbox;
  }

  async onApplicationShutdown(): Promise<void> {
    const state = this.state;
    this.state = undefined;
    await state?.store.close();
    await state?.pool.end();
  }
}
