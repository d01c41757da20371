import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { readConfig } from './config.js';

process.title = 'relais-audit';
const app = await NestFactory.createApplicationContext(AppModule.forConfig(readConfig()));
app.enableShutdownHooks();
