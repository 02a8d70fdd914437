// Flow snapshots in the JSON shape of model/flow.ts: ParentUUID and RawPacketsCaptured always present, FinishType
// omitted when 0, LastUpdateMetric only once reported, TCPMetric / IPMetric only with their options.
import type { Flow, FlowMetric, TCPMetric } from '../model/flow.js';
import type { FlowEntry } from './entry.js';

/** Table-wide values a snapshot carries. */
export interface SnapshotContext {
  nodeTID: string;
  captureID: string;
  ipDefrag: boolean;
}

function tcpMetric(m: TCPMetric): TCPMetric {
  const out: TCPMetric = { ...m };
  if (!out.ABSynTTL) delete out.ABSynTTL;
  if (!out.BASynTTL) delete out.BASynTTL;
  return out;
}

/** A snapshot of `e` (a new object the receiver may keep). */
export function snapshot(e: FlowEntry, ctx: SnapshotContext): Flow {
  const f: Flow = {
    UUID: e.uuid, LayersPath: e.layersPath, Application: e.application, ParentUUID: e.parentUUID,
    Start: e.start, Last: e.last,
  } as Flow;
  if (e.hasLink) f.Link = { Protocol: 'ETHERNET', A: e.linkA, B: e.linkB, ID: e.linkID };
  if (e.netProtocol !== '') f.Network = { Protocol: e.netProtocol, A: e.netA, B: e.netB, ID: e.netID };
  if (e.transportProtocol !== '') f.Transport = { Protocol: e.transportProtocol, A: e.transportA, B: e.transportB, ID: 0 };
  if (e.icmpType !== '') {
    f.ICMP = { Type: e.icmpType };
    if (e.icmpCode !== 0) f.ICMP.Code = e.icmpCode;
    if (e.icmpID !== 0) f.ICMP.ID = e.icmpID;
  }
  if (e.reported) {
    f.LastUpdateMetric = {
      ABPackets: e.luABPackets, ABBytes: e.luABBytes, BAPackets: e.luBAPackets, BABytes: e.luBABytes,
      Start: e.luStart, Last: e.luLast,
    };
  }
  const metric: FlowMetric = {
    ABPackets: e.abPackets, ABBytes: e.abBytes, BAPackets: e.baPackets, BABytes: e.baBytes, Start: e.start, Last: e.last,
  };
  if (e.rtt !== 0) metric.RTT = e.rtt;
  f.Metric = metric;
  if (ctx.nodeTID !== '') f.NodeTID = ctx.nodeTID;
  if (ctx.captureID !== '') f.CaptureID = ctx.captureID;
  f.RawPacketsCaptured = e.rawPacketsCaptured;
  if (e.tcp !== null) f.TCPMetric = tcpMetric(e.tcp);
  if (ctx.ipDefrag && (e.fragments > 0 || e.fragmentErrors > 0)) f.IPMetric = { Fragments: e.fragments, FragmentErrors: e.fragmentErrors };
  f.TrackingID = e.trackingID;
  f.L3TrackingID = e.l3TrackingID;
  if (e.finishType !== 0) f.FinishType = e.finishType as Flow['FinishType'];
  if (e.dns !== undefined) f.DNS = e.dns;
  if (e.rawPackets !== null && e.rawPackets.length > 0) f.LastRawPackets = e.rawPackets.slice();
  return f;
}
