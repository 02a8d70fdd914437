// Pcap uploads (POST /api/pcap, reference §7.6): a pcap or pcapng stream is read chunk by chunk into a flow table
// of its own whose passes run on the capture's time (timestamps are kept), and the flows it reports go through the
// flow server's ingest path, as an agent's would. At the end the table is stopped, which reports every flow left.
import type { Readable } from 'node:stream';
import { AppError, type Clock, type ComponentReporter, isAppError } from '@topoflow/common';
import {
  type CaptureStats, type Flow, FlowErrors, FlowTable, type FlowTableOptions, PacketTimeDriver, PcapReader, flowError,
} from '@topoflow/flow';
import { AnalyzerErrors, analyzerError } from '../errors.js';
import { eachChunk } from './chunks.js';

/** Settings of pcap uploads. */
export interface PcapIngestConfig {
  /** Largest upload in bytes (analyzer.flow.pcapBodyLimit). */
  bodyLimit: number;
  /** Uploads read at the same time at most (analyzer.flow.pcapMaxUploads); one more is refused. */
  maxUploads: number;
  /** Flow history retention in ms; 0 when flow history is off or kept forever (older uploads get a warning). */
  retentionMs: number;
  /** Flows handed to the flow server at once (at most what may wait for the flow store). */
  deliverySize: number;
}

/** Where the flows of an upload go: the flow server. */
export interface PcapFlowTarget {
  /** The flow server's ingest path (enhancer, live flows, flow history). */
  ingest(source: string, flows: Flow[], stats: CaptureStats[]): void;
  /** Resolves once `n` more flows can wait for the flow store without being dropped (or waiting is pointless). */
  room(n: number): Promise<void>;
}

/** What pcap uploads need. */
export interface PcapIngestDeps {
  flows: PcapFlowTarget;
  clock: Clock;
  reporter: ComponentReporter;
}

/** The answer to an accepted upload (202). */
export interface PcapUploadSummary {
  /** Frames read from the file. */
  Packets: number;
  /** Distinct flows made from them. */
  Flows: number;
}

/** Source name the live flows of uploads are counted under (never a host ID: those have no '/'). */
export const PCAP_SOURCE = 'api/pcap';

/** Content types an upload may have (none at all is accepted too). */
export const PCAP_CONTENT_TYPES = [
  'application/vnd.tcpdump.pcap', 'application/vnd.tcpdump.pcapng', 'application/x-pcap', 'application/x-pcapng', 'application/octet-stream',
] as const;

/** Most flows handed to the flow server at once. */
export const PCAP_DELIVERY_SIZE = 5000;
const PROGRESS_LOG_MS = 10_000;

/** One upload in progress. */
interface Upload {
  table: FlowTable;
  driver: PacketTimeDriver;
  reader: PcapReader;
  outbox: Flow[];
  uuids: Set<string>;
  bytes: number;
  /** Frames already counted in pcap_packets_total. */
  counted: number;
  started: number;
  lastLog: number;
}

/** Turns pcap uploads into flows. */
export class PcapIngest {
  readonly config: PcapIngestConfig;
  readonly #deps: PcapIngestDeps;
  readonly #m;
  /** Uploads being read now. */
  #active = 0;

