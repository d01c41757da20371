import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { MessagingModule } from '@relais/messaging';
import { ActesController } from './actes/actes.controller.js';
import { IdempotencyRepository } from './actes/idempotency.repository.js';
import { SubmitActeHandler } from './actes/submit-acte.handler.js';
import { AnnulationController } from './annulation/annulation.controller.js';
import { AnnulationHandler } from './annulation/annulation.handler.js';
import { TokensController } from './auth/tokens.controller.js';
import { OidcController } from './oidc/oidc.controller.js';
import { CollectiviteAdminController, UsersAdminController } from './users/users.controller.js';
import { UserRepository } from './users/user.repository.js';
import { UsersService } from './users/users.service.js';
import { NoticesController } from './notices/notices.controller.js';
import { NoticePreferencesRepository } from './notices/notice-preferences.repository.js';
import { GroupsAdminController } from './groups/groups.controller.js';
import { GroupRepository } from './groups/group.repository.js';
import { GroupsService } from './groups/groups.service.js';
import { AdminController } from './admin/admin.controller.js';
import { ArchiveImportController } from './archive-import/archive-import.controller.js';
import { AuditController } from './audit/audit.controller.js';
import { AuditReader } from './audit/audit.reader.js';
import { AdminBootstrapService } from './auth/admin-bootstrap.service.js';
import { AuthFailureLimiter } from './auth/auth-failures.js';
import { AuthGuard } from './auth/auth.guard.js';
import { ClassificationController } from './classification/classification.controller.js';
import { ClassificationHandler } from './classification/classification.handler.js';
import type { Clock } from './auth/rate-limiter.js';
import { TokenRepository } from './auth/token.repository.js';
import type { GatewayConfig } from './config.js';
import { DeadLettersController } from './dead-letters/dead-letters.controller.js';
import { DeadLettersHandler } from './dead-letters/dead-letters.handler.js';
import { DocumentsController } from './documents/documents.controller.js';
import { ApiExceptionFilter } from './errors/api-exception.filter.js';
import { ExchangesController } from './exchanges/exchanges.controller.js';
import { ReplyHandler } from './exchanges/reply.handler.js';
import { HealthController } from './health/health.controller.js';
import { HealthService } from './health/health.service.js';
import { DatabasePressureGuard, WorkloadGuard } from './load/load-shedding.guard.js';
import { GatewayMetrics } from './metrics/gateway-metrics.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { OpenApiController } from './openapi/openapi.controller.js';
import { ShredPersonalDataController } from './personal-data/shred-personal-data.controller.js';
import { PesRetoursController } from './pes/pes-retours.controller.js';
import { PesRetoursReader } from './pes/pes-retours.reader.js';
import { PesController } from './pes/pes.controller.js';
import { SubmitPesHandler } from './pes/submit-pes.handler.js';
import { platformProviders } from './platform/platform.providers.js';
import { CLOCK, GATEWAY_CONFIG } from './tokens.js';
import { StatsController } from './stats/stats.controller.js';
import { TransmissionsController } from './transmissions/transmissions.controller.js';
import { TransmissionsReader } from './transmissions/transmissions.reader.js';
import { WebhooksController } from './webhooks/webhooks.controller.js';
import { DashboardController } from './web/dashboard.controller.js';
import { LiveController } from './web/live/live.controller.js';
import { StatsFeed } from './web/live/stats-feed.js';
import { HttpDrain } from './shutdown/http-drain.js';
import { SessionRepository } from './web/session.repository.js';
import { SigninController } from './web/signin.controller.js';
import { WebAssets } from './web/web-assets.js';

/** What a test may put in place of the real thing. */
export interface GatewayOverrides {
  /** The rate limiter's clock (the system clock by default). */
  readonly clock?: Clock;
}

const systemClock: Clock = { now: () => new Date() };

/**
 * The gateway process: its checked settings, storage (migrated before use), NATS for health, the
 * token guard on every route, one error shape for every failure, and the API's controllers.
 */
@Module({})
export class AppModule {
  static forConfig(config: GatewayConfig, overrides: GatewayOverrides = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        // The OpenAPI document reads the guard's roles of every route from the controllers it finds.
        DiscoveryModule,
        MessagingModule.forRoot({
          natsUrl: config.natsUrl,
          namespace: config.namespace,
          connectionName: `relais-gateway-${config.namespace}`,
          // The gateway neither publishes to nor consumes the JetStream streams.
          ensureStreams: false,
        }),
      ],
      controllers: [
        AdminController,
        TokensController,
        UsersAdminController,
        CollectiviteAdminController,
        NoticesController,
        GroupsAdminController,
        ActesController,
        AnnulationController,
        ExchangesController,
        ArchiveImportController,
        PesController,
        PesRetoursController,
        TransmissionsController,
        StatsController,
        AuditController,
        DocumentsController,
        ClassificationController,
        HealthController,
        MetricsController,
        OpenApiController,
        WebhooksController,
        DeadLettersController,
        ShredPersonalDataController,
        SigninController,
        OidcController,
        DashboardController,
        LiveController,
      ],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: CLOCK, useValue: overrides.clock ?? systemClock },
        ...platformProviders,
        TokenRepository,
        UserRepository,
        UsersService,
        NoticePreferencesRepository,
        GroupRepository,
        GroupsService,
        AuthFailureLimiter,
        AdminBootstrapService,
        IdempotencyRepository,
        SubmitActeHandler,
        SubmitPesHandler,
        PesRetoursReader,
        AnnulationHandler,
        ReplyHandler,
        ClassificationHandler,
        TransmissionsReader,
        AuditReader,
        HealthService,
        GatewayMetrics,
        SessionRepository,
        WebAssets,
        StatsFeed,
        DeadLettersHandler,
        HttpDrain,
        // Global guards run in this order: load is shed before the token is looked up in the
        // database, so that a refusal under overload costs no query.
        { provide: APP_GUARD, useClass: DatabasePressureGuard },
        { provide: APP_GUARD, useClass: WorkloadGuard },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
      ],
    };
  }
}
