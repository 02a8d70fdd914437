// Configuration loading: defaults, then a YAML file, then TOPOFLOW_* environment variables.
// The defaults object is the schema: unknown keys and mistyped values fail with every bad path listed.
import { readFileSync } from 'node:fs';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { AppError, CommonErrors } from './errors.js';

/** A plain configuration tree. */
export type ConfigTree = { [key: string]: unknown };

/** Where the configuration comes from. */
export interface LoadConfigOptions<T extends ConfigTree> {
  defaults: T;
  /** Path of a YAML file; absent means defaults and environment only. */
  file?: string | undefined;
  /** Environment to read TOPOFLOW_* overrides from (the caller passes process.env). */
  env?: Record<string, string | undefined>;
  /** Prefix of environment overrides. */
  envPrefix?: string;
}

const isObject = (v: unknown): v is ConfigTree => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Name of the environment variable that overrides a dotted config path. */
export function envName(path: string, prefix = 'TOPOFLOW_'): string {
  return prefix + path.split('.').map((seg) => seg.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('_');
}

/** Every overridable path of a defaults tree; an empty object is a free map and is a leaf. */
export function leafPaths(tree: ConfigTree, prefix = ''): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(tree)) {
    const p = prefix ? `${prefix}.${k}` : k;
    if (isObject(v) && Object.keys(v).length > 0) out.push(...leafPaths(v, p));
    else out.push(p);
  }
  return out;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** Merges `over` into `base`, checking keys and types against `base`; collects problems instead of stopping. */
function mergeChecked(base: ConfigTree, over: unknown, path: string, source: string, problems: string[]): ConfigTree {
  if (!isObject(over)) {
    problems.push(`${path || '(root)'}: expected a mapping in ${source}, got ${typeName(over)}`);
    return base;
  }
  const out: ConfigTree = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const p = path ? `${path}.${k}` : k;
    if (!(k in base)) {
      problems.push(`${p}: unknown key in ${source}`);
      continue;
    }
    const def = base[k];
    if (isObject(def) && Object.keys(def).length === 0) {
      if (isObject(v)) out[k] = v; // free map (e.g. agent.metadata)
      else problems.push(`${p}: expected a mapping in ${source}, got ${typeName(v)}`);
    } else if (isObject(def)) {
      out[k] = mergeChecked(def, v, p, source, problems);
    } else if (def === null || typeName(def) === typeName(v)) {
      out[k] = v;
    } else if (typeof def === 'string' && typeof v === 'number') {
      out[k] = String(v); // durations and addresses may be written as bare numbers
    } else {
      problems.push(`${p}: expected ${typeName(def)} in ${source}, got ${typeName(v)}`);
    }
  }
  return out;
}

function setPath(tree: ConfigTree, path: string, value: unknown): ConfigTree {
  const [head, ...rest] = path.split('.') as [string, ...string[]];
  if (rest.length === 0) return { [head]: value };
  return { [head]: setPath(tree, rest.join('.'), value) };
}

function deepMerge(a: ConfigTree, b: ConfigTree): ConfigTree {
  const out: ConfigTree = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k];
    out[k] = isObject(cur) && isObject(v) ? deepMerge(cur, v) : v;
  }
  return out;
}

/** Loads and validates a configuration; throws COMMON_CONFIG_INVALID listing every bad path. */
export function loadConfig<T extends ConfigTree>(options: LoadConfigOptions<T>): T {
  const problems: string[] = [];
  let config: ConfigTree = options.defaults;
  if (options.file !== undefined) {
    let text: string;
    try {
      text = readFileSync(options.file, 'utf8');
    } catch (cause) {
      throw new AppError(CommonErrors.CONFIG_UNREADABLE, `cannot read config file ${options.file}`, { cause });
    }
    let doc: unknown;
    try {
      doc = parseYaml(text);
    } catch (cause) {
      throw new AppError(CommonErrors.CONFIG_INVALID, `config file ${options.file} is not valid YAML: ${(cause as Error).message}`, { cause });
    }
    if (doc !== null && doc !== undefined) config = mergeChecked(config, doc, '', options.file, problems);
  }
  const prefix = options.envPrefix ?? 'TOPOFLOW_';
  const byEnv = new Map(leafPaths(options.defaults).map((p) => [envName(p, prefix), p]));
  let fromEnv: ConfigTree = {};
  for (const [name, raw] of Object.entries(options.env ?? {})) {
    if (!name.startsWith(prefix) || raw === undefined) continue;
    const path = byEnv.get(name);
    if (path === undefined) {
      problems.push(`${name}: unknown environment override`);
      continue;
    }
    let value: unknown = raw;
    try {
      value = parseYaml(raw);
    } catch {
      // keep the raw string
    }
    if (value === null) value = raw;
    fromEnv = deepMerge(fromEnv, setPath({}, path, value));
  }
  config = mergeChecked(config, fromEnv, '', 'environment', problems);
  if (problems.length > 0) {
    throw new AppError(CommonErrors.CONFIG_INVALID, `invalid configuration:\n  ${problems.join('\n  ')}`, {
      details: { problems },
    });
  }
  return config as T;
}

/** Renders a configuration as YAML (for --dump). */
export function dumpConfig(config: ConfigTree): string {
  return stringifyYaml(config);
}
