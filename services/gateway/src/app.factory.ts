import type { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule, type GatewayOverrides } from './app.module.js';
import type { GatewayConfig } from './config.js';

/** Options of {@link createGateway}. */
export interface CreateGatewayOptions extends GatewayOverrides {
  readonly logger?: LoggerService | LogLevel[] | false;
}

/** The gateway's Nest application on Express, ready to `listen`. */
export async function createGateway(config: GatewayConfig, options: CreateGatewayOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create(
    AppModule.forConfig(config, options),
    // Nest declares its options as a class of plain data; a literal is how its own docs pass them.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
    { ...(options.logger === undefined ? {} : { logger: options.logger }) },
  );
  (app.getHttpAdapter().getInstance() as { disable(setting: string): void }).disable('x-powered-by');
  return app;
}
