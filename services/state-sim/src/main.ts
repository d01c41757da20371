import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { RequestListener } from 'node:http';
import { AppModule } from './app.module.js';
import { listenMutualTls } from './channels/tls-listener.js';
import { readConfig } from './config.js';

process.title = 'relais-state-sim';
const config = readConfig();
const app = await NestFactory.create(AppModule.forConfig(config));
// The simulator plays the State, outside Relais: Nest's own hooks, exiting 0 once closed (not
// re-raising the signal, which would read as a crash).
app.enableShutdownHooks([], { useProcessExit: true });
await app.listen(config.port);
if (config.tls !== undefined) {
  // The same routes over HTTPS for clients with a certificate of the configured CA: @ctes as the ministry runs it.
  const { port } = await listenMutualTls(config.tls, app.getHttpAdapter().getInstance() as RequestListener);
  console.log(`relais-state-sim: the ministry's HTTPS face listens on https://127.0.0.1:${port.toString()} (client certificates required)`);
}
