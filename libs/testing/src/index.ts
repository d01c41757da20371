/**
 * Test helpers for every layer: the servers (a database and a NATS namespace per test, from
 * DATABASE_URL/NATS_URL or testcontainers), given/when/then for deciders and projections, a fake clock.
 */
export { testServers, type TestServers } from './servers.js';
export { createTestDatabase, tolerateDrop, withDatabase, type TestDatabase } from './database.js';
export { createTestNamespace, type TestNamespace } from './nats.js';
export { FakeClock, type Clock } from './clock.js';
export { checkPdf, makePdf, minimalPdf, type PdfCheck, type PdfSpec } from './pdf.js';
export { actesSchemaErrors } from './actes-xsd.js';
export {
  DeciderSpecification,
  ProjectionSpecification,
  type DeciderLike,
  type ProjectionLike,
} from './specification.js';
export { retourClassificationXml } from './classification.js';
export { ackLatencyFromLog, STATUS_EVENT_TYPES, statusCountsFromLog, statusCountsOf, type StatusCounts } from './log-figures.js';
export { waitUntilReadable } from './readable.js';
export {
  DEFAULT_FUZZ_RUNS,
  DEFAULT_FUZZ_SEED,
  fuzz,
  fuzzRuns,
  fuzzSeed,
  hostileXmlFragments,
  junkBytes,
  mutatedBytes,
  refusedWithCode,
  xmlWithInjection,
  type FuzzOptions,
  type FuzzVolume,
} from './fuzz.js';
export { freePort } from './ports.js';
