import { strict as assert } from 'node:assert';
import { SflowMetrics } from './metrics.js';
import type { SflowCounterSample, SflowInterfaceCounters } from './records.js';

function port(ifIndex: number, c: Partial<SflowInterfaceCounters>): SflowCounterSample {
  const zero = { IfType: 6, IfSpeed: 0, IfDirection: 1, IfStatus: 3, IfPromiscuousMode: 0, IfInOctets: 0, IfInUcastPkts: 0,
    IfInMulticastPkts: 0, IfInBroadcastPkts: 0, IfInDiscards: 0, IfInErrors: 0, IfInUnknownProtos: 0, IfOutOctets: 0,
    IfOutUcastPkts: 0, IfOutMulticastPkts: 0, IfOutBroadcastPkts: 0, IfOutDiscards: 0, IfOutErrors: 0 };
  return { agent: '127.0.0.1', subAgentId: 0, sourceIdType: 0, sourceIdIndex: ifIndex, interface: { ...zero, ...c, IfIndex: ifIndex } };
}

describe('SflowMetrics', () => {
  it('keeps the latest counters per ifIndex and sums them in Metric', () => {
    const m = new SflowMetrics();
    m.add(port(1, { IfInOctets: 100, IfInUcastPkts: 2 }));
    m.add(port(2, { IfInOctets: 50, IfOutOctets: 7 }));
    m.add(port(1, { IfInOctets: 300, IfInUcastPkts: 4 }));
    const s = m.snapshot(1000);
    assert.deepEqual(s?.IfMetrics, { 1: { IfInOctets: 300, IfInUcastPkts: 4 }, 2: { IfInOctets: 50, IfOutOctets: 7 } });
    assert.deepEqual(s?.Metric, { IfInOctets: 350, IfInUcastPkts: 4, IfOutOctets: 7, Start: 1000, Last: 1000 });
  });

  it('reports the change since the previous snapshot in LastUpdateMetric', () => {
    const m = new SflowMetrics();
    m.add(port(1, { IfInOctets: 100 }));
    m.snapshot(1000);
    m.add(port(1, { IfInOctets: 160, IfOutOctets: 10 }));
    const s = m.snapshot(2000);
    assert.deepEqual(s?.LastUpdateMetric, { IfInOctets: 60, IfOutOctets: 10, Start: 1000, Last: 2000 });
    assert.deepEqual(s?.Metric, { IfInOctets: 160, IfOutOctets: 10, Start: 1000, Last: 2000 });
  });

  it('keeps the last value of a counter the agent reports unknown', () => {
    const m = new SflowMetrics();
    m.add(port(1, { IfInErrors: 5 }));
    m.add(port(1, { IfInErrors: -1 }));
    assert.equal(m.snapshot(1)?.IfMetrics['1']?.IfInErrors, 5);
  });

  it('sums Ethernet counters over sources and VLAN counters over VLANs, and keeps the latest OVS counters', () => {
    const m = new SflowMetrics();
    const eth = (n: number) => ({ EthAlignmentErrors: 0, EthFCSErrors: n, EthSingleCollisionFrames: 0, EthMultipleCollisionFrames: 0,
      EthSQETestErrors: 0, EthDeferredTransmissions: 0, EthLateCollisions: 0, EthExcessiveCollisions: 0, EthInternalMacTransmitErrors: 0,
      EthCarrierSenseErrors: 0, EthFrameTooLongs: 0, EthInternalMacReceiveErrors: 0, EthSymbolErrors: 0 });
    const base = { agent: '', subAgentId: 0, sourceIdType: 0 };
    m.add({ ...base, sourceIdIndex: 1, ethernet: eth(2), vlan: { VlanId: 10, VlanOctets: 5, VlanUcastPkts: 1, VlanMulticastPkts: 0, VlanBroadcastPkts: 0, VlanDiscards: 0 } });
    m.add({ ...base, sourceIdIndex: 2, ethernet: eth(3), vlan: { VlanId: 20, VlanOctets: 7, VlanUcastPkts: 1, VlanMulticastPkts: 0, VlanBroadcastPkts: 0, VlanDiscards: 0 } });
    m.add({ ...base, sourceIdIndex: 0, ovsDp: { OvsDpNHit: 10, OvsDpNMissed: 2, OvsDpNLost: 0, OvsDpNMaskHit: 9, OvsDpNFlows: 3, OvsDpNMasks: 1 } });
    m.add({ ...base, sourceIdIndex: 0, ovsDp: { OvsDpNHit: 15, OvsDpNMissed: 2, OvsDpNLost: 0, OvsDpNMaskHit: 12, OvsDpNFlows: 2, OvsDpNMasks: 1 } });
    const s = m.snapshot(5);
    assert.equal(s?.Metric.EthFCSErrors, 5);
    assert.equal(s?.Metric.VlanOctets, 12);
    assert.equal(s?.Metric.VlanUcastPkts, 2);
    assert.equal(s?.Metric.OvsDpNHit, 15);
    assert.equal(s?.Metric.OvsDpNFlows, 2);
  });

  it('gives no snapshot while every counter is zero', () => {
    const m = new SflowMetrics();
    assert.equal(m.snapshot(1), null);
    m.add(port(3, {}));
    assert.equal(m.snapshot(2), null);
  });
});
