// Test helpers other packages may use: the graph and history conformance suites, a private PostgreSQL server.
export { describeGraphConformance, recordEvents, type GraphFactory } from './conformance/graph-conformance.js';
export { describeHistoryConformance, RecordedGraph, revisionsOf, type HistoryHarness } from './conformance/history-conformance.js';
export { startTestPostgres, type TestPostgres, type TestPostgresOptions } from './history/postgres/test-server.js';
