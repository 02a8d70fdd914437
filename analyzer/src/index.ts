export * from './config.js';
export * from './errors.js';
export * from './analyzer.js';
export * from './wiring.js';
export * from './main.js';
export { type AnalyzerFlowConfig, defaultAnalyzerFlowConfig } from './flows/config.js';
export type { FlowServer, FlowServerStatus } from './flows/flow-server.js';
export type { AnalyzerFlowSource } from './flows/query-source.js';