  constructor(config: PcapIngestConfig, deps: PcapIngestDeps) {
    this.config = config;
    this.#deps = deps;
    const r = deps.reporter;
    this.#m = {
      uploads: r.counter('uploads_total', 'Pcap uploads, by result (accepted, invalid, too_large, unsupported, busy, aborted, failed)', ['result']),
      packets: r.counter('packets_total', 'Frames read from pcap uploads'),
      bytes: r.counter('bytes_total', 'Bytes read from pcap uploads'),
    };
  }

  /** Refuses (and counts) an upload from its headers: an unsupported content type, or a declared length above the limit. */
  admit(contentType: string | undefined, contentLength: string | undefined): void {
    const type = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
    if (type !== '' && !(PCAP_CONTENT_TYPES as readonly string[]).includes(type)) {
      this.#m.uploads.inc({ result: 'unsupported' });
      throw analyzerError(AnalyzerErrors.UNSUPPORTED_MEDIA_TYPE,
        `a pcap upload is sent as ${PCAP_CONTENT_TYPES[0]} or application/octet-stream, not ${type}`, { contentType: type, accepted: [...PCAP_CONTENT_TYPES] });
    }
    const declared = contentLength === undefined ? NaN : Number(contentLength);
    if (declared > this.config.bodyLimit) {
      this.#m.uploads.inc({ result: 'too_large' });
      throw analyzerError(AnalyzerErrors.BODY_TOO_LARGE, `the pcap upload of ${declared} bytes exceeds analyzer.flow.pcapBodyLimit (${this.config.bodyLimit} bytes)`,
        { bytes: declared, limit: this.config.bodyLimit });
    }
  }

  /**
   * Reads one upload to its end and delivers its flows. Throws FLOW_PCAP_INVALID (400) for a malformed file,
   * ANALYZER_BODY_TOO_LARGE (413) past the limit, ANALYZER_BAD_REQUEST when the client goes away; in every case the
   * flows of the frames read before the problem have been delivered (details.packets, details.flows). Throws
   * ANALYZER_TOO_MANY_UPLOADS (429) without reading anything while `maxUploads` uploads are being read.
   */
  async ingest(body: Readable, options: FlowTableOptions): Promise<PcapUploadSummary> {
    const max = this.config.maxUploads;
    if (this.#active >= max) {
      this.#m.uploads.inc({ result: 'busy' });
      throw analyzerError(AnalyzerErrors.TOO_MANY_UPLOADS,
        `${max} pcap uploads are being read (analyzer.flow.pcapMaxUploads); send this one again once one of them ended`, { limit: max });
    }
    this.#active++;
    try {
      return await this.#ingest(body, options);
    } finally {
      this.#active--;
    }
  }

  async #ingest(body: Readable, options: FlowTableOptions): Promise<PcapUploadSummary> {
    const now = this.#deps.clock.now();
    const outbox: Flow[] = [];
    const table = new FlowTable(options, {
      sender: { sendFlows: (flows) => { for (const f of flows) outbox.push(f); } }, clock: this.#deps.clock,
    });
    const driver = new PacketTimeDriver(table, options);
    const u: Upload = { table, driver, reader: new PcapReader(driver), outbox, uuids: new Set(), bytes: 0, counted: 0, started: now, lastLog: now };
    let failure: unknown;
    try {
      await eachChunk(body, (chunk) => this.#chunk(u, chunk));
      u.reader.end();
    } catch (err) {
      failure = err;
    }
    try {
      table.stop();
    } catch (err) {
      failure ??= err;
    }
    await this.#deliver(u);
    this.#countPackets(u);
    const summary: PcapUploadSummary = { Packets: u.reader.packets, Flows: u.uuids.size };
    if (failure !== undefined) throw this.#failed(u, failure, options);
    this.#m.uploads.inc({ result: 'accepted' });
    this.#deps.reporter.logger.info({ ...summary, bytes: u.bytes, ms: this.#deps.clock.now() - u.started, nodeTID: options.nodeTID },
      'pcap upload ingested');
    this.#warnRetention(u);
    return summary;
  }

  #chunk(u: Upload, chunk: Buffer): void | Promise<void> {
    u.bytes += chunk.length;
    this.#m.bytes.inc(chunk.length);
    if (u.bytes > this.config.bodyLimit) {
      throw analyzerError(AnalyzerErrors.BODY_TOO_LARGE, `the pcap upload exceeds analyzer.flow.pcapBodyLimit (${this.config.bodyLimit} bytes)`,
        { limit: this.config.bodyLimit });
    }
    u.reader.push(chunk);
    this.#countPackets(u);
    const now = this.#deps.clock.now();
    if (now - u.lastLog >= PROGRESS_LOG_MS) {
      u.lastLog = now;
      this.#deps.reporter.logger.info({ packets: u.reader.packets, bytes: u.bytes, flows: u.uuids.size + u.outbox.length }, 'pcap upload in progress');
    }
    if (u.outbox.length > 0) return this.#deliver(u);
  }

  /** Hands what the table reported to the flow server, paced by the flow store. */
  async #deliver(u: Upload): Promise<void> {
    const flows = u.outbox.splice(0);
    const size = this.config.deliverySize;
    for (let i = 0; i < flows.length; i += size) {
      const part = flows.slice(i, i + size);
      await this.#deps.flows.room(part.length);
      for (const f of part) u.uuids.add(f.UUID);
      this.#deps.flows.ingest(PCAP_SOURCE, part, []);
    }
  }

  #countPackets(u: Upload): void {
    const n = u.reader.packets;
    if (n > u.counted) this.#m.packets.inc(n - u.counted);
    u.counted = n;
  }

  /** Counts and logs a failed upload; the error to answer says what was kept. */
  #failed(u: Upload, err: unknown, options: FlowTableOptions): unknown {
    const kept = { packets: u.reader.packets, flows: u.uuids.size };
    const keptText = kept.packets > 0 ? `; the ${kept.packets} frames before it were kept (${kept.flows} flows)` : '';
    const log = { ...kept, bytes: u.bytes, nodeTID: options.nodeTID };
    if (isAppError(err, FlowErrors.PCAP_INVALID)) {
      this.#m.uploads.inc({ result: 'invalid' });
      this.#deps.reporter.logger.warn({ ...log, ...err.details }, 'pcap upload refused: invalid capture file');
      return flowError(FlowErrors.PCAP_INVALID, err.message + keptText, { details: { ...err.details, ...kept }, cause: err });
    }
    if (isAppError(err, AnalyzerErrors.BODY_TOO_LARGE)) {
      this.#m.uploads.inc({ result: 'too_large' });
      this.#deps.reporter.logger.warn(log, 'pcap upload refused: above the size limit');
      return analyzerError(AnalyzerErrors.BODY_TOO_LARGE, err.message + keptText, { ...err.details, ...kept });
    }
    if (isAppError(err, AnalyzerErrors.BAD_REQUEST)) {
      this.#m.uploads.inc({ result: 'aborted' });
      this.#deps.reporter.logger.warn(log, 'pcap upload closed by the client before its end');
      return err;
    }
    this.#m.uploads.inc({ result: 'failed' });
    this.#deps.reporter.logger.error({ ...log, err }, 'pcap upload failed');
    return err instanceof AppError ? err : analyzerError(AnalyzerErrors.INTERNAL_ERROR, 'the pcap upload failed');
  }

  #warnRetention(u: Upload): void {
    const newest = u.driver.now;
    const { retentionMs } = this.config;
    if (retentionMs > 0 && newest >= 0 && newest < this.#deps.clock.now() - retentionMs) {
      this.#deps.reporter.logger.warn({ newestFrame: new Date(newest).toISOString(), retentionMs },
        'the uploaded frames are older than analyzer.flow.retention: the next retention pass removes their flows from flow history');
    }
  }
}
