// Public API of the netlink probe.
export * from './errors.js';
export * from './probe.js';
export { type NamespaceTarget } from './namespace.js';
export { NetlinkSocket, RTNLGRP, type NetlinkSocketOptions } from './socket.js';
