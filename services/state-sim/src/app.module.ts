import { Module, type DynamicModule } from '@nestjs/common';

import type { StateSimConfig } from './config.js';
import { SimController } from './sim/sim.controller.js';
import { SimService } from './sim/sim.service.js';
import { STATE_SIM_CONFIG } from './tokens.js';

/** The State simulator: its checked settings, the simulated ministry and its HTTP face. */
@Module({})
export class AppModule {
  static forConfig(config: StateSimConfig): DynamicModule {
    return {
      module: AppModule,
      controllers: [SimController],
      providers: [{ provide: STATE_SIM_CONFIG, useValue: config }, SimService],
    };
  }
}
