import { Module, type DynamicModule } from '@nestjs/common';
import type { AuditConfig } from './config.js';
import { SealerService } from './seals/sealer.service.js';
import { AUDIT_CONFIG } from './tokens.js';

/** The audit process: its checked settings and the sealer. */
@Module({})
export class AppModule {
  static forConfig(config: AuditConfig): DynamicModule {
    return { module: AppModule, providers: [{ provide: AUDIT_CONFIG, useValue: config }, SealerService] };
  }
}
