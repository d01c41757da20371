import { Module, type DynamicModule } from '@nestjs/common';
import { MessagingModule } from '@relais/messaging';
import { Packager } from './archives/packager.js';
import { StateChannels } from './channels/state-channels.js';
import { CancellationConsumer } from './cancellations/cancellation.consumer.js';
import { CancellationHandler } from './cancellations/cancellation.handler.js';
import { ClassificationRequestConsumer } from './classifications/classification-request.consumer.js';
import { ClassificationRequestHandler } from './classifications/classification-request.handler.js';
import type { TransmitterConfig } from './config.js';
import { TransmitterResources } from './database/transmitter-resources.js';
import { DeliveryConsumer } from './delivery/delivery.consumer.js';
import { DeliveryHandler } from './delivery/delivery.handler.js';
import { ExchangeReplyConsumer } from './exchanges/exchange-reply.consumer.js';
import { ExchangeReplyHandler } from './exchanges/exchange-reply.handler.js';
import { HealthService } from './health/health.service.js';
import { MessageSender } from './messages/message-sender.js';
import { PesPackager } from './pes/pes-packager.js';
import { PesReturnRecorder } from './pes-returns/pes-return.handler.js';
import { PesReturnPoller } from './pes-returns/pes-return-poller.js';
import { ReplyRecorder } from './replies/reply.handler.js';
import { ReplyPoller } from './replies/reply-poller.js';
import { TRANSMITTER_CONFIG } from './tokens.js';

/**
 * The transmitter process: its checked settings, messaging, delivery of routed actes and PES files, the
 * messages sent after actes (6-1, answers to letters) and the 7-1 classification requests, the @ctes
 * mailbox poller, the Hélios returns poller, health.
 */
@Module({})
export class AppModule {
  static forConfig(config: TransmitterConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        MessagingModule.forRoot({
          natsUrl: config.natsUrl,
          namespace: config.namespace,
          connectionName: `relais-transmitter-${config.namespace}`,
          ...(config.streamLimits === undefined ? {} : { streamLimits: config.streamLimits }),
        }),
      ],
      providers: [
        { provide: TRANSMITTER_CONFIG, useValue: config },
        TransmitterResources,
        StateChannels,
        Packager,
        PesPackager,
        DeliveryHandler,
        DeliveryConsumer,
        MessageSender,
        CancellationHandler,
        CancellationConsumer,
        ExchangeReplyHandler,
        ExchangeReplyConsumer,
        ClassificationRequestHandler,
        ClassificationRequestConsumer,
        ReplyRecorder,
        ReplyPoller,
        PesReturnRecorder,
        PesReturnPoller,
        HealthService,
      ],
    };
  }
}
