// Makes an Open vSwitch bridge export sFlow to a collector, through OVSDB (Skydive's ovssflow probe): one
// transaction inserts an sFlow row and points Bridge.sflow at it; removal clears Bridge.sflow (OVSDB then drops
// the unreferenced row). The transaction first waits for the bridge, so a missing bridge changes nothing.
import { type AppError, type ComponentReporter, isAppError } from '@topoflow/common';
import { OvsdbErrors, type OvsdbClient } from '@topoflow/probes';
import { agentError, AgentErrors } from '../../errors.js';
import { snapLength } from './pcap-live.js';

const DB = 'Open_vSwitch';
/** Sampling rate OVS gets for a capture with SamplingRate 0 (no sampling), as in Skydive. */
export const SAMPLING_OFF = 0xffffffff;

/** What to export, and where to. */
export interface OvsSflowExportConfig {
  /** Name of the bridge. */
  bridge: string;
  /** Collector "ADDRESS:PORT" (an SflowSource's target). */
  target: string;
  /** Interface whose address OVS uses as the sFlow agent address. */
  agent: string;
  /** Bytes of each sampled frame sent (the capture's HeaderSize; 0 for 256). */
  headerSize: number;
  /** One frame in `samplingRate` is sampled; 0 turns sampling off. */
  samplingRate: number;
  /** Seconds between counter samples (0 leaves OVS's default). */
  pollingInterval: number;
  /** Stored in the row's external_ids as skydive-probe-id, to find rows this agent made. */
  probeId: string;
}

/** Defaults: Skydive's CLI defaults (sampling 1, polling 10 s) with the loopback agent address. */
export function defaultOvsSflowExportConfig(): OvsSflowExportConfig {
  return { bridge: '', target: '', agent: 'lo', headerSize: 0, samplingRate: 1, pollingInterval: 10, probeId: '' };
}

/** What the export needs. */
export interface OvsSflowExportDeps {
  /** A started OVSDB client of the switch that owns the bridge. */
  client: OvsdbClient;
  reporter: ComponentReporter;
}

/** The sFlow export of one bridge. */
export class OvsSflowExport {
  readonly #config: OvsSflowExportConfig;
  readonly #deps: OvsSflowExportDeps;
  readonly #header: number;
  #uuid: string | null = null;

  constructor(config: OvsSflowExportConfig, deps: OvsSflowExportDeps) {
    if (config.bridge === '' || config.target === '') throw agentError(AgentErrors.CAPTURE_CONFIG_INVALID, 'an sFlow export needs a bridge and a target');
    if (!Number.isInteger(config.samplingRate) || config.samplingRate < 0 || config.samplingRate > SAMPLING_OFF) {
      throw agentError(AgentErrors.CAPTURE_CONFIG_INVALID, `invalid sampling rate ${config.samplingRate}`);
    }
    this.#config = config;
    this.#deps = deps;
    this.#header = snapLength(config.headerSize);
  }

  /** UUID of the sFlow row while the export is on. */
  get uuid(): string | null {
    return this.#uuid;
  }

  /** Turns the export on; throws AGENT_OVS_BRIDGE_NOT_FOUND or AGENT_OVS_SFLOW_FAILED. */
  async start(): Promise<void> {
    if (this.#uuid !== null) return;
    const c = this.#config;
    const bridge = [['name', '==', c.bridge]];
    const row = {
      agent: c.agent, targets: ['set', [c.target]], header: this.#header,
      sampling: c.samplingRate === 0 ? SAMPLING_OFF : c.samplingRate, polling: c.pollingInterval > 0 ? c.pollingInterval : ['set', []],
      external_ids: ['map', c.probeId === '' ? [] : [['skydive-probe-id', c.probeId]]],
    };
    const result = await this.#transact('start', [
      { op: 'wait', table: 'Bridge', timeout: 0, where: bridge, columns: ['name'], until: '==', rows: [{ name: c.bridge }] },
      { op: 'insert', table: 'sFlow', 'uuid-name': 'topoflow_sflow', row },
      { op: 'update', table: 'Bridge', where: bridge, row: { sflow: ['named-uuid', 'topoflow_sflow'] } },
    ]);
    const inserted = (result[1] as { uuid?: unknown } | undefined)?.uuid;
    this.#uuid = Array.isArray(inserted) && typeof inserted[1] === 'string' ? inserted[1] : '';
    this.#deps.reporter.logger.info({ bridge: c.bridge, target: c.target, uuid: this.#uuid }, 'ovs sflow export on');
  }

  /** Clears Bridge.sflow when it still points at this export's row; idempotent; after a failure it can be retried. */
  async stop(): Promise<void> {
    const uuid = this.#uuid;
    if (uuid === null) return;
    await this.#transact('stop', [{
      op: 'update', table: 'Bridge', where: [['name', '==', this.#config.bridge], ['sflow', 'includes', ['uuid', uuid]]],
      row: { sflow: ['set', []] },
    }]);
    this.#uuid = null;
    this.#deps.reporter.logger.info({ bridge: this.#config.bridge, uuid }, 'ovs sflow export off');
  }

  async #transact(step: string, ops: Record<string, unknown>[]): Promise<unknown[]> {
    try {
      return await this.#deps.client.transact(DB, ops);
    } catch (err) {
      const details = { bridge: this.#config.bridge, step };
      if (isAppError(err, OvsdbErrors.TRANSACT_FAILED) && waitTimedOut(err)) {
        throw agentError(AgentErrors.OVS_BRIDGE_NOT_FOUND, `no OVS bridge ${this.#config.bridge}`, details, err);
      }
      throw agentError(AgentErrors.OVS_SFLOW_FAILED, `cannot ${step} the sFlow export of ${this.#config.bridge}: ${(err as Error).message}`, details, err);
    }
  }
}

function waitTimedOut(err: AppError): boolean {
  const result = err.details?.result;
  return Array.isArray(result) && (result[0] as { error?: unknown } | null)?.error === 'timed out';
}
