/**
 * The routing table of Relais: State endpoints and the rules that pick one for each transmission
 * (actes by département and arrondissement, PES files by accounting post), checked when read, kept
 * in a JSON file that operators edit without a rebuild or a restart.
 */
export {
  findEndpoint,
  MAX_WINDOW_SECONDS,
  nextWindowStart,
  windowStartOf,
  parseRoutingTable,
  routeActe,
  routePes,
  RoutingTableError,
  type Endpoint,
  type RoutingChannel,
  type RoutingRule,
  type RoutingTable,
  type TransmissionWindow,
} from './routing-table.js';
export {
  SIM_HTTP,
  type EndpointTransport,
  type ImapSettings,
  type MutualTlsSettings,
  type MutualTlsTransport,
  type SftpTransport,
  type SimHttpTransport,
} from './endpoint-transport.js';
export { RoutingTableSource, routingTablePath } from './routing-source.js';
