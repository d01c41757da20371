import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, Module, type INestApplicationContext } from '@nestjs/common';
import { NestApplicationContextOptions } from '@nestjs/common/interfaces/nest-application-context-options.interface.js';
import { NestFactory } from '@nestjs/core';
import type { NatsConnection } from '@nats-io/transport-node';
import { createTestNamespace, type TestNamespace } from '@relais/testing';
import { IsInt, IsString, Min } from 'class-validator';
import { envelope, envelopeBytes, recordingLogger, TEST_LIMITS, waitFor } from '../../test/helpers.js';
import type { MessageContext } from '../consumer/message-context.js';
import { listDeadLetters } from '../dead-letter-admin.js';
import { JetStreamPublisher } from '../publish.js';
import { eventPattern, MessagingNames } from '../subjects.js';
import { JetStreamHandler } from './jetstream-handler.decorator.js';
import { MessagingModule } from './messaging.module.js';
import { NATS_CONNECTION } from './tokens.js';
import { validatedPayload } from './validated-payload.js';

class ActeReceivedV1 {
  @IsString()
  numero!: string;

  @IsInt()
  @Min(1)
  pages!: number;
}

@Injectable()
class ActesController {
  readonly received: { payload: ActeReceivedV1; context: MessageContext }[] = [];

  @JetStreamHandler({
    consumer: 'actes-projector',
    filterSubject: eventPattern('acte', 'ActeReceived'),
    decode: validatedPayload(ActeReceivedV1),
    maxDeliver: 3,
    backoffMs: [100],
  })
  async onActeReceived(payload: ActeReceivedV1, context: MessageContext): Promise<void> {
    this.received.push({ payload, context });
    return Promise.resolve();
  }
}

describe('MessagingModule', () => {
  let ns: TestNamespace;
  let app: INestApplicationContext;
  const logger = recordingLogger();

  beforeAll(async () => {
    ns = await createTestNamespace();
    @Module({
      imports: [MessagingModule.forRoot({ natsUrl: ns.natsUrl, namespace: ns.namespace, streamLimits: TEST_LIMITS, logger })],
      providers: [ActesController],
    })
    class AppModule {}
    app = await NestFactory.createApplicationContext(AppModule, Object.assign(new NestApplicationContextOptions(), { logger: false as const }));
  });
  afterAll(async () => {
    await ns.cleanup();
  });

  it('starts a durable consumer for each decorated method, which receives the decoded, validated payload', async () => {
    const names = app.get(MessagingNames);
    const event = envelope({ numero: 'A-2026-001', pages: 3 }, 'ActeReceived');
    await app.get(JetStreamPublisher).publish(names.event('acte', 'ActeReceived'), envelopeBytes(event), { msgId: event.eventId });
    const controller = app.get(ActesController);
    const [received] = await waitFor('the handler called', () => controller.received.length > 0 && controller.received);

    expect(received?.payload).toBeInstanceOf(ActeReceivedV1);
    expect(received?.payload).toEqual({ numero: 'A-2026-001', pages: 3 });
    expect(received?.context).toMatchObject({ messageId: event.eventId, consumer: 'actes-projector', deliveryCount: 1 });
    expect(logger.lines).toContain(`log Consumer ${names.durable('actes-projector')} started for ActesController.onActeReceived`);
  });

  it('sends a payload that fails validation to the dead-letter subject, without calling the handler', async () => {
    const names = app.get(MessagingNames);
    const invalid = envelope({ numero: 'A-2026-002', pages: 0, extra: true }, 'ActeReceived');
    await app.get(JetStreamPublisher).publish(names.event('acte', 'ActeReceived'), envelopeBytes(invalid), { msgId: invalid.eventId });
    const [letter] = await waitFor('the dead letter', async () => {
      const letters = await listDeadLetters(ns.nc, { namespace: ns.namespace, consumer: 'actes-projector' });
      return letters.length > 0 && letters;
    });

    expect(letter).toMatchObject({ reason: 'DECODE_FAILED', deliveryCount: 1, originalMsgId: invalid.eventId, errorCode: 'MESSAGING.DECODE_FAILED' });
    expect(letter?.error).toContain('pages must not be less than 1');
    expect(letter?.error).toContain('property extra should not exist');
    expect(app.get(ActesController).received.map((r) => r.context.messageId)).not.toContain(invalid.eventId);
  });

  it('stops its consumers and drains its connection on close', async () => {
    const nc = app.get<NatsConnection>(NATS_CONNECTION);
    await app.close();
    expect(nc.isClosed()).toBe(true);
  });
});
