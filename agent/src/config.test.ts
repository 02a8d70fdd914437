// The flow and capture sections of the agent configuration: defaults in numbers, every bad key listed, env overrides.
import { strict as assert } from 'node:assert';
import { envName, isAppError, loadConfig } from '@topoflow/common';
import { defaultAgentConfig, defaultAgentServiceConfig, resolveAgentConfig } from './config.js';
import { AgentErrors } from './errors.js';

describe('agent configuration: flows and captures', () => {
  it('resolves the defaults into milliseconds and numbers', () => {
    const r = resolveAgentConfig(defaultAgentConfig());
    assert.deepEqual(r.flow, {
      updateIntervalMs: 10_000, expireIntervalMs: 600_000, maxEntries: 500_000, holdTimeoutMs: 15_000,
      applicationTimeoutsMs: { ARP: 10_000, DNS: 10_000 }, defaultLayerKeyMode: 'L2', mplsUDPPorts: [],
      batchSize: 500, flushIntervalMs: 200, queueSize: 50_000,
    });
    assert.deepEqual(r.capture, { statsUpdateMs: 1000, snapLength: 256, sflow: { bindAddress: '127.0.0.1', portMin: 6345, portMax: 6355 } });
  });

  it('lists every unusable flow and capture value in one AGENT_CONFIG_INVALID', () => {
    const c = defaultAgentConfig();
    c.flow.update = 'soon';
    c.flow.defaultLayerKeyMode = 'L4';
    c.flow.mplsUDPPorts = [6635, 70_000];
    c.flow.queueSize = 0;
    c.flow.applicationTimeout.DNS = 'x';
    c.capture.snapLength = 5;
    c.capture.sflow = { bindAddress: 'nope', portMin: 6400, portMax: 6300 };
    assert.throws(() => resolveAgentConfig(c), (err: unknown) => {
      assert.ok(isAppError(err, AgentErrors.CONFIG_INVALID));
      const paths = (err.details?.problems as string[]).map((p) => p.split(':')[0]);
      assert.deepEqual(paths.sort(), [
        'agent.capture.sflow.bindAddress', 'agent.capture.sflow.portMax', 'agent.capture.snapLength', 'agent.flow.applicationTimeout.DNS',
        'agent.flow.defaultLayerKeyMode', 'agent.flow.mplsUDPPorts[1]', 'agent.flow.queueSize', 'agent.flow.update',
      ]);
      return true;
    });
  });

  it('takes flow and capture values from the environment', () => {
    const env = {
      [envName('agent.flow.update')]: '2s',
      [envName('agent.flow.mplsUDPPorts')]: '[6635]',
      [envName('agent.flow.applicationTimeout.ARP')]: '5s',
      [envName('agent.capture.sflow.portMin')]: '7000',
      [envName('agent.capture.sflow.portMax')]: '7010',
    };
    assert.equal(envName('agent.capture.sflow.portMin'), 'TOPOFLOW_AGENT_CAPTURE_SFLOW_PORT_MIN');
    const config = loadConfig({ defaults: defaultAgentServiceConfig(), env });
    const r = resolveAgentConfig(config.agent);
    assert.equal(r.flow.updateIntervalMs, 2000);
    assert.deepEqual(r.flow.mplsUDPPorts, [6635]);
    assert.deepEqual(r.flow.applicationTimeoutsMs, { ARP: 5000, DNS: 10_000 });
    assert.deepEqual([r.capture.sflow.portMin, r.capture.sflow.portMax], [7000, 7010]);
  });
});
