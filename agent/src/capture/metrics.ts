// Metrics of the capture manager (topoflow_agent_capture_*): captures running, and packet and flow totals fed
// with the differences between two reads of each capture's counters.
import type { ComponentReporter } from '@topoflow/common';
import type { RunningCapture } from './running.js';

/** A counter's growth between two reads; a smaller value means it was reset, so all of it is new. */
const growth = (now: number, before: number): number => (now >= before ? now - before : now);

/** The capture manager's counters and gauges. */
export class CaptureMetrics {
  readonly starts;
  readonly errors;
  readonly flowsSent;
  readonly metadataErrors;
  readonly #active;
  readonly #received;
  readonly #dropped;
  readonly #ifDropped;
  readonly #flowsDropped;

  constructor(r: ComponentReporter) {
    this.starts = r.counter('starts_total', 'Captures started (a repeated start of a running capture is not counted)');
    this.errors = r.counter('errors_total', 'Captures whose source failed, by source kind', ['kind']);
    this.flowsSent = r.counter('flows_sent_total', 'Flows the capture tables reported (sent to the flow forwarder)');
    this.metadataErrors = r.counter('metadata_errors_total', 'Updates of a node\'s Captures metadata that failed');
    this.#active = r.gauge('active', 'Captures running (State active)');
    this.#received = r.counter('packets_received_total', 'Packets the capture sources delivered to their flow tables');
    this.#dropped = r.counter('packets_dropped_total', 'Packets the capture sources lost (libpcap, ring, undecodable datagrams)');
    this.#ifDropped = r.counter('interface_packets_dropped_total', 'Packets the captured interfaces dropped while captured');
    this.#flowsDropped = r.counter('flows_dropped_total', 'Flows evicted from full capture tables (agent.flow.maxEntries)');
    this.#active.set(0);
  }

  /** Adds what a capture's source and table counted since the last call. */
  account(c: RunningCapture): void {
    const s = c.readSource();
    const a = c.accounted;
    this.#received.inc(growth(s.PacketsReceived, a.PacketsReceived));
    this.#dropped.inc(growth(s.PacketsDropped, a.PacketsDropped));
    this.#ifDropped.inc(growth(s.PacketsIfDropped, a.PacketsIfDropped));
    c.accounted = { ...s };
    let flowDropped = c.accountedFlowDropped;
    try {
      flowDropped = c.table?.stats().FlowDropped ?? flowDropped;
    } catch {
      // a table that cannot report keeps its last count
    }
    this.#flowsDropped.inc(growth(flowDropped, c.accountedFlowDropped));
    c.accountedFlowDropped = flowDropped;
  }

  /** Sets the active gauge from the captures held. */
  setActive(captures: Iterable<RunningCapture>): void {
    let n = 0;
    for (const c of captures) if (c.state === 'active') n++;
    this.#active.set(n);
  }
}
