// Deterministic generator of a data-center topology in Skydive's shape (hosts, namespaces, veth pairs, a bridge
// per host, top-of-rack and spine switches, a tunnel mesh): the input of every graph benchmark.
import { genId, linkId, type EdgeInput, type Metadata, type NodeInput } from '@topoflow/graph';
import { Prng } from './prng.js';

/** Named sizes: `full` is about 100,000 nodes and 200,000 edges, `small` a tenth of it for quick runs. */
export type SyntheticSize = 'small' | 'full';

/** The shape of the generated data center. */
export interface SyntheticSpec {
  hosts: number;
  netnsPerHost: number;
  hostsPerRack: number;
  spines: number;
  seed: number;
}

/** The spec of a named size. */
export function syntheticSpec(size: SyntheticSize): SyntheticSpec {
  return size === 'full'
    ? { hosts: 400, netnsPerHost: 41, hostsPerRack: 20, spines: 4, seed: 0x70f10 }
    : { hosts: 40, netnsPerHost: 41, hostsPerRack: 10, spines: 2, seed: 0x70f10 };
}

/** Where generated elements go (a MemoryGraph fits). */
export interface TopologySink {
  addNode(input: NodeInput): unknown;
  addEdge(input: EdgeInput): unknown;
}

/** A node with a unique Name and its unique, non-indexed Alias. */
export interface NamedSample {
  name: string;
  alias: string;
}

/** What was generated. */
export interface SyntheticSummary {
  nodes: number;
  edges: number;
  /** Average number of top-level metadata keys per node. */
  keysPerNode: number;
  byType: Record<string, number>;
  byRelation: Record<string, number>;
  hostNames: string[];
  /** Randomly chosen interfaces with unique names, for lookups that vary across iterations. */
  samples: NamedSample[];
}

/** Creation time of every generated element, so the output is identical on every run. */
export const SYNTHETIC_EPOCH = 1_767_225_600_000;
const SAMPLE_SIZE = 4096;

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

class Builder {
  readonly summary: SyntheticSummary = {
    nodes: 0, edges: 0, keysPerNode: 0, byType: {}, byRelation: {}, hostNames: [], samples: [],
  };
  readonly #sink: TopologySink;
  readonly #rng: Prng;
  readonly #sampler: Prng;
  #keys = 0;
  #seq = 0;
  #candidates = 0;

  constructor(sink: TopologySink, seed: number) {
    this.#sink = sink;
    this.#rng = new Prng(seed);
    this.#sampler = new Prng(seed ^ 0x5a5a5a5a);
  }

  get rng(): Prng {
    return this.#rng;
  }

  /** Adds a node; `unique` marks names that appear once (candidates for the lookup samples). */
  node(host: string, name: string, type: string, extra: Metadata, unique = true): string {
    const seq = this.#seq++;
    const id = genId(host, name, String(seq));
    const alias = `a${seq.toString(36)}-${this.#rng.hex(6)}`;
    const md: Metadata = { Name: name, Type: type, ...extra, TID: this.#rng.hex(32), Alias: alias };
    this.#keys += Object.keys(md).length;
    this.#sink.addNode({ ID: id, Metadata: md, Host: host, Origin: `agent.${host}`, CreatedAt: SYNTHETIC_EPOCH });
    this.summary.nodes++;
    this.summary.byType[type] = (this.summary.byType[type] ?? 0) + 1;
    if (unique && type !== 'host' && type !== 'netns') this.#sample({ name, alias });
    return id;
  }

  /** Adds an edge of a relation type, optionally with more metadata. */
  edge(host: string, parent: string, child: string, relation: 'ownership' | 'layer2', extra: Metadata = {}): void {
    const md: Metadata = { RelationType: relation, ...extra };
    this.#sink.addEdge({
      ID: linkId(parent, child, relation), Parent: parent, Child: child, Metadata: md,
      Host: host, Origin: `agent.${host}`, CreatedAt: SYNTHETIC_EPOCH,
    });
    this.summary.edges++;
    this.summary.byRelation[relation] = (this.summary.byRelation[relation] ?? 0) + 1;
  }

  /** Interface metadata: the keys Skydive's netlink probe sets. */
  iface(mtu: number, ifIndex: number, ipv4?: string[]): Metadata {
    const md: Metadata = {
      MAC: this.#mac(), MTU: mtu, State: this.#rng.next() < 0.02 ? 'DOWN' : 'UP', IfIndex: ifIndex,
    };
    if (ipv4 !== undefined) md['IPV4'] = ipv4;
    return md;
  }

  finish(): SyntheticSummary {
    this.summary.keysPerNode = this.summary.nodes === 0 ? 0 : this.#keys / this.summary.nodes;
    return this.summary;
  }

  #mac(): string {
    const n = this.#seq;
    const bytes = [0x02, (n / 2 ** 32) & 0xff, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
    return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
  }

  /** Reservoir sampling with its own generator, so the sample never changes the topology. */
  #sample(s: NamedSample): void {
    const i = this.#candidates++;
    if (i < SAMPLE_SIZE) this.summary.samples.push(s);
    else {
      const j = this.#sampler.int(i + 1);
      if (j < SAMPLE_SIZE) this.summary.samples[j] = s;
    }
  }
}

