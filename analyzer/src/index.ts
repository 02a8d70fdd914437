export * from './config.js';
export * from './errors.js';
export * from './analyzer.js';
export * from './wiring.js';
export * from './main.js';
