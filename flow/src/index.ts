export * from './model/flow.js';
export * from './table/contract.js';
export * from './capture/contract.js';
export * from './query/contract.js';
export * from './store/contract.js';
export * from './transport.js';
export * from './errors.js';
