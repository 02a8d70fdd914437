// A live libpcap capture on one interface of the calling thread's network namespace: opened synchronously (the
// caller may enter a namespace around open()), drained on the event loop in batches, frames fed to a PacketSink
// with the kernel's timestamp. An interface that disappears stops it with FLOW_CAPTURE_FAILED, never the process.
import type { AppError } from '@topoflow/common';
import { flowError, FlowErrors } from '../errors.js';
import type { PacketSink } from '../table/contract.js';
import { nativeCode, pcapAddon, type NativeLiveHandle, type NativeLiveStats } from './native.js';

/** How to open a live capture. */
export interface LiveCaptureOptions {
  /** Interface name in the calling thread's namespace. */
  device: string;
  /** Bytes kept per frame. */
  snaplen: number;
  /** Kernel filter (tcpdump syntax), '' for none. */
  filter: string;
  promiscuous: boolean;
  /** Kernel buffer (ring) size in bytes. */
  bufferSize: number;
  /** Longest wait before buffered frames are delivered (ms). */
  timeoutMs: number;
  /** Deliver every frame at once instead of in kernel blocks (more wake-ups, lower latency). */
  immediate: boolean;
  /** Size of the buffer frames are handed over in (bytes). */
  batchSize: number;
}

/** Defaults: a 4 MiB ring, blocks handed over at least every 100 ms, 256 KiB batches. */
export function defaultLiveCaptureOptions(device: string): LiveCaptureOptions {
  return { device, snaplen: 256, filter: '', promiscuous: true, bufferSize: 4 << 20, timeoutMs: 100, immediate: false, batchSize: 256 << 10 };
}

/** Callbacks of a running capture. */
export interface LiveCaptureHandlers {
  sink: PacketSink;
  /** The capture stopped on an error (the interface disappeared, or libpcap failed). */
  onError(err: AppError): void;
  /** A sink call threw: the frame is counted as dropped and the capture goes on. */
  onSinkError?(err: unknown): void;
}

/** One open libpcap handle. */
export class LiveCapture {
  readonly device: string;
  readonly linkType: number;
  readonly snaplen: number;
  readonly #handle: NativeLiveHandle;
  readonly #batchSize: number;
  #closed = false;
  #delivered = 0;
  #sinkErrors = 0;
  #lastStats: NativeLiveStats = { received: 0, dropped: 0 };

  private constructor(device: string, handle: NativeLiveHandle, batchSize: number) {
    const info = pcapAddon().liveInfo(handle);
    this.device = device;
    this.#handle = handle;
    this.#batchSize = batchSize;
    this.linkType = info.linkType;
    this.snaplen = info.snaplen;
  }

  /**
   * Opens and activates a capture in the calling thread's namespace, synchronously. Throws FLOW_BPF_INVALID for
   * a filter libpcap rejects, FLOW_CAPTURE_INTERFACE_NOT_FOUND, or FLOW_CAPTURE_OPEN_FAILED.
   */
  static open(options: LiveCaptureOptions): LiveCapture {
    const addon = pcapAddon();
    let handle: NativeLiveHandle;
    try {
      handle = addon.liveOpen(options.device, options.snaplen, options.promiscuous ? 1 : 0, options.timeoutMs,
        options.bufferSize, options.filter, options.immediate ? 1 : 0);
    } catch (err) {
      throw openError(options, err);
    }
    return new LiveCapture(options.device, handle, options.batchSize);
  }

  /** Starts feeding frames to `handlers.sink`. */
  start(handlers: LiveCaptureHandlers): void {
    const addon = pcapAddon();
    const batch = Buffer.alloc(this.#batchSize);
    const view = new DataView(batch.buffer, batch.byteOffset, batch.byteLength);
    const header = addon.LIVE_RECORD_HEADER;
    const { sink } = handlers;
    const linkType = this.linkType;
    addon.liveWatch(this.#handle, batch, (count, error) => {
      let off = 0;
      for (let i = 0; i < count && !this.#closed; i++) {
        const caplen = view.getUint32(off, true);
        try {
          sink.packet(batch, off + header, caplen, view.getUint32(off + 4, true), view.getFloat64(off + 8, true), linkType);
          this.#delivered++;
        } catch (err) {
          this.#sinkErrors++;
          handlers.onSinkError?.(err);
        }
        off += header + ((caplen + 7) & ~7);
      }
      if (error !== undefined && !this.#closed) handlers.onError(flowError(FlowErrors.CAPTURE_FAILED, `capture on ${this.device} failed: ${error}`, { details: { device: this.device, pcapError: error } }));
    });
  }

  /** Watches the handle again after an error (the interface went down and is back). */
  resume(): void {
    if (!this.#closed) pcapAddon().liveResume(this.#handle);
  }

  /** Frames handed to the sink. */
  get delivered(): number {
    return this.#delivered;
  }

  /** Frames whose sink call threw. */
  get sinkErrors(): number {
    return this.#sinkErrors;
  }

  /** libpcap's counters (frames that passed the kernel filter, frames the ring dropped); the last ones once closed. */
  stats(): NativeLiveStats {
    if (!this.#closed) {
      try {
        this.#lastStats = pcapAddon().liveStats(this.#handle);
      } catch {
        // the handle failed: keep the last counters read
      }
    }
    return { ...this.#lastStats };
  }

  /** Stops and closes; idempotent, and safe from inside the sink. */
  close(): void {
    if (this.#closed) return;
    this.stats();
    this.#closed = true;
    pcapAddon().liveClose(this.#handle);
  }
}

function openError(options: LiveCaptureOptions, err: unknown): AppError {
  const message = (err as Error).message;
  const details = { device: options.device, pcapError: message };
  switch (nativeCode(err)) {
    case 'PCAP_COMPILE':
      return flowError(FlowErrors.BPF_INVALID, `invalid BPF filter "${options.filter}": ${message}`, { details: { ...details, expression: options.filter } });
    case 'ENODEV':
      return flowError(FlowErrors.CAPTURE_INTERFACE_NOT_FOUND, `no interface ${options.device} to capture on`, { details });
    default:
      return flowError(FlowErrors.CAPTURE_OPEN_FAILED, `cannot capture on ${options.device}: ${message}`, { cause: err, details });
  }
}
