/**
 * The read models built from the event log, shared by their writer (the projector) and their readers
 * (the gateway): the shape of each view as API.md gives it, the pure function that folds events into
 * it, the tables' schema (`migrateReadModels`), and the queries readers run.
 */
export {
  DELIVERY_FAILED,
  evolveTransmissionView,
  type AcknowledgmentView,
  type ExchangeView,
  type EventMeta,
  type TransmissionView,
} from './transmissions/transmission-view.js';
export {
  getTransmission,
  listTransmissions,
  MAX_PAGE_SIZE,
  TransmissionQueryError,
  type ListTransmissionsQuery,
  type TransmissionPage,
} from './transmissions/transmission.queries.js';
export { migrateReadModels } from './migrations/migrate-read-models.js';
