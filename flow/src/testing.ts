// Test helpers other packages use: frames built byte by byte and sFlow v5 datagrams.
export * from './bpf/test-frames.js';
export * from './sflow/test-datagrams.js';
