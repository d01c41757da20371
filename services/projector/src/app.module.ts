import { Module, type DynamicModule } from '@nestjs/common';
import type { ProjectorConfig } from './config.js';
import { ProjectorService } from './transmissions/projector.service.js';
import { PROJECTOR_CONFIG } from './tokens.js';

/** The projector process: its checked settings and the projection loop. */
@Module({})
export class AppModule {
  static forConfig(config: ProjectorConfig): DynamicModule {
    return { module: AppModule, providers: [{ provide: PROJECTOR_CONFIG, useValue: config }, ProjectorService] };
  }
}
