import type { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestApplicationContextOptions } from '@nestjs/common/interfaces/nest-application-context-options.interface.js';
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
    Object.assign(new NestApplicationContextOptions(), { ...(options.logger === undefined ? {} : { logger: options.logger }) }),
  );
  (app.getHttpAdapter().getInstance() as { disable(setting: string): void }).disable('x-powered-by');
  return app;
}
