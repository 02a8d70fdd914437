// Public API of the namespace helper, watcher and probe.
export * from './errors.js';
export * from './identity.js';
export * from './native.js';
export * from './watcher.js';
export * from './probe.js';
