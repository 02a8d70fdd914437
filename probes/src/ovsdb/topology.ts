// Applies OVSDB monitor dumps and updates to the graph: keeps the last known rows, dispatches per table and,
// on a new initial dump (after a reconnect), deletes what is no longer there.
import type { Graph } from '@topoflow/graph';
import { deleteBridge, upsertBridge } from './bridge.js';
import { type OvsdbContext, createContext } from './context.js';
import { deleteInterface, upsertInterface } from './interface.js';
import { updateOpenVswitch } from './open-vswitch.js';
import { deletePort, upsertPort } from './port.js';
import type { MonitorRequests, Row, TableUpdates } from './values.js';

/** Tables the probe monitors, in the order rows are applied. */
export const OVSDB_TABLES = ['Open_vSwitch', 'Bridge', 'Port', 'Interface'] as const;

/** Columns never monitored: counters change constantly and are not topology. */
const SKIPPED_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  Bridge: ['statistics'], Port: ['statistics', 'rstp_statistics'], Interface: ['statistics'], Open_vSwitch: ['statistics'],
};

/** Monitor requests for the probe's tables given the database schema: every column but the statistics. */
export function monitorRequests(schema: Record<string, unknown>): MonitorRequests {
  const tables = (schema.tables ?? {}) as Record<string, { columns?: Record<string, unknown> }>;
  const out: MonitorRequests = {};
  for (const table of OVSDB_TABLES) {
    const skip = SKIPPED_COLUMNS[table] ?? [];
    const columns = Object.keys(tables[table]?.columns ?? {}).filter((c) => !skip.includes(c));
    out[table] = { columns, select: { initial: true, insert: true, delete: true, modify: true } };
  }
  return out;
}

type Table = (typeof OVSDB_TABLES)[number];

/** What the topology needs from outside. */
export interface OvsdbTopologyDeps {
  graph: Graph;
  hostId: string;
  hostNodeId: string;
  /** Called when one row cannot be applied; the others still are. Rethrows by default. */
  onRowError?: (err: unknown, table: string, uuid: string) => void;
}

/** The graph side of the OVSDB probe, fed with monitor payloads. */
export class OvsdbTopology {
  readonly #ctx: OvsdbContext;
  readonly #rows = new Map<Table, Map<string, Row>>(OVSDB_TABLES.map((t) => [t, new Map()]));
  readonly #onRowError: (err: unknown, table: string, uuid: string) => void;

  constructor(deps: OvsdbTopologyDeps) {
    this.#ctx = createContext(deps.graph, deps.hostId, deps.hostNodeId);
    this.#onRowError = deps.onRowError ?? ((err) => { throw err; });
  }

  /** Row counts per table. */
  counts(): Record<string, number> {
    return Object.fromEntries([...this.#rows].map(([t, rows]) => [t, rows.size]));
  }

  /** Applies a monitor payload; `initial` means a full dump, so known rows missing from it are deleted. */
  apply(updates: TableUpdates, initial: boolean): void {
    if (initial) {
      for (const table of [...OVSDB_TABLES].reverse()) {
        const present = updates[table] ?? {};
        for (const uuid of [...this.#rows.get(table)!.keys()]) {
          if (present[uuid]?.new === undefined) this.#run(table, uuid, undefined);
        }
      }
    }
    for (const table of OVSDB_TABLES) {
      for (const [uuid, change] of Object.entries(updates[table] ?? {})) {
        if (change === null || typeof change !== 'object') continue;
        this.#run(table, uuid, change.new);
      }
    }
  }

  #run(table: Table, uuid: string, fresh: Row | undefined): void {
    const rows = this.#rows.get(table)!;
    try {
      if (fresh === undefined) {
        rows.delete(uuid);
        this.#delete(table, uuid);
        return;
      }
      const row = { ...rows.get(uuid), ...fresh };
      rows.set(uuid, row);
      this.#upsert(table, uuid, row);
    } catch (err) {
      this.#onRowError(err, table, uuid);
    }
  }

  #upsert(table: Table, uuid: string, row: Row): void {
    const ctx = this.#ctx;
    if (table === 'Open_vSwitch') updateOpenVswitch(ctx, row);
    else if (table === 'Bridge') upsertBridge(ctx, uuid, row);
    else if (table === 'Port') upsertPort(ctx, uuid, row);
    else upsertInterface(ctx, uuid, row);
  }

  #delete(table: Table, uuid: string): void {
    const ctx = this.#ctx;
    if (table === 'Bridge') deleteBridge(ctx, uuid);
    else if (table === 'Port') deletePort(ctx, uuid);
    else if (table === 'Interface') deleteInterface(ctx, uuid);
  }
}
