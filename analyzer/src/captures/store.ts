// Captures in etcd: one JSON value per capture at /capture/<UUID>. Values that are not captures are skipped,
// logged and counted, never fatal.
import type { ComponentReporter } from '@topoflow/common';
import type { EtcdService } from '../etcd/etcd-service.js';
import { type Capture, captureJSON, decodeStoredCapture } from './capture.js';

/** The etcd key prefix of captures (Skydive's). */
export const CAPTURE_PREFIX = '/capture/';

/** The etcd key of a capture. */
export function captureKey(uuid: string): string {
  return CAPTURE_PREFIX + uuid;
}

/** Reads a stored value; logs and counts a value that is not a capture. */
export type CaptureDecoder = (key: string, value: string) => Capture | undefined;

/** A decoder that logs and counts bad values through `reporter`. */
export function captureDecoder(reporter: ComponentReporter): CaptureDecoder {
  const bad = reporter.counter('invalid_stored_total', 'Values under /capture/ in etcd that are not captures (skipped)');
  return (key, value) => {
    const c = decodeStoredCapture(value);
    if (c === undefined || captureKey(c.UUID) !== key) {
      bad.inc();
      reporter.logger.warn({ key }, 'skipping a value under /capture/ that is not a capture');
      return undefined;
    }
    return c;
  };
}

/** Reads and writes captures in etcd; every failure is ANALYZER_ETCD_UNAVAILABLE (503). */
export class CaptureStore {
  readonly #etcd: EtcdService;
  readonly #decode: CaptureDecoder;

  constructor(etcd: EtcdService, decode: CaptureDecoder) {
    this.#etcd = etcd;
    this.#decode = decode;
  }

  /** Every stored capture. */
  async list(): Promise<Capture[]> {
    const values = await this.#etcd.request('list', (c) => c.getAll().prefix(CAPTURE_PREFIX).strings());
    const out: Capture[] = [];
    for (const [key, value] of Object.entries(values)) {
      const capture = this.#decode(key, value);
      if (capture !== undefined) out.push(capture);
    }
    return out;
  }

  /** One capture, undefined when absent. */
  async get(uuid: string): Promise<Capture | undefined> {
    const value = await this.#etcd.request('get', (c) => c.get(captureKey(uuid)).string());
    return value === null ? undefined : this.#decode(captureKey(uuid), value);
  }

  /** Stores a capture. */
  async put(capture: Capture): Promise<void> {
    await this.#etcd.request('put', (c) => c.put(captureKey(capture.UUID)).value(JSON.stringify(captureJSON(capture))).exec());
  }

  /** Deletes a capture; false when there was none. */
  async delete(uuid: string): Promise<boolean> {
    const res = await this.#etcd.request('delete', (c) => c.delete().key(captureKey(uuid)).exec());
    return Number(res.deleted) > 0;
  }
}
