import { Module, type DynamicModule } from '@nestjs/common';
import type { RelayConfig } from './config.js';
import { RelayService } from './relay/relay.service.js';
import { RELAY_CONFIG } from './tokens.js';

/** The relay process: its checked settings and the relay itself. */
@Module({})
export class AppModule {
  static forConfig(config: RelayConfig): DynamicModule {
    return { module: AppModule, providers: [{ provide: RELAY_CONFIG, useValue: config }, RelayService] };
  }
}
