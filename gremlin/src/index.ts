export * from './contract.js';
export * from './engine.js';
