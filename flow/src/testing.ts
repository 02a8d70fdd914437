// Test helpers other packages may use: a recording FlowQuerySource, a flow fixture, a recording flow sender,
// frames built byte by byte (two builder sets: `packetFrames` for the packet path, the BPF ones at top level)
// and sFlow v5 datagrams.
export * from './testing/fake-source.js';
export * from './testing/flow-fixture.js';
export * from './testing/engine.js';
export { RecordingSender } from './testing/frames.js';
export * as packetFrames from './testing/frames.js';
export * from './bpf/test-frames.js';
export * from './sflow/test-datagrams.js';
/** The shared packet traces (`../shared/data/pcap` beside the repository). */
export { trace, tracePath } from './test-support.js';
