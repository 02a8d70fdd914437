// Classic BPF programs: the opcode table, the 8-byte instruction encoding libpcap's compiler produces (code u16,
// jt u8, jf u8, k u32, little-endian here), and the checks a program must pass before it runs (as bpf_validate).
import { flowError, FlowErrors } from '../errors.js';

/** Opcodes of classic BPF (class | size | mode, class | op | source). */
export const BpfOp = {
  LD_W_ABS: 0x20, LD_H_ABS: 0x28, LD_B_ABS: 0x30,
  LD_W_IND: 0x40, LD_H_IND: 0x48, LD_B_IND: 0x50,
  LD_W_LEN: 0x80, LD_IMM: 0x00, LD_MEM: 0x60,
  LDX_IMM: 0x01, LDX_MEM: 0x61, LDX_W_LEN: 0x81, LDX_MSH_B: 0xb1,
  ST: 0x02, STX: 0x03,
  ADD_K: 0x04, SUB_K: 0x14, MUL_K: 0x24, DIV_K: 0x34, OR_K: 0x44, AND_K: 0x54, LSH_K: 0x64, RSH_K: 0x74,
  MOD_K: 0x94, XOR_K: 0xa4,
  ADD_X: 0x0c, SUB_X: 0x1c, MUL_X: 0x2c, DIV_X: 0x3c, OR_X: 0x4c, AND_X: 0x5c, LSH_X: 0x6c, RSH_X: 0x7c,
  MOD_X: 0x9c, XOR_X: 0xac, NEG: 0x84,
  JA: 0x05, JEQ_K: 0x15, JGT_K: 0x25, JGE_K: 0x35, JSET_K: 0x45,
  JEQ_X: 0x1d, JGT_X: 0x2d, JGE_X: 0x3d, JSET_X: 0x4d,
  RET_K: 0x06, RET_A: 0x16,
  TAX: 0x07, TXA: 0x87,
} as const;

/** Scratch memory words. */
export const BPF_MEMWORDS = 16;
/** Longest program accepted (the Linux kernel's limit). */
export const BPF_MAXINSNS = 4096;
const INSN_SIZE = 8;
const KNOWN = new Set<number>(Object.values(BpfOp));
const MEM_OPS = new Set<number>([BpfOp.LD_MEM, BpfOp.LDX_MEM, BpfOp.ST, BpfOp.STX]);
const COND_JUMPS = new Set<number>([BpfOp.JEQ_K, BpfOp.JGT_K, BpfOp.JGE_K, BpfOp.JSET_K, BpfOp.JEQ_X, BpfOp.JGT_X,
  BpfOp.JGE_X, BpfOp.JSET_X]);

/** One instruction. */
export interface BpfInstruction {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

/** A program as parallel typed arrays, the shape the interpreter runs. */
export interface BpfProgram {
  readonly length: number;
  readonly code: Uint16Array;
  readonly jt: Uint8Array;
  readonly jf: Uint8Array;
  readonly k: Uint32Array;
}

/** Decodes libpcap's 8-byte instruction encoding. */
export function decodeBpf(bytes: Uint8Array): BpfInstruction[] {
  if (bytes.length % INSN_SIZE !== 0) throw invalid(`a BPF program is a multiple of ${INSN_SIZE} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: BpfInstruction[] = [];
  for (let o = 0; o < bytes.length; o += INSN_SIZE) {
    out.push({ code: view.getUint16(o, true), jt: view.getUint8(o + 2), jf: view.getUint8(o + 3), k: view.getUint32(o + 4, true) });
  }
  return out;
}

/** Encodes instructions in libpcap's 8-byte encoding (what the addon's bpfOfflineFilter takes). */
export function encodeBpf(instructions: readonly BpfInstruction[]): Buffer {
  const out = Buffer.alloc(instructions.length * INSN_SIZE);
  instructions.forEach((ins, i) => {
    out.writeUInt16LE(ins.code, i * INSN_SIZE);
    out.writeUInt8(ins.jt, i * INSN_SIZE + 2);
    out.writeUInt8(ins.jf, i * INSN_SIZE + 3);
    out.writeUInt32LE(ins.k >>> 0, i * INSN_SIZE + 4);
  });
  return out;
}

/** The first reason `instructions` cannot run, or null when it is a valid program. */
export function checkBpf(instructions: readonly BpfInstruction[]): string | null {
  const len = instructions.length;
  if (len < 1 || len > BPF_MAXINSNS) return `a program has 1 to ${BPF_MAXINSNS} instructions`;
  for (let i = 0; i < len; i++) {
    const ins = instructions[i] as BpfInstruction;
    const reason = checkInstruction(ins, i, len);
    if (reason !== null) return `instruction ${i}: ${reason}`;
  }
  const last = (instructions[len - 1] as BpfInstruction).code;
  return last === BpfOp.RET_K || last === BpfOp.RET_A ? null : 'the last instruction is not a return';
}

function checkInstruction(ins: BpfInstruction, i: number, len: number): string | null {
  const { code, k } = ins;
  if (!KNOWN.has(code)) return `unknown opcode 0x${code.toString(16)}`;
  if (MEM_OPS.has(code) && k >= BPF_MEMWORDS) return `scratch memory index ${k} out of range`;
  if ((code === BpfOp.DIV_K || code === BpfOp.MOD_K) && k === 0) return 'division by zero';
  if ((code === BpfOp.LSH_K || code === BpfOp.RSH_K) && k >= 32) return 'shift by 32 or more';
  const from = i + 1;
  // backward jumps (k read as signed) are allowed: libpcap implements "protochain" with them
  if (code === BpfOp.JA && (from + (k | 0) < 0 || from + (k | 0) >= len || (k | 0) === -1)) return 'jump out of the program';
  if (COND_JUMPS.has(code) && (from + ins.jt >= len || from + ins.jf >= len)) return 'jump out of the program';
  return null;
}

/** Checks and packs instructions for the interpreter; throws FLOW_BPF_INVALID when they cannot run. */
export function packBpf(instructions: readonly BpfInstruction[]): BpfProgram {
  const reason = checkBpf(instructions);
  if (reason !== null) throw invalid(reason);
  const n = instructions.length;
  const p = { length: n, code: new Uint16Array(n), jt: new Uint8Array(n), jf: new Uint8Array(n), k: new Uint32Array(n) };
  instructions.forEach((ins, i) => {
    p.code[i] = ins.code;
    p.jt[i] = ins.jt;
    p.jf[i] = ins.jf;
    p.k[i] = ins.k >>> 0;
  });
  return p;
}

function invalid(message: string) {
  return flowError(FlowErrors.BPF_INVALID, `invalid BPF program: ${message}`);
}
