// Parameters of the flow steps: Has-style key/value lists over flows (the bare keys Link, Network and Transport
// meaning "either end"), and flow field keys checked while the query is planned.
import {
  compileValue, type FieldMatcher, Filter, type FilterTerm, keyTerm, type Param, paramsError, type StepSite, stringParam,
} from '@topoflow/gremlin';
import { ENDPOINT_LAYER_KEYS, type FlowFieldType, flowFieldType } from '../model/fields.js';

/** A term on `X.A` or `X.B`: Skydive's reading of a bare `Link`, `Network` or `Transport` key. */
function eitherEndTerm(layer: string, match: FieldMatcher): FilterTerm {
  return {
    key: undefined,
    lookup: undefined,
    test: (item, get) => match(get(item, `${layer}.A`)) || match(get(item, `${layer}.B`)),
  };
}

/**
 * Compiles `k1, v1, k2, v2, …` over flows, ANDed (or ORed); values are plain values or any predicate of the
 * dialect. Flows need pairs: a lone key ("exists") is HasKey's job, as in Skydive.
 */
export function compileFlowFilter(params: readonly Param[], or: boolean, site: StepSite): Filter {
  if (params.length < 2 || params.length % 2 !== 0) {
    throw paramsError(`${site.name}() on flows takes key,value pairs (use HasKey() to test that a field exists)`,
      params[params.length - 1]?.pos ?? site.position);
  }
  const terms: FilterTerm[] = [];
  for (let i = 0; i < params.length; i += 2) {
    const key = stringParam(params[i] as Param, site, 'a flow field (string)');
    const value = compileValue(params[i + 1] as Param);
    terms.push(ENDPOINT_LAYER_KEYS.has(key) ? eitherEndTerm(key, value.match) : keyTerm(key, value.match, value.lookup));
  }
  return new Filter(terms, or);
}

/** A flow field key parameter; fails while planning when no flow can have that field. */
export function flowKeyParam(p: Param, site: StepSite, accept?: (type: FlowFieldType) => boolean): string {
  const key = stringParam(p, site, 'a flow field (string)');
  const type = flowFieldType(key);
  if (type === undefined) throw paramsError(`${site.name}(): '${key}' is not a flow field`, p.pos);
  if (accept !== undefined && !accept(type)) throw paramsError(`${site.name}(): '${key}' cannot be used here`, p.pos);
  return key;
}
