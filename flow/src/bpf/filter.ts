// BPF filters from tcpdump expressions: libpcap compiles the expression for a link type (in the addon), the
// JavaScript interpreter runs the program on each frame, so userspace filtering never crosses into C.
import { flowError, FlowErrors } from '../errors.js';
import { nativeCode, pcapAddon } from '../libpcap/native.js';
import { LinkType } from '../table/contract.js';
import { decodeBpf, packBpf, type BpfInstruction, type BpfProgram } from './program.js';
import { bpfScratch, runBpf } from './vm.js';

/** libpcap's default snapshot length, used when a filter is compiled without one. */
export const DEFAULT_BPF_SNAPLEN = 262144;

/** A compiled filter: runs its program on frames of its link type. */
export class BpfFilter {
  /** The expression it was compiled from ('' for a program given as instructions). */
  readonly expression: string;
  readonly linkType: number;
  readonly instructions: readonly BpfInstruction[];
  readonly #program: BpfProgram;
  readonly #mem = bpfScratch();

  /** Checks the program (FLOW_BPF_INVALID when it cannot run). */
  constructor(instructions: readonly BpfInstruction[], linkType: number, expression = '') {
    this.#program = packBpf(instructions);
    this.instructions = instructions;
    this.linkType = linkType;
    this.expression = expression;
  }

  /** What the program returns for the frame `data[offset, offset + caplen)` (0 = rejected). */
  run(data: Uint8Array, offset: number, caplen: number, wirelen: number): number {
    const len = Math.max(0, Math.min(caplen, data.length - offset));
    return runBpf(this.#program, this.#mem, data, offset, len, Math.max(wirelen, len));
  }

  /** True when the filter accepts the frame. */
  matches(data: Uint8Array, offset: number, caplen: number, wirelen: number): boolean {
    return this.run(data, offset, caplen, wirelen) !== 0;
  }
}

/**
 * Compiles a tcpdump filter expression for frames of `linkType` with libpcap (optimised, netmask unknown).
 * Throws FLOW_BPF_INVALID with libpcap's message when it does not compile.
 */
export function compileBpf(expression: string, linkType: number, snaplen: number = DEFAULT_BPF_SNAPLEN): BpfFilter {
  return new BpfFilter(decodeBpf(compileBpfBytes(expression, linkType, snaplen)), linkType, expression);
}

/** libpcap takes DLT_* values: they equal the LINKTYPE_* values but for raw IP (LINKTYPE_RAW 101 is DLT_RAW 12). */
function dltOf(linkType: number): number {
  return linkType === LinkType.RAW ? LinkType.RAW_BSD : linkType;
}

/** The program libpcap compiles, in its 8-byte instruction encoding. */
export function compileBpfBytes(expression: string, linkType: number, snaplen: number = DEFAULT_BPF_SNAPLEN): Buffer {
  const addon = pcapAddon();
  try {
    return addon.bpfCompile(expression, dltOf(linkType), snaplen, 1);
  } catch (err) {
    if (nativeCode(err) !== 'PCAP_COMPILE') throw err;
    throw flowError(FlowErrors.BPF_INVALID, `invalid BPF filter "${expression}": ${(err as Error).message}`, {
      details: { expression, linkType, pcapError: (err as Error).message },
    });
  }
}
