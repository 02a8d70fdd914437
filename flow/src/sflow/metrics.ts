// Counter samples of one sFlow agent folded into Skydive's `SFlow` node metadata: the latest IfMetric per ifIndex,
// their sum with the Ethernet (per source), VLAN (per VLAN) and Open vSwitch counters in `Metric`, and the change
// since the previous snapshot in `LastUpdateMetric`. Counters the agent marks unknown (-1) keep their last value.
import { ETH_COUNTER_NAMES, type EthMetric, type IfMetric, type OvsMetric, type SflowCounterSample, type VlanMetric } from './records.js';

/** Skydive's SFMetric: every counter family and the interval it covers (epoch ms). */
export type SFMetric = IfMetric & OvsMetric & VlanMetric & EthMetric & { Start: number; Last: number };

/** The `SFlow` metadata of a captured node; zero counters are left out, as Skydive's JSON does. */
export interface SFlowMetadata {
  IfMetrics: Record<string, Partial<IfMetric>>;
  Metric: Partial<SFMetric>;
  LastUpdateMetric?: Partial<SFMetric>;
}

const IF_KEYS: readonly (keyof IfMetric)[] = ['IfInOctets', 'IfInUcastPkts', 'IfInMulticastPkts', 'IfInBroadcastPkts',
  'IfInDiscards', 'IfInErrors', 'IfInUnknownProtos', 'IfOutOctets', 'IfOutUcastPkts', 'IfOutMulticastPkts',
  'IfOutBroadcastPkts', 'IfOutDiscards', 'IfOutErrors'];
const ETH_KEYS = ETH_COUNTER_NAMES;
const VLAN_KEYS: readonly (keyof VlanMetric)[] = ['VlanOctets', 'VlanUcastPkts', 'VlanMulticastPkts', 'VlanBroadcastPkts', 'VlanDiscards'];
const OVS_KEYS: readonly (keyof OvsMetric)[] = ['OvsDpNHit', 'OvsDpNMissed', 'OvsDpNLost', 'OvsDpNMaskHit', 'OvsDpNFlows',
  'OvsDpNMasks', 'OvsAppFdOpen', 'OvsAppFdMax', 'OvsAppConnOpen', 'OvsAppConnMax', 'OvsAppMemUsed', 'OvsAppMemMax'];
const ALL_KEYS: readonly string[] = [...IF_KEYS, ...OVS_KEYS, ...VLAN_KEYS, ...ETH_KEYS];

type Counters = Record<string, number>;

/** Copies the known (non-negative) values of `keys` from `from` over `into`. */
function merge(into: Counters, from: object, keys: readonly string[]): Counters {
  for (const k of keys) {
    const v = (from as Counters)[k];
    if (v !== undefined && v >= 0) into[k] = v;
  }
  return into;
}

function sumInto(total: Counters, parts: Iterable<Counters>, keys: readonly string[]): void {
  for (const k of keys) total[k] = 0;
  for (const p of parts) for (const k of keys) total[k] = (total[k] ?? 0) + (p[k] ?? 0);
}

function nonZero(c: Counters): Counters {
  return Object.fromEntries(Object.entries(c).filter(([, v]) => v !== 0));
}

/** Accumulates the counter samples of one agent into Skydive's SFlow metadata. */
export class SflowMetrics {
  readonly #ifs = new Map<number, Counters>();
  readonly #eth = new Map<number, Counters>();
  readonly #vlans = new Map<number, Counters>();
  readonly #ovs: Counters = {};
  #metric: Counters | null = null;
  #lastUpdate: Counters | null = null;

  /** Folds in one counter sample. */
  add(sample: SflowCounterSample): void {
    if (sample.interface !== undefined) {
      const i = sample.interface.IfIndex;
      this.#ifs.set(i, merge(this.#ifs.get(i) ?? {}, sample.interface, IF_KEYS));
    }
    if (sample.ethernet !== undefined) {
      const s = sample.sourceIdIndex;
      this.#eth.set(s, merge(this.#eth.get(s) ?? {}, sample.ethernet, ETH_KEYS));
    }
    if (sample.vlan !== undefined) {
      const v = sample.vlan.VlanId;
      this.#vlans.set(v, merge(this.#vlans.get(v) ?? {}, sample.vlan, VLAN_KEYS));
    }
    if (sample.ovsDp !== undefined) merge(this.#ovs, sample.ovsDp, OVS_KEYS);
    if (sample.appResources !== undefined) merge(this.#ovs, sample.appResources, OVS_KEYS);
  }

  /**
   * The metadata after the samples added so far, with `Metric.Last = nowMs` and the change since the previous
   * snapshot; null while every counter is zero.
   */
  snapshot(nowMs: number): SFlowMetadata | null {
    const metric: Counters = {};
    sumInto(metric, this.#ifs.values(), IF_KEYS);
    sumInto(metric, this.#eth.values(), ETH_KEYS);
    sumInto(metric, this.#vlans.values(), VLAN_KEYS);
    for (const k of OVS_KEYS) metric[k] = this.#ovs[k] ?? 0;
    if (ALL_KEYS.every((k) => metric[k] === 0)) return null;
    const prev = this.#metric;
    const delta: Counters = {};
    for (const k of ALL_KEYS) delta[k] = (metric[k] ?? 0) - (prev?.[k] ?? 0);
    if (ALL_KEYS.some((k) => delta[k] !== 0)) {
      this.#lastUpdate = { ...delta, Start: prev?.Last ?? nowMs, Last: nowMs };
    }
    metric.Start = prev?.Start ?? nowMs;
    metric.Last = nowMs;
    this.#metric = metric;
    const ifMetrics: Record<string, Partial<IfMetric>> = {};
    for (const [i, c] of this.#ifs) ifMetrics[String(i)] = nonZero(c);
    return {
      IfMetrics: ifMetrics,
      Metric: nonZero(metric),
      ...(this.#lastUpdate === null ? {} : { LastUpdateMetric: nonZero(this.#lastUpdate) }),
    };
  }
}
