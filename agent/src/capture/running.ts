// One capture on one node: its flow table and source, its state, the counters last read from them, and the
// entry it shows in the node's `Captures` metadata (reference §7.2).
import type { Logger } from 'pino';
import type { CaptureSource, FlowTableApi, SourceStats } from '@topoflow/flow';
import type { CaptureSpec, CaptureType, SourceKind } from './spec.js';

/** Life of a capture: starting (source opening), active, error (source failed; kept until stopped), stopped. */
export type CaptureRunState = 'starting' | 'active' | 'error' | 'stopped';

/** One element of a node's `Captures` metadata list. */
export interface CaptureEntry {
  ID: string;
  State: 'active' | 'error';
  Type: CaptureType;
  Name?: string;
  Description?: string;
  BPFFilter?: string;
  Error?: string;
  /** "addr:port" of the sFlow receiver (sflow, ovssflow). */
  SFlowSocket?: string;
  /** Started through the agent API, not by an analyzer (a Topoflow addition). */
  Local?: true;
  PacketsReceived: number;
  PacketsDropped: number;
  PacketsIfDropped: number;
}

/** A capture as the agent API lists it: the node entry plus the node, the table size and the run state. */
export interface CaptureStatus extends Omit<CaptureEntry, 'State'> {
  NodeID: string;
  State: CaptureRunState;
  /** Flows in the capture's table now (0 once stopped or failed). */
  FlowCount: number;
}

const ZERO: SourceStats = { PacketsReceived: 0, PacketsDropped: 0, PacketsIfDropped: 0 };

/** The record the capture manager keeps per (node, capture ID). */
export class RunningCapture {
  readonly spec: CaptureSpec;
  readonly nodeId: string;
  readonly type: CaptureType;
  readonly kind: SourceKind;
  readonly sflowSocket: string | undefined;
  /** Port allocated from agent.capture.sflow.portMin..portMax (ovssflow), released when halted. */
  readonly allocatedPort: number | undefined;
  state: CaptureRunState = 'starting';
  error: string | undefined;
  table: FlowTableApi | undefined;
  source: CaptureSource | undefined;
  /** Settles (never rejects) once the source's start() has settled. */
  ready: Promise<void> = Promise.resolve();
  /** Source counters at the last read. */
  last: SourceStats = { ...ZERO };
  /** Source counters and table FlowDropped already added to the metrics (which are fed with the differences). */
  accounted: SourceStats = { ...ZERO };
  accountedFlowDropped = 0;
  /** The counters last written to the node, to skip writes when nothing changed. */
  published = '';
  #halting: Promise<void> | undefined;
  #sourceClosed = false;

  constructor(init: { spec: CaptureSpec; nodeId: string; type: CaptureType; kind: SourceKind; sflowSocket?: string; allocatedPort?: number }) {
    this.spec = init.spec;
    this.nodeId = init.nodeId;
    this.type = init.type;
    this.kind = init.kind;
    this.sflowSocket = init.sflowSocket;
    this.allocatedPort = init.allocatedPort;
  }

  /** Reads the source's counters into `last` (kept as they were once it is halted or when reading fails). */
  readSource(): SourceStats {
    if (this.source === undefined || this.#sourceClosed) return this.last;
    try {
      this.last = { ...this.source.stats() };
    } catch {
      // keep the last counters read
    }
    return this.last;
  }

  /** The node's `Captures` entry (only meaningful in state active or error). */
  entry(): CaptureEntry {
    const s = this.spec;
    return {
      ID: s.ID, State: this.state === 'error' ? 'error' : 'active', Type: this.type,
      ...(s.Name ? { Name: s.Name } : {}), ...(s.Description ? { Description: s.Description } : {}),
      ...(s.BPFFilter ? { BPFFilter: s.BPFFilter } : {}), ...(this.error !== undefined ? { Error: this.error } : {}),
      ...(this.sflowSocket !== undefined ? { SFlowSocket: this.sflowSocket } : {}), ...(s.Local === true ? { Local: true as const } : {}),
      PacketsReceived: this.last.PacketsReceived, PacketsDropped: this.last.PacketsDropped, PacketsIfDropped: this.last.PacketsIfDropped,
    };
  }

  /** The capture as the API lists it. */
  status(): CaptureStatus {
    const { State: _state, ID, ...rest } = this.entry();
    let flowCount = 0;
    if (this.state === 'active' && this.table !== undefined) {
      try {
        flowCount = this.table.size;
      } catch {
        flowCount = 0;
      }
    }
    return { ID, NodeID: this.nodeId, State: this.state, ...rest, FlowCount: flowCount };
  }

  /** Stops the source, then the table (which sends its remaining flows); once, whoever asks. Never rejects. */
  halt(log: Logger): Promise<void> {
    if (this.#halting !== undefined) return this.#halting;
    this.readSource();
    this.#sourceClosed = true;
    this.#halting = (async () => {
      const source = this.source;
      if (source !== undefined) {
        try {
          await source.stop();
        } catch (err) {
          log.warn({ err, captureId: this.spec.ID, nodeId: this.nodeId }, 'capture source failed to stop');
        }
      }
      try {
        this.table?.stop();
      } catch (err) {
        log.warn({ err, captureId: this.spec.ID, nodeId: this.nodeId }, 'flow table failed to stop');
      }
    })();
    return this.#halting;
  }
}
