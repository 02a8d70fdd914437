// The rows both flow store backends write and read: a flow's newest revision, its metric records and raw packets,
// and their conversions from and to the JSON shapes of the flow model.
import type { Flow, FlowMetric, RawPacket } from '../model/flow.js';
import type { FlowMetricRecord, FlowRawPacketRecord } from '../query/contract.js';
import { FlowErrors, flowError } from '../errors.js';

/** A flow row: the indexed fields and the whole flow as JSON. */
export interface FlowRow {
  uuid: string;
  nodeTID: string;
  captureID: string;
  trackingID: string;
  start: number;
  last: number;
  finishType: number;
  json: string;
}

/** A metric row: one LastUpdateMetric of one report. */
export interface MetricRow {
  uuid: string;
  start: number;
  last: number;
  abPackets: number;
  abBytes: number;
  baPackets: number;
  baBytes: number;
  rtt: number | null;
}

/** A raw packet row. */
export interface PacketRow {
  uuid: string;
  idx: number;
  ts: number;
  linkType: number;
  data: Buffer;
}

/** The rows of one append. */
export interface AppendRows {
  flows: FlowRow[];
  metrics: MetricRow[];
  packets: PacketRow[];
}

/** Splits flow reports into rows: the newest revision per flow (ties: the later report), every metric and packet. */
export function appendRows(reports: readonly Flow[]): AppendRows {
  const newest = new Map<string, Flow>();
  const metrics: MetricRow[] = [];
  const packets: PacketRow[] = [];
  for (const f of reports) {
    const seen = newest.get(f.UUID);
    if (seen === undefined || f.Last >= seen.Last) newest.set(f.UUID, f);
    const m = f.LastUpdateMetric;
    if (m !== undefined) {
      metrics.push({
        uuid: f.UUID, start: m.Start, last: m.Last, abPackets: m.ABPackets, abBytes: m.ABBytes,
        baPackets: m.BAPackets, baBytes: m.BABytes, rtt: m.RTT ?? null,
      });
    }
    for (const p of f.LastRawPackets ?? []) {
      packets.push({ uuid: f.UUID, idx: p.Index, ts: p.Timestamp, linkType: p.LinkType ?? 0, data: Buffer.from(p.Data ?? '', 'base64') });
    }
  }
  const flows: FlowRow[] = [];
  for (const f of newest.values()) {
    const { LastRawPackets: _packets, ...stored } = f;
    flows.push({
      uuid: f.UUID, nodeTID: f.NodeTID ?? '', captureID: f.CaptureID ?? '', trackingID: f.TrackingID,
      start: f.Start, last: f.Last, finishType: f.FinishType ?? 0, json: JSON.stringify(stored),
    });
  }
  return { flows, metrics, packets };
}

/** The flow stored as `json`; FLOW_STORE_CORRUPT when it does not parse. */
export function flowFromJson(json: string): Flow {
  try {
    return JSON.parse(json) as Flow;
  } catch (err) {
    throw flowError(FlowErrors.STORE_CORRUPT, 'a stored flow is not valid JSON', { details: {}, cause: err });
  }
}

/** The record of a metric row. */
export function metricRecord(r: MetricRow): FlowMetricRecord {
  const metric: FlowMetric = {
    ABPackets: r.abPackets, ABBytes: r.abBytes, BAPackets: r.baPackets, BABytes: r.baBytes, Start: r.start, Last: r.last,
  };
  if (r.rtt !== null) metric.RTT = r.rtt;
  return { UUID: r.uuid, Metric: metric };
}

/** The record of a packet row (Data and LinkType omitted when empty, as in the flow JSON). */
export function packetRecord(r: PacketRow): FlowRawPacketRecord {
  const packet: RawPacket = { Timestamp: r.ts, Index: r.idx };
  if (r.data.length > 0) packet.Data = r.data.toString('base64');
  if (r.linkType !== 0) packet.LinkType = r.linkType;
  return { UUID: r.uuid, Packet: packet };
}

/** Rows deleted per transaction by a retention pass, unless configured otherwise. */
export const DEFAULT_PRUNE_CHUNK = 5000;
