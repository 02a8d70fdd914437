// Classic BPF interpreter with libpcap's semantics: loads past the captured bytes reject the packet, division
// by zero rejects it, shifts by 32 or more give 0, `len` is the wire length, scratch memory starts at zero.
// It allocates nothing per packet: the scratch memory belongs to the caller.
import { BPF_MEMWORDS, BpfOp, type BpfProgram } from './program.js';

/** Backward jumps allowed per packet (libpcap's "protochain" loops), so every run ends. */
const MAX_BACKWARD_JUMPS = 4096;

/** Scratch memory for runBpf (one per filter; runs never overlap in a single thread). */
export function bpfScratch(): Uint32Array {
  return new Uint32Array(BPF_MEMWORDS);
}

function u32(d: Uint8Array, i: number): number {
  return ((d[i]! << 24) | (d[i + 1]! << 16) | (d[i + 2]! << 8) | d[i + 3]!) >>> 0;
}

/**
 * Runs `p` on the frame `data[offset, offset + caplen)` whose wire length is `wirelen`; returns what the program
 * returns (0 = reject, else the number of bytes to keep). `p` must come from packBpf (checked).
 */
export function runBpf(p: BpfProgram, mem: Uint32Array, data: Uint8Array, offset: number, caplen: number, wirelen: number): number {
  const { code, jt, jf, k } = p;
  const n = p.length;
  let a = 0;
  let x = 0;
  let backward = 0;
  mem.fill(0);
  for (let pc = 0; pc < n; pc++) {
    const K = k[pc]!;
    switch (code[pc]) {
      case BpfOp.RET_K: return K;
      case BpfOp.RET_A: return a;
      case BpfOp.LD_W_ABS: if (K + 4 > caplen) return 0; a = u32(data, offset + K); break;
      case BpfOp.LD_H_ABS: if (K + 2 > caplen) return 0; a = (data[offset + K]! << 8) | data[offset + K + 1]!; break;
      case BpfOp.LD_B_ABS: if (K >= caplen) return 0; a = data[offset + K]!; break;
      case BpfOp.LD_W_IND: if (x + K + 4 > caplen) return 0; a = u32(data, offset + x + K); break;
      case BpfOp.LD_H_IND: if (x + K + 2 > caplen) return 0; a = (data[offset + x + K]! << 8) | data[offset + x + K + 1]!; break;
      case BpfOp.LD_B_IND: if (x + K >= caplen) return 0; a = data[offset + x + K]!; break;
      case BpfOp.LDX_MSH_B: if (K >= caplen) return 0; x = (data[offset + K]! & 0xf) << 2; break;
      case BpfOp.LD_W_LEN: a = wirelen >>> 0; break;
      case BpfOp.LDX_W_LEN: x = wirelen >>> 0; break;
      case BpfOp.LD_IMM: a = K; break;
      case BpfOp.LDX_IMM: x = K; break;
      case BpfOp.LD_MEM: a = mem[K]!; break;
      case BpfOp.LDX_MEM: x = mem[K]!; break;
      case BpfOp.ST: mem[K] = a; break;
      case BpfOp.STX: mem[K] = x; break;
      case BpfOp.JA:
        if ((K | 0) < 0 && ++backward > MAX_BACKWARD_JUMPS) return 0;
        pc += K | 0;
        break;
      case BpfOp.JEQ_K: pc += a === K ? jt[pc]! : jf[pc]!; break;
      case BpfOp.JGT_K: pc += a > K ? jt[pc]! : jf[pc]!; break;
      case BpfOp.JGE_K: pc += a >= K ? jt[pc]! : jf[pc]!; break;
      case BpfOp.JSET_K: pc += (a & K) !== 0 ? jt[pc]! : jf[pc]!; break;
      case BpfOp.JEQ_X: pc += a === x ? jt[pc]! : jf[pc]!; break;
      case BpfOp.JGT_X: pc += a > x ? jt[pc]! : jf[pc]!; break;
      case BpfOp.JGE_X: pc += a >= x ? jt[pc]! : jf[pc]!; break;
      case BpfOp.JSET_X: pc += (a & x) !== 0 ? jt[pc]! : jf[pc]!; break;
      case BpfOp.TAX: x = a; break;
      case BpfOp.TXA: a = x; break;
      default:
        a = alu(code[pc]!, a, x, K);
        if (a < 0) return 0;
    }
  }
  return 0;
}

/** The accumulator after an ALU op (≥ 0), or -1 to reject the packet (division by zero, unknown op). */
function alu(op: number, a: number, x: number, K: number): number {
  switch (op) {
    case BpfOp.ADD_K: return (a + K) >>> 0;
    case BpfOp.SUB_K: return (a - K) >>> 0;
    case BpfOp.MUL_K: return Math.imul(a, K) >>> 0;
    case BpfOp.DIV_K: return K === 0 ? -1 : Math.floor(a / K);
    case BpfOp.MOD_K: return K === 0 ? -1 : a % K;
    case BpfOp.AND_K: return (a & K) >>> 0;
    case BpfOp.OR_K: return (a | K) >>> 0;
    case BpfOp.XOR_K: return (a ^ K) >>> 0;
    case BpfOp.LSH_K: return K < 32 ? (a << K) >>> 0 : 0;
    case BpfOp.RSH_K: return K < 32 ? a >>> K : 0;
    case BpfOp.ADD_X: return (a + x) >>> 0;
    case BpfOp.SUB_X: return (a - x) >>> 0;
    case BpfOp.MUL_X: return Math.imul(a, x) >>> 0;
    case BpfOp.DIV_X: return x === 0 ? -1 : Math.floor(a / x);
    case BpfOp.MOD_X: return x === 0 ? -1 : a % x;
    case BpfOp.AND_X: return (a & x) >>> 0;
    case BpfOp.OR_X: return (a | x) >>> 0;
    case BpfOp.XOR_X: return (a ^ x) >>> 0;
    case BpfOp.LSH_X: return x < 32 ? (a << x) >>> 0 : 0;
    case BpfOp.RSH_X: return x < 32 ? a >>> x : 0;
    case BpfOp.NEG: return (0 - a) >>> 0;
    default: return -1;
  }
}
