// Error codes of the namespace helper, watcher and probe.

/** Error codes of `probes/netns`. */
export const NetnsErrors = {
  /** The native addon is not built (run `npm ci`). */
  ADDON_MISSING: 'PROBES_NETNS_ADDON_MISSING',
  /** Opening a namespace file or entering a namespace failed. */
  ENTER_FAILED: 'PROBES_NETNS_ENTER_FAILED',
  /** Returning to the original namespace failed: the thread is in the wrong namespace. */
  RESTORE_FAILED: 'PROBES_NETNS_RESTORE_FAILED',
  /** A callback given to withNetns returned a promise; only synchronous work may run inside a namespace. */
  ASYNC_CALLBACK: 'PROBES_NETNS_ASYNC_CALLBACK',
  /** Opening a socket inside a namespace failed. */
  SOCKET_FAILED: 'PROBES_NETNS_SOCKET_FAILED',
  /** The probe's configuration is invalid. */
  CONFIG_INVALID: 'PROBES_NETNS_CONFIG_INVALID',
  /** The host node the namespaces hang from is not in the graph. */
  HOST_MISSING: 'PROBES_NETNS_HOST_MISSING',
} as const;
