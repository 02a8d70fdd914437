export * from './model/flow.js';
export * from './model/fields.js';
export * from './model/set.js';
export * from './model/metric.js';
export * from './model/capture-types.js';
export * from './table/contract.js';
export * from './capture/contract.js';
export * from './query/contract.js';
export * from './store/contract.js';
export * from './transport.js';
export * from './errors.js';
export { flowExtension } from './gremlin/extension.js';
export { DEFAULT_FLOW_EXPIRE_MS, type FlowExtensionDeps } from './gremlin/source.js';
export {
  FlowResultKinds, FLOW_RESULT_KINDS, isRawPacketsResult, type FlowsData, type FlowMetricsData, type RawPacketsData,
  type FlowGroupsData,
} from './gremlin/kinds.js';
export { writePcap, rawPacketsToPcap, PCAP_MAGIC, PCAP_SNAPLEN, LINKTYPE_RAW } from './gremlin/pcap.js';
export { DEFAULT_AGGREGATE_SECONDS, MAX_AGGREGATE_BUCKETS, AGGREGATED } from './gremlin/metrics.js';
export * from './bpf/program.js';
export * from './bpf/vm.js';
export * from './bpf/filter.js';
export * from './bpf/sink.js';
export { pcapAddonAvailable } from './libpcap/native.js';
export * from './libpcap/live-capture.js';
export * from './sflow/records.js';
export * from './sflow/decoder.js';
export * from './sflow/metrics.js';
