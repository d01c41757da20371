import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { migrate, PostgresEventStore } from '@relais/event-store';
import { RoutingTableSource } from '@relais/routing';
import { openDatabase, TransmissionCommands } from '@relais/service-kit';
import type pg from 'pg';
import type { RouterConfig } from './config.js';
import { ROUTER_CONFIG } from './tokens.js';

/**
 * What the router reads and writes, ready before any consumer starts and closed after every consumer
 * stopped: the pool, the event log and the routing table file (read again whenever it changes).
 */
@Injectable()
export class RouterResources implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Router');
  readonly routing: RoutingTableSource;
  private state: { readonly pool: pg.Pool; readonly store: PostgresEventStore; readonly commands: TransmissionCommands } | undefined;

  constructor(@Inject(ROUTER_CONFIG) private readonly config: RouterConfig) {
    this.routing = new RoutingTableSource(config.routingFile);
  }

  async onModuleInit(): Promise<void> {
    const pool = await openDatabase({ url: this.config.databaseUrl, max: 18, applicationName: 'relais-router', logger: this.logger, migrate: [migrate] });
    const store = new PostgresEventStore(pool);
    this.state = { pool, store, commands: new TransmissionCommands(store) };
    // A broken table does not stop the process: an operator fixes the file, the next message uses it.
    await this.routing.current().then(
      (table) => { this.logger.log(`routing table ${this.config.routingFile}: ${table.rules.length.toString()} rules`); },
      (error: unknown) => { this.logger.error(`routing table ${this.config.routingFile} unusable: ${String(error)}`); },
    );
  }

  private get ready(): NonNullable<RouterResources['state']> {
    if (this.state === undefined) throw new Error('router resources used before module init');
    return this.state;
  }

  get pool(): pg.Pool {
    return this.ready.pool;
  }

  get store(): PostgresEventStore {
    return this.ready.store;
  }

  get commands(): TransmissionCommands {
    return this.ready.commands;
  }

  async onApplicationShutdown(): Promise<void> {
    const state = this.state;
    this.state = undefined;
    await state?.store.close();
    await state?.pool.end();
  }
}
