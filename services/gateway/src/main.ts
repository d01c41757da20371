import 'reflect-metadata';
import { stopOnSignals } from '@relais/service-kit';
import { createGateway } from './app.factory.js';
import { readConfig } from './config.js';

process.title = 'relais-gateway';
const config = readConfig();
const app = await createGateway(config);
stopOnSignals(app);
await app.listen(config.port);
