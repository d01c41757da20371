import { Module, type DynamicModule } from '@nestjs/common';
import { MessagingModule, type MessagingModuleOptions } from '@relais/messaging';
import type { ValidatorConfig } from './config.js';
import { FileChecks } from './file-checks/file-checks.js';
import { PesValidation } from './pes/pes-validation.js';
import { VALIDATOR_CONFIG } from './tokens.js';
import { ValidationController } from './validation/validation.controller.js';
import { ValidationHandler } from './validation/validation.handler.js';
import { ValidatorReadiness } from './validator.readiness.js';
import { ValidatorResources } from './validator.resources.js';

/** Messaging settings a test may tighten (small streams on a shared server). */
export type MessagingOverrides = Pick<MessagingModuleOptions, 'streamLimits' | 'logger'>;

/** The validator process: its checked settings, JetStream, and the validation of received actes and PES files. */
@Module({})
export class AppModule {
  static forConfig(config: ValidatorConfig, messaging: MessagingOverrides = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        MessagingModule.forRoot({
          natsUrl: config.natsUrl,
          namespace: config.namespace,
          connectionName: 'relais-validator',
          ...messaging,
        }),
      ],
      providers: [
        { provide: VALIDATOR_CONFIG, useValue: config },
        ValidatorResources,
        PesValidation,
        FileChecks,
        ValidationHandler,
        ValidationController,
        ValidatorReadiness,
      ],
    };
  }
}
