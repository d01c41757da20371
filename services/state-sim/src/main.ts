import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { readConfig } from './config.js';

process.title = 'relais-state-sim';
const config = readConfig();
const app = await NestFactory.create(AppModule.forConfig(config));
app.enableShutdownHooks();
await app.listen(config.port);
