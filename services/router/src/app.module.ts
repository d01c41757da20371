import { Module, type DynamicModule } from '@nestjs/common';
import { MessagingModule, type MessagingModuleOptions } from '@relais/messaging';
import type { RouterConfig } from './config.js';
import { RouterReadiness } from './router.readiness.js';
import { RouterResources } from './router.resources.js';
import { RoutingController } from './routing/routing.controller.js';
import { RoutingHandler } from './routing/routing.handler.js';
import { ROUTER_CONFIG } from './tokens.js';

/** Messaging settings a test may tighten (small streams on a shared server). */
export type MessagingOverrides = Pick<MessagingModuleOptions, 'streamLimits' | 'logger'>;

/** The router process: its checked settings, JetStream, and the routing of validated transmissions. */
@Module({})
export class AppModule {
  static forConfig(config: RouterConfig, messaging: MessagingOverrides = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        MessagingModule.forRoot({ natsUrl: config.natsUrl, namespace: config.namespace, connectionName: 'relais-router', ...messaging }),
      ],
      providers: [{ provide: ROUTER_CONFIG, useValue: config }, RouterResources, RoutingHandler, RoutingController, RouterReadiness],
    };
  }
}
