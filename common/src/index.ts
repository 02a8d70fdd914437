export * from './errors.js';
export * from './duration.js';
export * from './time.js';
export * from './address.js';
export * from './config.js';
export * from './lifecycle.js';
export * from './reporter.js';
export * from './service.js';
