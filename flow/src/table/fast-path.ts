// The table's fast path: a frame of an existing flow that is plain Ethernet / IPv4 / TCP or UDP (no VLAN, fragment,
// tunnel port, TCP SYN/FIN/RST, nor anything the capture's options need decoded) is accounted straight from its
// bytes, with the same key and the same counters as the full path. Anything else returns false and takes the full path.
import { LookupKeyWriter } from '../keys/lookup-key.js';
import { TIE, SWAP } from '../keys/swap.js';
import type { FlowTableOptions } from './contract.js';
import type { FlowEntry } from './entry.js';
import { hashKey, type FlowIndex } from './flow-index.js';

const TCP_SYN_FIN_RST = 0x07;

function u16(b: Uint8Array, i: number): number {
  return ((b[i] as number) << 8) | (b[i + 1] as number);
}

/** Accounts plain frames of known flows without the generic decoder. */
export class FastPath {
  readonly #index: FlowIndex<FlowEntry>;
  readonly #lk = new LookupKeyWriter();
  readonly #l2Mode: boolean;
  readonly #tcp: boolean;
  /** 1 for ports whose payload the full path must see (tunnels, MPLS, DNS when copied). */
  readonly #udpPorts = new Uint8Array(65536);
  readonly #tcpPorts = new Uint8Array(65536);

  constructor(index: FlowIndex<FlowEntry>, o: FlowTableOptions, dnsCopied: boolean) {
    this.#index = index;
    this.#l2Mode = o.layerKeyMode === 'L2';
    // TCP metrics need every segment's flags, TTL and sequence: those flows take the full path
    this.#tcp = !o.extraTCPMetric;
    for (const p of [4789, 8472, 6081, ...o.mplsUDPPorts]) this.#udpPorts[p] = 1;
    if (dnsCopied) this.#udpPorts[53] = this.#tcpPorts[53] = 1;
  }

  /** True when the frame was accounted to its flow. */
  packet(b: Uint8Array, off: number, capturedLength: number, wireLength: number, tsMs: number): boolean {
    const end = Math.min(b.length, off + capturedLength);
    if (end - off < 34 || b[off + 12] !== 0x08 || b[off + 13] !== 0x00) return false;
    const ip = off + 14;
    const ihl = ((b[ip] as number) & 0x0f) * 4;
    let total = u16(b, ip + 2);
    if (total === 0) total = end - ip;
    if (ihl < 20 || total < ihl || ihl > end - ip || (u16(b, ip + 6) & 0x3fff) !== 0) return false;
    const proto = b[ip + 9], l4 = ip + ihl, avail = Math.min(end, ip + total) - l4;
    if (proto === 6) {
      const hlen = ((b[l4 + 12] as number) >> 4) * 4;
      if (!this.#tcp || avail < 20 || hlen < 20 || hlen > avail || ((b[l4 + 13] as number) & TCP_SYN_FIN_RST) !== 0) return false;
      if (this.#tcpPorts[u16(b, l4)] || this.#tcpPorts[u16(b, l4 + 2)]) return false;
    } else if (proto === 17) {
      const len = u16(b, l4 + 4);
      if (avail < 8 || (len > 0 && len < 8) || this.#udpPorts[u16(b, l4)] || this.#udpPorts[u16(b, l4 + 2)]) return false;
    } else {
      return false;
    }
    return this.#account(b, off, ip, l4, proto === 6, wireLength, tsMs);
  }

  #account(b: Uint8Array, eth: number, ip: number, l4: number, isTcp: boolean, wireLength: number, tsMs: number): boolean {
    const lk = this.#lk;
    lk.writeIPv4Ports(b, this.#l2Mode ? eth : -1, ip, l4, isTcp);
    const len = lk.length + 1;
    lk.words[lk.length] = 0; // no parent flow
    const hash = hashKey(lk.words, len);
    const e = this.#index.get(lk.words, len, hash);
    if (e === undefined) return false;
    this.#index.touch(e);
    const d = lk.decision;
    const ab = (d & TIE) === 0 ? (d & SWAP) === e.swapDecision : e.transportA > u16(b, l4);
    e.count(ab, Math.max(0, wireLength), tsMs);
    return true;
  }
}
