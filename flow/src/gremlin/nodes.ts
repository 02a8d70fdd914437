// From flows to nodes (reference §8.1): Hops()/CaptureNode()/Node() give the node whose TID is the flow's NodeTID,
// In()/Out()/Both() the node owning (or peering with) the Link.A / Link.B MAC, Nodes() the capture node then A and B
// by MAC. Extra Has-style parameters, and a following Has, filter the node looked up; Range/Limit bound the output.
import { getField, type GraphView, type Node } from '@topoflow/graph';
import {
  Collector, compileFilter, defineStep, Filter, type NextStep, NodesResult, type QueryBudget, type StepDefinition,
  type Window,
} from '@topoflow/gremlin';
import { getFlowString } from '../model/fields.js';
import type { Flow } from '../model/flow.js';
import { dataOf, type FlowsData, FlowResultKinds } from './kinds.js';

/** Arguments of the flow-to-node steps. */
export interface FlowNodesArgs {
  readonly filter: Filter | undefined;
  readonly window: Window | undefined;
}

/** One lookup per flow: the node fields tried in turn, and the flow field holding the value. */
type Lookup = readonly [fields: readonly string[], flowKey: string];

const CAPTURE: Lookup = [['TID'], 'NodeTID'];
const SIDE_A: Lookup = [['MAC', 'PeerIntfMAC'], 'Link.A'];
const SIDE_B: Lookup = [['MAC', 'PeerIntfMAC'], 'Link.B'];

/** Finds nodes by a metadata value through the graph's index, or a map built by one scan when the key has none. */
export class NodeFinder {
  readonly #view: GraphView;
  readonly #budget: QueryBudget;
  readonly #scanned = new Map<string, Map<unknown, Node[]>>();

  constructor(view: GraphView, budget: QueryBudget) {
    this.#view = view;
    this.#budget = budget;
  }

  /** The nodes whose `field` equals (or, for a list, contains) `value`. */
  find(field: string, value: string): readonly Node[] {
    return this.#view.lookupNodes(field, value) ?? this.#scan(field).get(value) ?? [];
  }

  /** The first node matching `value` on one of `fields` (tried in order) and passing the filter. */
  first(fields: readonly string[], value: string, filter: Filter | undefined): Node | undefined {
    for (const field of fields) {
      for (const n of this.find(field, value)) {
        this.#budget.tick();
        if (filter === undefined || filter.test(n)) return n;
      }
    }
    return undefined;
  }

  #scan(field: string): Map<unknown, Node[]> {
    let map = this.#scanned.get(field);
    if (map !== undefined) return map;
    map = new Map();
    for (const n of this.#view.nodes()) {
      this.#budget.tick();
      const v = getField(n, field);
      for (const x of Array.isArray(v) ? v : [v]) {
        if (x === undefined || x === null) continue;
        const list = map.get(x);
        if (list === undefined) map.set(x, [n]);
        else list.push(n);
      }
    }
    this.#scanned.set(field, map);
    return map;
  }
}

/** A following node filter (core Has on nodes, no window of its own), if that is what it is. */
function nodeFilterOf(next: NextStep): Filter | undefined {
  if (next.input !== 'nodes' || next.def.name !== 'Has') return undefined;
  const a = next.args as { filter?: unknown; window?: unknown };
  return a.filter instanceof Filter && a.window === undefined ? a.filter : undefined;
}

/** A following Range/Limit window on nodes, if that is what it is. */
function nodeWindowOf(next: NextStep): Window | undefined {
  if (next.input !== 'nodes' || (next.def.name !== 'Range' && next.def.name !== 'Limit')) return undefined;
  const w = next.args as Partial<Window>;
  return typeof w.from === 'number' && typeof w.to === 'number' ? { from: w.from, to: w.to } : undefined;
}

function fuseNodes(args: FlowNodesArgs, next: NextStep): FlowNodesArgs | undefined {
  if (args.window !== undefined) return undefined;
  const w = nodeWindowOf(next);
  if (w !== undefined) return { ...args, window: w };
  const f = nodeFilterOf(next);
  if (f === undefined) return undefined;
  return { ...args, filter: args.filter === undefined ? f : args.filter.and(f) };
}

function flowNodesStep(name: string, lookups: readonly Lookup[]): StepDefinition<FlowNodesArgs> {
  return defineStep<FlowNodesArgs>({
    name,
    inputs: [FlowResultKinds.FLOWS],
    output: 'nodes',
    compile: (params, site) => ({ filter: compileFilter(params, false, site.position), window: undefined }),
    apply(input, args, ctx) {
      const { flows, view } = dataOf<FlowsData>(input);
      const finder = new NodeFinder(view, ctx.budget);
      const out = new Collector<Node>(ctx.budget, args.window);
      emit: for (const flow of flows as readonly Flow[]) {
        for (const [fields, flowKey] of lookups) {
          const value = getFlowString(flow, flowKey);
          if (value === undefined || value === '') continue;
          const n = finder.first(fields, value, args.filter);
          if (n !== undefined && !out.add(n)) break emit;
        }
      }
      return new NodesResult(out.result(), view);
    },
    fuse: fuseNodes,
  });
}

/** Hops(): the capture node of each flow. */
export const hopsStep = flowNodesStep('Hops', [CAPTURE]);
/** CaptureNode(): the capture node of each flow. */
export const captureNodeStep = flowNodesStep('CaptureNode', [CAPTURE]);
/** Node(): alias of CaptureNode(). */
export const nodeStep = flowNodesStep('Node', [CAPTURE]);
/** Nodes(): the capture node, then the nodes with MAC Link.A and Link.B. */
export const nodesStep = flowNodesStep('Nodes', [CAPTURE, [['MAC'], 'Link.A'], [['MAC'], 'Link.B']]);
/** In(): the node of Link.A (MAC, else PeerIntfMAC). */
export const flowInStep = flowNodesStep('In', [SIDE_A]);
/** Out(): the node of Link.B. */
export const flowOutStep = flowNodesStep('Out', [SIDE_B]);
/** Both(): the nodes of Link.A then Link.B. */
export const flowBothStep = flowNodesStep('Both', [SIDE_A, SIDE_B]);

/** The flow-to-node steps. */
export const FLOW_NODE_STEPS: readonly StepDefinition<FlowNodesArgs>[] = [
  hopsStep, captureNodeStep, nodeStep, nodesStep, flowInStep, flowOutStep, flowBothStep,
];
