import { Module, type DynamicModule } from '@nestjs/common';
import type { AuditConfig } from './config.js';
import { AuditLoopService } from './audit-loop.service.js';
import { AUDIT_CONFIG } from './tokens.js';

/** The audit process: its checked settings and its loop (seals, retention). */
@Module({})
export class AppModule {
  static forConfig(config: AuditConfig): DynamicModule {
    return { module: AppModule, providers: [{ provide: AUDIT_CONFIG, useValue: config }, AuditLoopService] };
  }
}
