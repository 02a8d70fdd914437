export * from './topology/ids.js';
export * from './topology/links.js';
export * from './topology/probe.js';
export * from './netns/index.js';
export * from './netlink/index.js';
export * from './ovsdb/index.js';
