import { strict as assert } from 'node:assert';
import { isAppError } from '@topoflow/common';
import { Prng } from '@topoflow/common/testing';
import { FlowErrors } from '../errors.js';
import { pcapAddon } from '../libpcap/native.js';
import { BpfOp, checkBpf, decodeBpf, encodeBpf, packBpf, type BpfInstruction } from './program.js';
import { sampleFrames } from './test-frames.js';
import { bpfScratch, runBpf } from './vm.js';

const OPS = Object.values(BpfOp);
const MEM = new Set<number>([BpfOp.LD_MEM, BpfOp.LDX_MEM, BpfOp.ST, BpfOp.STX]);
const LOADS = new Set<number>([BpfOp.LD_W_ABS, BpfOp.LD_H_ABS, BpfOp.LD_B_ABS, BpfOp.LD_W_IND, BpfOp.LD_H_IND,
  BpfOp.LD_B_IND, BpfOp.LDX_MSH_B]);
const CONDS = new Set<number>([BpfOp.JEQ_K, BpfOp.JGT_K, BpfOp.JGE_K, BpfOp.JSET_K, BpfOp.JEQ_X, BpfOp.JGT_X, BpfOp.JGE_X, BpfOp.JSET_X]);

/** A random constant: small (offsets into the frame) or any 32-bit value. */
function randomK(rng: Prng, code: number): number {
  if (MEM.has(code)) return rng.int(16);
  if (code === BpfOp.LSH_K || code === BpfOp.RSH_K) return rng.int(32);
  if (LOADS.has(code) && rng.int(6) === 0) return 0xfffffff0 + rng.int(16);
  const k = rng.int(4) === 0 ? Math.floor(rng.next() * 2 ** 32) : rng.int(80);
  return (code === BpfOp.DIV_K || code === BpfOp.MOD_K) && k === 0 ? 3 : k;
}

/** A random valid program: every opcode, forward jumps, loads near and past the frame, constants of every size. */
function randomProgram(rng: Prng): BpfInstruction[] {
  // libpcap 1.10 leaves scratch memory uninitialised: store every word first
  const out: BpfInstruction[] = Array.from({ length: 16 }, (_, i) => [{ code: BpfOp.LD_IMM, jt: 0, jf: 0, k: rng.int(3) === 0 ? 0 : rng.int(100) },
    { code: BpfOp.ST, jt: 0, jf: 0, k: i }]).flat();
  const guarded = new Set<number>();
  for (let i = 1 + rng.int(40); i > 0; i--) {
    const code = rng.pick(OPS.filter((c) => (c !== BpfOp.RET_K && c !== BpfOp.RET_A) || rng.int(8) === 0));
    // libpcap before 1.10.5 shifts by X as C does (by X mod 32 on x86): keep X below 32 before such a shift
    if (code === BpfOp.LSH_X || code === BpfOp.RSH_X) {
      out.push({ code: BpfOp.LDX_IMM, jt: 0, jf: 0, k: rng.int(32) });
      guarded.add(out.length);
    }
    out.push({ code, jt: 0, jf: 0, k: randomK(rng, code) });
  }
  out.push({ code: rng.int(2) === 0 ? BpfOp.RET_A : BpfOp.RET_K, jt: 0, jf: 0, k: rng.int(3) === 0 ? 0 : 65535 });
  // jumps forward, never straight onto a guarded shift
  const target = (i: number) => {
    const off = rng.int(out.length - 1 - i);
    return guarded.has(i + 1 + off) ? off - 1 : off;
  };
  out.forEach((ins, i) => {
    if (CONDS.has(ins.code)) Object.assign(ins, { jt: target(i), jf: target(i) });
    if (ins.code === BpfOp.JA) ins.k = target(i);
  });
  return out;
}

