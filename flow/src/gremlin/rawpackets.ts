// RawPackets() on flows (live: the packets the source keeps with live flows; under a time context: the stored
// packets over the slice) and BPF('expr') keeping the packets a BPF filter accepts.
import { AppError } from '@topoflow/common';
import { defineStep, expectCount, type Param, type StepDefinition, stringParam } from '@topoflow/gremlin';
import { flowError, FlowErrors } from '../errors.js';
import type { RawPacket } from '../model/flow.js';
import type { FlowRawPacketRecord } from '../query/contract.js';
import { appendTo, dataOf, type FlowsData, FlowResultKinds, type RawPacketsData } from './kinds.js';
import { callSource, type FlowExtensionDeps, recordRange } from './source.js';

/** Link type of a raw packet without one: Ethernet (LINKTYPE_ETHERNET). */
export const DEFAULT_LINK_TYPE = 1;

/** Raw packets grouped by flow UUID, in the order given. */
function byFlow(records: readonly FlowRawPacketRecord[]): Map<string, RawPacket[]> {
  const out = new Map<string, RawPacket[]>();
  for (const r of records) appendTo(out, r.UUID, r.Packet);
  return out;
}

/** RawPackets(): raw packets by flow UUID. */
export function rawPacketsStep(deps: FlowExtensionDeps): StepDefinition<undefined> {
  return defineStep<undefined>({
    name: 'RawPackets',
    inputs: [FlowResultKinds.FLOWS],
    output: FlowResultKinds.RAW_PACKETS,
    compile(params, site) {
      expectCount(params, site, 0);
      return undefined;
    },
    async apply(input, _args, ctx) {
      const uuids = [...new Set(dataOf<FlowsData>(input).flows.map((f) => f.UUID))];
      const slice = ctx.timeSlice;
      const source = deps.source;
      let records: readonly FlowRawPacketRecord[] = [];
      if (uuids.length > 0 && slice !== undefined) {
        records = await callSource('rawPackets()', () => source.rawPackets(uuids, recordRange(slice)));
      } else if (uuids.length > 0 && source.liveRawPackets !== undefined) {
        records = await callSource('liveRawPackets()', () => (source.liveRawPackets as NonNullable<typeof source.liveRawPackets>)(uuids));
      }
      ctx.budget.ensureSize(records.length);
      return ctx.result<RawPacketsData>(FlowResultKinds.RAW_PACKETS, byFlow(records));
    },
  });
}

type PacketTest = (data: Uint8Array) => boolean;

/** Compiles `expr` for a link type, turning any failure into FLOW_BPF_INVALID. */
function compileFor(compile: NonNullable<FlowExtensionDeps['compileBpf']>, expr: string, linkType: number,
  position: number): PacketTest {
  try {
    return compile(expr, linkType);
  } catch (err) {
    if (err instanceof AppError && err.code === FlowErrors.BPF_INVALID) throw err;
    throw flowError(FlowErrors.BPF_INVALID, `invalid BPF filter '${expr}' for link type ${linkType}: ${(err as Error).message}`,
      { expr, linkType, position }, { cause: err });
  }
}

/** Arguments of BPF(): the expression and where it is written. */
interface BpfArgs {
  readonly expr: string;
  readonly position: number;
}

/** BPF('expr'): the raw packets the filter accepts (compiled once per link type); packets without data are dropped. */
export function bpfStep(deps: FlowExtensionDeps): StepDefinition<BpfArgs> {
  return defineStep<BpfArgs>({
    name: 'BPF',
    inputs: [FlowResultKinds.RAW_PACKETS],
    output: FlowResultKinds.RAW_PACKETS,
    compile(params, site) {
      expectCount(params, site, 1);
      const p = params[0] as Param;
      const expr = stringParam(p, site, 'a BPF expression (string)');
      if (deps.compileBpf === undefined) {
        throw flowError(FlowErrors.BPF_UNAVAILABLE, 'BPF() is not available: no BPF compiler is configured', { position: site.position });
      }
      compileFor(deps.compileBpf, expr, DEFAULT_LINK_TYPE, p.pos);
      return { expr, position: p.pos };
    },
    apply(input, args, ctx) {
      const compile = deps.compileBpf as NonNullable<FlowExtensionDeps['compileBpf']>;
      const tests = new Map<number, PacketTest>();
      const out = new Map<string, RawPacket[]>();
      for (const [uuid, packets] of dataOf<RawPacketsData>(input)) {
        const kept: RawPacket[] = [];
        for (const p of packets) {
          ctx.budget.tick();
          if (p.Data === undefined) continue;
          const linkType = p.LinkType ?? DEFAULT_LINK_TYPE;
          let test = tests.get(linkType);
          if (test === undefined) tests.set(linkType, (test = compileFor(compile, args.expr, linkType, args.position)));
          if (test(Buffer.from(p.Data, 'base64'))) kept.push(p);
        }
        out.set(uuid, kept);
      }
      return ctx.result<RawPacketsData>(FlowResultKinds.RAW_PACKETS, out);
    },
  });
}
