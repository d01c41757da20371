import { Module, type DynamicModule } from '@nestjs/common';
import { MessagingModule, type MessagingModuleOptions } from '@relais/messaging';
import { StuckAlertService } from './alerts/stuck-alert.service.js';
import type { NotifierConfig } from './config.js';
import { DeliverySender } from './deliveries/delivery-sender.js';
import { NotificationController } from './deliveries/notification.controller.js';
import { NotificationHandler } from './deliveries/notification.handler.js';
import { WebhookPresence } from './deliveries/webhook-presence.js';
import { NotifierReadiness } from './notifier.readiness.js';
import { NoticeController } from './notices/notice.controller.js';
import { NoticeHandler } from './notices/notice.handler.js';
import { NoticeSender } from './notices/notice-sender.js';
import { NotifierResources } from './notifier.resources.js';
import { PesRetourNotificationController } from './pes-retours/pes-retour-notification.controller.js';
import { PesRetourNotificationHandler } from './pes-retours/pes-retour-notification.handler.js';
import { NOTIFIER_CONFIG } from './tokens.js';

/** Messaging settings a test may tighten (small streams on a shared server). */
export type MessagingOverrides = Pick<MessagingModuleOptions, 'streamLimits' | 'logger'>;

/**
 * The notifier process: its checked settings, JetStream, the consumers of transmission events and of
 * PES_Retour arrivals, the outbox of deliveries and its sender, the stuck-transmission alerts, and the
 * named users' e-mail notices (their consumer, outbox and sender).
 */
@Module({})
export class AppModule {
  static forConfig(config: NotifierConfig, messaging: MessagingOverrides = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        MessagingModule.forRoot({ natsUrl: config.natsUrl, namespace: config.namespace, connectionName: 'relais-notifier', ...messaging }),
      ],
      providers: [
        { provide: NOTIFIER_CONFIG, useValue: config },
        NotifierResources,
        DeliverySender,
        WebhookPresence,
        NotificationHandler,
        NotificationController,
        PesRetourNotificationHandler,
        PesRetourNotificationController,
        NotifierReadiness,
        StuckAlertService,
        NoticeSender,
        NoticeHandler,
        NoticeController,
      ],
    };
  }
}
