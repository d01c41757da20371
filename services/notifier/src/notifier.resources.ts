import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { migrate, PostgresEventStore } from '@relais/event-store';
import { migratePrivacy, PersonalDataKeys } from '@relais/privacy';
import { migrateWebhooks, openDatabase } from '@relais/service-kit';
import type pg from 'pg';
import type { NotifierConfig } from './config.js';
import { DeliveryOutbox, migrateNotifier } from './deliveries/delivery-outbox.js';
import { NOTIFIER_CONFIG } from './tokens.js';

/**
 * What the notifier reads and writes, ready before the consumer and the sender start and closed after
 * both stopped: the pool (the event log's, the webhooks', the keys' and its own schemas migrated), the
 * event log, the outbox of deliveries and the keys that open the personal fields of a body.
 */
@Injectable()
export class NotifierResources implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Notifier');
  private state:
    | { readonly pool: pg.Pool; readonly store: PostgresEventStore; readonly outbox: DeliveryOutbox; readonly keys: PersonalDataKeys }
    | undefined;

  constructor(@Inject(NOTIFIER_CONFIG) private readonly config: NotifierConfig) {}

  async onModuleInit(): Promise<void> {
    const pool = await openDatabase({
      url: this.config.databaseUrl,
      max: 10 + this.config.delivery.concurrency,
      applicationName: 'relais-notifier',
      logger: this.logger,
      migrate: [migrate, migrateWebhooks, migratePrivacy, migrateNotifier],
    });
    this.state = { pool, store: new PostgresEventStore(pool), outbox: new DeliveryOutbox(pool), keys: new PersonalDataKeys(pool) };
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

  get keys(): PersonalDataKeys {
    return this.ready.keys;
  }

  async onApplicationShutdown(): Promise<void> {
    const state = this.state;
    this.state = undefined;
    await state?.store.close();
    await state?.pool.end();
  }
}
