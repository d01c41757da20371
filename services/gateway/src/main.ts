import 'reflect-metadata';
import { createGateway } from './app.factory.js';
import { readConfig } from './config.js';

process.title = 'relais-gateway';
const config = readConfig();
const app = await createGateway(config);
app.enableShutdownHooks();
await app.listen(config.port);
