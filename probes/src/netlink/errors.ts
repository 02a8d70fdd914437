// Error codes of the netlink probe.

/** Error codes of `probes/netlink`. */
export const NetlinkErrors = {
  /** The native addon is not built or predates the netlink functions (run `npm ci`). */
  ADDON_MISSING: 'PROBES_NETLINK_ADDON_MISSING',
  /** A netlink socket operation (open, bind, setsockopt, send, receive, watch) failed. */
  SOCKET_FAILED: 'PROBES_NETLINK_SOCKET_FAILED',
  /** The probe's configuration is invalid. */
  CONFIG_INVALID: 'PROBES_NETLINK_CONFIG_INVALID',
  /** The host node the root namespace's interfaces hang from is not in the graph. */
  HOST_MISSING: 'PROBES_NETLINK_HOST_MISSING',
  /** The initial dump of a namespace did not finish in time. */
  SYNC_TIMEOUT: 'PROBES_NETLINK_SYNC_TIMEOUT',
  /** The probe stopped, or the namespace was removed, before its initial dump ended. */
  STOPPED: 'PROBES_NETLINK_STOPPED',
} as const;
