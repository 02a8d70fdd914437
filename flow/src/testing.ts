// Test helpers other packages may use: a recording FlowQuerySource, a flow fixture, frames built byte by byte
// and sFlow v5 datagrams.
export * from './testing/fake-source.js';
export * from './testing/flow-fixture.js';
export * from './testing/engine.js';
export * from './bpf/test-frames.js';
export * from './sflow/test-datagrams.js';
