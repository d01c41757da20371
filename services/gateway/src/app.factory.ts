import type { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestApplicationContextOptions } from '@nestjs/common/interfaces/nest-application-context-options.interface.js';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule, type GatewayOverrides } from './app.module.js';
import type { GatewayConfig } from './config.js';
import { securityHeaders } from './security/security-headers.js';
import { applyHttpLimits } from './load/http-limits.js';
import { HttpDrain } from './shutdown/http-drain.js';

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
  // Before the body parsers and the routes: every answer, even a refusal or a 404, carries them.
  app.use(securityHeaders);
  // First in the chain: once the gateway stops, a new request is refused before any body is parsed.
  app.use(app.get(HttpDrain).middleware);
  applyHttpLimits(app as NestExpressApplication, config.limits);
  return app;
}
