// The query parameters of POST /api/pcap (the capture fields a flow table takes, with Skydive's names) and the
// flow table options they give: the table's defaults, NodeTID and CaptureID empty unless given.
import { defaultFlowTableOptions, type FlowTableOptions, type LayerKeyMode, MAX_RAW_PACKET_LIMIT } from '@topoflow/flow';

const BOOLEAN = { enum: ['true', 'false', '1', '0'] } as const;

/** Schema of the query string (values are strings: the API validates without coercion). */
export const PCAP_QUERY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    NodeTID: { type: 'string', maxLength: 256 },
    CaptureID: { type: 'string', maxLength: 256 },
    LayerKeyMode: { enum: ['L2', 'L3'] },
    ExtraTCPMetric: BOOLEAN,
    IPDefrag: BOOLEAN,
    ReassembleTCP: BOOLEAN,
    ExtraLayers: { type: 'string', pattern: '^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$' },
    RawPacketLimit: { type: 'string', pattern: `^([0-9]|${MAX_RAW_PACKET_LIMIT})$` },
  },
} as const;

/** The query string once validated against PCAP_QUERY_SCHEMA. */
export interface PcapQuery {
  NodeTID?: string;
  CaptureID?: string;
  LayerKeyMode?: LayerKeyMode;
  ExtraTCPMetric?: string;
  IPDefrag?: string;
  ReassembleTCP?: string;
  ExtraLayers?: string;
  RawPacketLimit?: string;
}

const yes = (v: string | undefined): boolean => v === 'true' || v === '1';

/** The options of an upload's flow table. */
export function pcapTableOptions(q: PcapQuery): FlowTableOptions {
  const o = defaultFlowTableOptions();
  return {
    ...o,
    nodeTID: q.NodeTID ?? '',
    captureID: q.CaptureID ?? '',
    layerKeyMode: q.LayerKeyMode ?? o.layerKeyMode,
    extraTCPMetric: yes(q.ExtraTCPMetric),
    ipDefrag: yes(q.IPDefrag),
    reassembleTCP: yes(q.ReassembleTCP),
    extraLayers: q.ExtraLayers === undefined ? 0 : Number(q.ExtraLayers),
    rawPacketLimit: q.RawPacketLimit === undefined ? 0 : Number(q.RawPacketLimit),
  };
}
