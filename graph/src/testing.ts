// Test helpers other packages may use: the graph conformance suite.
export { describeGraphConformance, recordEvents, type GraphFactory } from './conformance/graph-conformance.js';
