/**
 * Wire contracts of Relais: the TypeScript generated from proto/ (never hand-written; regenerate with
 * `npm run proto:gen`), the lists of event and command schemas, and the protobuf runtime functions
 * that go with them.
 */
export * from './gen/relais/transmission/v1/values_pb.js';
export * from './gen/relais/transmission/v1/events_pb.js';
export * from './gen/relais/transmission/v1/commands_pb.js';
/** Version 2 of the events whose shape changed (docs/event-versioning.md): names shared with v1, hence a namespace. */
export * as v2 from './gen/relais/transmission/v2/events_pb.js';
export * from './gen/relais/collectivite/v1/events_pb.js';
export * from './gen/relais/pes/v1/events_pb.js';
export * from './gen/relais/admin/v1/events_pb.js';
export * from './schemas.js';
/*
 * The runtime is re-exported so that every consumer works with the very version the code was
 * generated for (runtime and plugin must stay at the same release), through this one entry point.
 */
export {
  create,
  fromBinary,
  fromJson,
  toBinary,
  toJson,
  type DescMessage,
  type JsonObject,
  type JsonValue,
  type Message,
  type MessageInitShape,
  type MessageShape,
  type Registry,
} from '@bufbuild/protobuf';
export { timestampDate, timestampFromDate, type Timestamp } from '@bufbuild/protobuf/wkt';
