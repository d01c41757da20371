import { Module, type DynamicModule } from '@nestjs/common';
import { readFileSync } from 'node:fs';

import { ImapBridge } from './channels/imap-bridge.js';
import { SftpBridge } from './channels/sftp-bridge.js';
import { DEFAULT_CLASSIFICATION_FILE, type StateSimConfig } from './config.js';
import { type Classification, parseClassification } from './sim/classification.catalogue.js';
import { PesController } from './sim/pes.controller.js';
import { SimController } from './sim/sim.controller.js';
import { SimService } from './sim/sim.service.js';
import { STATE_SIM_CLASSIFICATION, STATE_SIM_CONFIG } from './tokens.js';

/** The platform's default classification, read and checked once at start-up. */
function defaultClassification(): Classification {
  return parseClassification(JSON.parse(readFileSync(DEFAULT_CLASSIFICATION_FILE, 'utf8')) as unknown, DEFAULT_CLASSIFICATION_FILE);
}

/** The State simulator: its checked settings, the préfecture's classification, the simulated préfecture and DGFiP and their HTTP faces. */
@Module({})
export class AppModule {
  static forConfig(config: StateSimConfig): DynamicModule {
    return {
      module: AppModule,
      controllers: [SimController, PesController],
      providers: [
        { provide: STATE_SIM_CONFIG, useValue: config },
        { provide: STATE_SIM_CLASSIFICATION, useFactory: defaultClassification },
        SimService,
        SftpBridge,
        ImapBridge,
      ],
    };
  }
}
