// Test helpers other packages may use: the graph and history conformance suites.
export { describeGraphConformance, recordEvents, type GraphFactory } from './conformance/graph-conformance.js';
export { describeHistoryConformance, RecordedGraph, revisionsOf, type HistoryHarness } from './conformance/history-conformance.js';
