/**
 * `node bench/dist/event-store.main.js [--quick]`: the event-store benchmark alone, printed as JSON
 * (`npm run bench` runs every benchmark).
 */
import { benchEventStore } from './event-store.bench.js';

const databaseUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const results = await benchEventStore({ databaseUrl, quick: process.argv.includes('--quick') });
console.log(JSON.stringify(results, null, 2));
