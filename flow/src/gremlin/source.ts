// How the flow steps reach the FlowQuerySource: live flows without a time context, stored history under
// At()/Context() (with the expire margin of reference §8.3), and errors of the source turned into FLOW_SOURCE_FAILED.
import { AppError } from '@topoflow/common';
import { GremlinErrors, gremlinError, type StepContext, type TimeSlice } from '@topoflow/gremlin';
import { flowError, FlowErrors } from '../errors.js';
import type { Flow } from '../model/flow.js';
import type { FlowQuerySource, FlowSearch, FlowTimeRange } from '../query/contract.js';

/** Flow expiry used when none is given: Skydive's `flow.expire` default, 600 s. */
export const DEFAULT_FLOW_EXPIRE_MS = 600_000;

/** What the flow steps need. */
export interface FlowExtensionDeps {
  /** Where flows, their metrics and raw packets come from. */
  source: FlowQuerySource;
  /**
   * How long a flow lives after its last packet (agents' flow.expire), in ms: a time-context query asks history
   * for flows active in [slice start − expireMs, slice end], like the live tables would have held them.
   */
  expireMs?: number;
  /** Compiles a BPF expression for a link type into a packet test; BPF() fails without it. */
  compileBpf?: (expr: string, linkType: number) => (data: Uint8Array) => boolean;
}

/** Awaits a source call; an error that is not an AppError becomes FLOW_SOURCE_FAILED (502). */
export async function callSource<T>(what: string, call: () => T | Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw flowError(FlowErrors.SOURCE_FAILED, `the flow source failed to answer ${what}`, { call: what }, { cause: err });
  }
}

/** Fails with a clear Gremlin error when a time-context query meets a source without history. */
export function requireHistory(source: FlowQuerySource): void {
  if (!source.hasHistory) {
    throw gremlinError(GremlinErrors.HISTORY_UNSUPPORTED, 'no flow history store is configured');
  }
}

/** The flows of a search: live, or from history over [start − expire, end] under a time context. */
export async function searchFlows(deps: FlowExtensionDeps, search: FlowSearch, ctx: StepContext): Promise<Flow[]> {
  const slice = ctx.timeSlice;
  if (slice === undefined) return callSource('live()', () => deps.source.live(search));
  requireHistory(deps.source);
  const expire = deps.expireMs ?? DEFAULT_FLOW_EXPIRE_MS;
  const range = { from: Math.max(0, slice.start - expire), to: slice.end };
  return callSource('history()', () => deps.source.history(search, range));
}

/** The range metrics and raw packets are read over: the slice, or everything up to the instant of At(t). */
export function recordRange(slice: TimeSlice): FlowTimeRange {
  return { from: slice.point ? 0 : slice.start, to: slice.end };
}
