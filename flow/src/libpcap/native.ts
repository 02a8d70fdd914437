// Loads the flow package's libpcap addon (flow/native, built by `npm install`): BPF compilation, libpcap's own
// BPF interpreter (for tests) and live capture. Loaded on first use, so code that never needs it runs without it.
import { createRequire } from 'node:module';
import { flowError, FlowErrors } from '../errors.js';

/** Counters libpcap keeps for a live handle. */
export interface NativeLiveStats {
  received: number;
  dropped: number;
}

/** An opaque live capture handle. */
export type NativeLiveHandle = { readonly __brand: 'NativeLiveHandle' };

/** The functions the addon exports. */
export interface PcapAddon {
  bpfCompile(expression: string, linkType: number, snaplen: number, optimize: number): Buffer;
  bpfValidate(program: Buffer): boolean;
  bpfOfflineFilter(program: Buffer, packet: Buffer, caplen: number, wirelen: number): number;
  liveOpen(device: string, snaplen: number, promisc: number, timeoutMs: number, bufferSize: number, filter: string,
    immediate: number): NativeLiveHandle;
  liveInfo(h: NativeLiveHandle): { linkType: number; snaplen: number };
  liveWatch(h: NativeLiveHandle, batch: Buffer, callback: (count: number, error: string | undefined) => void): void;
  liveResume(h: NativeLiveHandle): void;
  liveStats(h: NativeLiveHandle): NativeLiveStats;
  liveClose(h: NativeLiveHandle): void;
  readonly LIVE_RECORD_HEADER: number;
}

/** Where `npm install` builds the addon, relative to this file in dist/libpcap/. */
const ADDON_PATH = '../../native/build/Release/topoflow_pcap.node';

let loaded: PcapAddon | Error | undefined;

/** The addon; throws FLOW_NATIVE_MISSING when it is not built. */
export function pcapAddon(): PcapAddon {
  if (loaded === undefined) {
    try {
      loaded = createRequire(import.meta.url)(ADDON_PATH) as PcapAddon;
    } catch (err) {
      loaded = err as Error;
    }
  }
  if (loaded instanceof Error) {
    throw flowError(FlowErrors.NATIVE_MISSING, 'the libpcap addon of @topoflow/flow is not built: run npm install', {
      cause: loaded, details: { path: new URL(ADDON_PATH, import.meta.url).pathname },
    });
  }
  return loaded;
}

/** True when the addon is built and loadable. */
export function pcapAddonAvailable(): boolean {
  try {
    pcapAddon();
    return true;
  } catch {
    return false;
  }
}

/** The `code` a native call attached to its error ('' when none). */
export function nativeCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}
