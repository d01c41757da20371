import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { stopOnSignals } from '@relais/service-kit';
import { AppModule } from './app.module.js';
import { readConfig } from './config.js';

process.title = 'relais-audit';
const app = await NestFactory.createApplicationContext(AppModule.forConfig(readConfig()));
stopOnSignals(app);