interface HostParts {
  name: string;
  id: string;
  uplink: string;
  vxlan: string;
  nsIfaces: string[];
}

function buildHost(b: Builder, spec: SyntheticSpec, h: number): HostParts {
  const name = `h${pad(h, 4)}`;
  const rack = Math.floor(h / spec.hostsPerRack);
  const id = b.node(name, name, 'host', {
    Hostname: `${name}.dc1.example`, OS: 'linux', KernelVersion: '6.1.0-28-amd64', IPV4: [`172.16.${rack}.${(h % 250) + 1}/16`],
  });
  const uplink = b.node(name, `${name}-eth0`, 'device', b.iface(9000, 2, [`192.168.${rack}.${(h % 250) + 1}/16`]));
  const bridge = b.node(name, `${name}-br0`, 'bridge', b.iface(1500, 3, [`10.${h >> 8}.${h & 255}.1/24`]));
  const vxlan = b.node(name, `${name}-vxlan0`, 'vxlan', b.iface(1450, 4));
  for (const dev of [uplink, bridge, vxlan]) b.edge(name, id, dev, 'ownership');
  b.edge(name, bridge, vxlan, 'layer2');
  const nsIfaces: string[] = [];
  for (let j = 0; j < spec.netnsPerHost; j++) {
    const ns = `${name}-ns${pad(j, 2)}`;
    const nsId = b.node(name, ns, 'netns', { Path: `/var/run/netns/${ns}`, Inode: 4026532000 + j, Manager: 'docker' });
    b.edge(name, id, nsId, 'ownership');
    const lo = b.node(name, 'lo', 'device', b.iface(65536, 1, ['127.0.0.1/8']), false);
    b.edge(name, nsId, lo, 'ownership');
    for (const [k, port] of ['eth0', 'eth1'].entries()) {
      const ip = `10.${h >> 8}.${h & 255}.${2 + j * 2 + k}/24`;
      const inner = b.node(name, `${ns}-${port}`, 'veth', b.iface(1450, 2 + k, [ip]));
      const outer = b.node(name, `${name}-veth${pad(j, 2)}${'ab'[k]}`, 'veth', b.iface(1450, 10 + j * 2 + k));
      b.edge(name, nsId, inner, 'ownership');
      b.edge(name, id, outer, 'ownership');
      b.edge(name, outer, inner, 'layer2', { Type: 'veth' });
      b.edge(name, bridge, outer, 'layer2');
      nsIfaces.push(inner);
    }
  }
  return { name, id, uplink, vxlan, nsIfaces };
}

/** Builds the topology into `sink`, deterministically for a given spec, and returns what it made. */
export function buildSynthetic(sink: TopologySink, spec: SyntheticSpec): SyntheticSummary {
  if (spec.hosts < 3) throw new Error('the synthetic topology needs at least 3 hosts');
  const b = new Builder(sink, spec.seed);
  const hosts: HostParts[] = [];
  for (let h = 0; h < spec.hosts; h++) hosts.push(buildHost(b, spec, h));
  const spines: string[] = [];
  for (let s = 0; s < spec.spines; s++) spines.push(b.node('', `spine${s + 1}`, 'switch', b.iface(9000, 1)));
  const racks = Math.ceil(spec.hosts / spec.hostsPerRack);
  for (let r = 0; r < racks; r++) {
    const tor = b.node('', `tor${pad(r, 3)}`, 'switch', b.iface(9000, 1));
    for (const s of spines) b.edge('', s, tor, 'layer2');
    for (const h of hosts.slice(r * spec.hostsPerRack, (r + 1) * spec.hostsPerRack)) b.edge('', tor, h.uplink, 'layer2');
  }
  // The tunnel mesh: each VTEP reaches the next host and one random other; each container interface is
  // layer2-adjacent to one container interface on another host of its overlay segment.
  const n = hosts.length;
  for (let h = 0; h < n; h++) {
    const self = hosts[h] as HostParts;
    const chord = (h + 2 + b.rng.int(n - 2)) % n;
    for (const peer of [(h + 1) % n, chord]) b.edge(self.name, self.vxlan, (hosts[peer] as HostParts).vxlan, 'layer2', { Type: 'vxlan' });
    for (const inner of self.nsIfaces) {
      const other = hosts[(h + 1 + b.rng.int(n - 1)) % n] as HostParts;
      b.edge(self.name, inner, b.rng.pick(other.nsIfaces), 'layer2', { Type: 'overlay' });
    }
  }
  const summary = b.finish();
  summary.hostNames = hosts.map((h) => h.name);
  return summary;
}

/** One line describing what was generated. */
export function describeSynthetic(s: SyntheticSummary): string {
  const types = Object.entries(s.byType).map(([t, c]) => `${t} ${c}`).join(', ');
  const rels = Object.entries(s.byRelation).map(([t, c]) => `${t} ${c}`).join(', ');
  return `${s.nodes} nodes (${types}), ${s.edges} edges (${rels}), ${s.keysPerNode.toFixed(1)} metadata keys per node`;
}