describe('BPF programs', () => {
  it('round-trips the 8-byte encoding', () => {
    const p: BpfInstruction[] = [{ code: BpfOp.LD_H_ABS, jt: 0, jf: 0, k: 12 }, { code: BpfOp.JEQ_K, jt: 0, jf: 1, k: 0x800 },
      { code: BpfOp.RET_K, jt: 0, jf: 0, k: 0xffffffff }, { code: BpfOp.RET_K, jt: 0, jf: 0, k: 0 }];
    assert.deepEqual(decodeBpf(encodeBpf(p)), p);
  });

  it('refuses programs that cannot run, as libpcap does', () => {
    const ret = { code: BpfOp.RET_K, jt: 0, jf: 0, k: 1 };
    // libpcap 1.10 lets unknown MISC opcodes, constant shifts by 32 or more and a jump to itself through its validator
    const alsoLibpcap: BpfInstruction[][] = [
      [],
      [{ code: BpfOp.LD_MEM, jt: 0, jf: 0, k: 16 }, ret],
      [{ code: BpfOp.DIV_K, jt: 0, jf: 0, k: 0 }, ret],
      [{ code: BpfOp.MOD_K, jt: 0, jf: 0, k: 0 }, ret],
      [{ code: BpfOp.JEQ_K, jt: 1, jf: 0, k: 0 }, ret],
      [{ code: BpfOp.JA, jt: 0, jf: 0, k: 1 }, ret],
      [ret, { code: BpfOp.LD_IMM, jt: 0, jf: 0, k: 0 }],
    ];
    const onlyHere: BpfInstruction[][] = [[{ code: BpfOp.JA, jt: 0, jf: 0, k: 0xffffffff }, ret], [{ code: 0xff, jt: 0, jf: 0, k: 0 }, ret], [{ code: BpfOp.LSH_K, jt: 0, jf: 0, k: 32 }, ret]];
    const addon = pcapAddon();
    for (const p of [...alsoLibpcap, ...onlyHere]) {
      assert.notEqual(checkBpf(p), null, JSON.stringify(p));
      if (p.length > 0 && alsoLibpcap.includes(p)) assert.equal(addon.bpfValidate(encodeBpf(p)), false, JSON.stringify(p));
      assert.throws(() => packBpf(p), (err) => isAppError(err, FlowErrors.BPF_INVALID));
    }
  });

  it('gives 0 for shifts by 32 or more and rejects division by a zero X', () => {
    const mem = bpfScratch();
    const run = (op: number, x: number) => runBpf(packBpf([{ code: BpfOp.LD_IMM, jt: 0, jf: 0, k: 0xf0f0f0f0 },
      { code: BpfOp.LDX_IMM, jt: 0, jf: 0, k: x }, { code: op, jt: 0, jf: 0, k: 0 }, { code: BpfOp.RET_A, jt: 0, jf: 0, k: 0 }]), mem, Buffer.alloc(0), 0, 0, 0);
    assert.equal(run(BpfOp.LSH_X, 32), 0);
    assert.equal(run(BpfOp.RSH_X, 40), 0);
    assert.equal(run(BpfOp.RSH_X, 4), 0x0f0f0f0f);
    assert.equal(run(BpfOp.LSH_X, 4), 0x0f0f0f00);
    assert.equal(run(BpfOp.DIV_X, 0), 0);
    assert.equal(run(BpfOp.MOD_X, 0), 0);
    assert.equal(run(BpfOp.DIV_X, 16), 0x0f0f0f0f);
  });

  it('runs every instruction as libpcap does (random programs on random and real frames)', () => {
    const addon = pcapAddon();
    const rng = new Prng(20240611);
    const frames = Object.values(sampleFrames());
    const mem = bpfScratch();
    let accepted = 0;
    for (let n = 0; n < 2000; n++) {
      const ins = randomProgram(rng);
      const bytes = encodeBpf(ins);
      assert.equal(checkBpf(ins), null, JSON.stringify(ins));
      assert.equal(addon.bpfValidate(bytes), true, JSON.stringify(ins));
      const program = packBpf(ins);
      for (let f = 0; f < 4; f++) {
        const d = rng.int(2) === 0 ? rng.pick(frames) : Buffer.from(Array.from({ length: rng.int(100) }, () => rng.int(256)));
        const caplen = rng.int(3) === 0 ? rng.int(d.length + 1) : d.length;
        const wire = caplen + rng.int(3) * 500;
        const expected = addon.bpfOfflineFilter(bytes, d, caplen, wire);
        assert.equal(runBpf(program, mem, d, 0, caplen, wire), expected, `${JSON.stringify(ins)} on ${d.toString('hex')}/${caplen}/${wire}`);
        if (expected !== 0) accepted++;
      }
    }
    assert.ok(accepted > 300, `accepted ${accepted}`);
  });
});
