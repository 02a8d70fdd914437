// Public API of the OVSDB probe and client.
export { OvsdbErrors } from './errors.js';
export { JsonStreamSplitter, type JsonStreamItem } from './json-stream.js';
export { parseOvsdbAddress, type OvsdbEndpoint } from './endpoint.js';
export { OvsdbClient, type MonitorRequestsSource } from './client.js';
export {
  defaultOvsdbClientConfig, type OvsdbClientConfig, type OvsdbClientDeps, type OvsdbClientStatus, type MonitorHandler,
} from './client-config.js';
export type { Row, RowUpdate, TableUpdates, MonitorRequests } from './values.js';
export { OvsdbTopology, OVSDB_TABLES, monitorRequests, type OvsdbTopologyDeps } from './topology.js';
export { OvsdbProbe, defaultOvsdbProbeConfig, type OvsdbProbeConfig, type OvsdbProbeDeps } from './probe.js';
