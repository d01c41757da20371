/**
 * What every Relais service shares: its settings from the environment, the transmission command
 * handler over the event log (load, decide, append under optimistic concurrency), the streams and
 * subjects of transmission events, collectivités' registrations, readiness over NATS, and a service's
 * database pool opened with its schemas migrated.
 */
export { readServiceConfig, readServiceSettings, redactedUrl, SettingsReader, type ServiceConfig } from './config.js';
export {
  decodeTransmissionEvent,
  TRANSMISSION_CATEGORY,
  transmissionEvents,
  transmissionStreamId,
  transmissionSubjectToken,
  transmissionWireType,
} from './transmission-stream.js';
export {
  deterministicUuid,
  TransmissionCommands,
  type ExecuteOptions,
  type ExecuteResult,
  type LoadedTransmission,
  type TransmissionCommandsOptions,
} from './transmission-commands.js';
export {
  COLLECTIVITE_CATEGORY,
  COLLECTIVITE_REGISTERED,
  CollectiviteExistsError,
  collectiviteFromData,
  collectiviteStreamId,
  loadCollectivite,
  registerCollectivite,
  type Collectivite,
  type HeliosBudget,
} from './collectivites.js';
export { askHealth, PLATFORM_SERVICES, serveHealth, type HealthReport, type HealthWarning, type ReadinessCheck, type ReadinessDetail } from './health.js';
export { openDatabase, type OpenDatabaseOptions } from './database.js';
export { stopOnSignals, type Stoppable, type StopOnSignalsOptions } from './shutdown.js';
export {
  addressRange,
  ipv4Range,
  isPublicAddress,
  resolvedAddressProblem,
  WEBHOOK_ADDRESS_NOT_ALLOWED,
  webhookHostProblem,
  type AddressRange,
} from './webhook-address.js';
export {
  activeWebhooks,
  anyActiveWebhook,
  createWebhook,
  CreateWebhooks1764500000000,
  deleteWebhook,
  listWebhooks,
  MAX_WEBHOOKS_PER_COLLECTIVITE,
  migrateWebhooks,
  type ActiveWebhook,
  type Webhook,
} from './webhooks.js';
export {
  ClassificationCommands,
  CollectiviteNotFoundError,
  collectiviteEvents,
  decodeClassificationEvent,
  type LoadedClassification,
} from './classifications.js';
export { ClassificationCatalogues, type CurrentClassification } from './classification-catalogues.js';
export {
  listPesRetours,
  PES_RETOUR_RECEIVED,
  PES_RETOURS_CATEGORY,
  pesRetourEvents,
  pesRetourFromData,
  pesRetoursStreamId,
  recordPesRetour,
  type PesRetour,
} from './pes-retours.js';
