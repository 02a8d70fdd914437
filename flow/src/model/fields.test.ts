import { strict as assert } from 'node:assert';
import { fixtureFlows, flow } from '../testing/flow-fixture.js';
import {
  flowFieldType, flowGetter, getFieldKeys, getFlowField, getFlowNumber, getFlowString, isFlowField,
} from './fields.js';
import type { Flow } from './flow.js';

const [u1, u2, , u4, u5] = fixtureFlows() as [Flow, Flow, Flow, Flow, Flow];

describe('flow field access (§4.3)', () => {
  it('reads top-level strings and numbers', () => {
    assert.equal(getFlowField(u1, 'UUID'), 'u1');
    assert.equal(getFlowField(u1, 'Application'), 'TCP');
    assert.equal(getFlowField(u1, 'Start'), 1000);
    assert.equal(getFlowField(u1, 'RawPacketsCaptured'), 0);
    assert.equal(getFlowField(u1, 'NodeTID'), 'tid-eth0');
  });

  it('reads dotted paths into layers and metrics', () => {
    assert.equal(getFlowField(u1, 'Network.A'), '10.0.0.1');
    assert.equal(getFlowField(u1, 'Transport.B'), 80);
    assert.equal(getFlowField(u1, 'Metric.BABytes'), 4000);
    assert.equal(getFlowField(u1, 'LastUpdateMetric.Start'), 4000);
    assert.equal(getFlowField(u4, 'ICMP.ID'), 7);
  });

  it('resolves the layer aliases of Skydive filters', () => {
    assert.equal(getFlowField(u1, 'ETHERNET.A'), 'aa:00:00:00:00:01');
    assert.equal(getFlowField(u1, 'IPV4.B'), '10.0.0.2');
    assert.equal(getFlowField(u1, 'IPV6.B'), '10.0.0.2');
    assert.equal(getFlowField(u1, 'TCP.A'), 40000);
    assert.equal(getFlowField(u2, 'UDP.B'), 53);
    assert.equal(getFlowField(u2, 'SCTP.Protocol'), 'UDP');
  });

  it('gives enums as names, numbers included', () => {
    assert.equal(getFlowField(u1, 'Link.Protocol'), 'ETHERNET');
    assert.equal(getFlowField(u4, 'ICMP.Type'), 'ECHO');
    const numeric = flow('x', 't', { Transport: { Protocol: 2 as never, A: 1, B: 2, ID: 0 }, ICMP: { Type: 2 as never } });
    assert.equal(getFlowField(numeric, 'Transport.Protocol'), 'TCP');
    assert.equal(getFlowField(numeric, 'ICMP.Type'), 'ECHO');
  });

  it('gives defaults for leaves missing from a present layer, and nothing for an absent layer', () => {
    assert.equal(getFlowField(u4, 'ICMP.Code'), 0);
    assert.equal(getFlowField(u1, 'Metric.RTT'), 0);
    const noB = flow('x', 't', { Link: { Protocol: 'ETHERNET', A: 'm', ID: 0 } });
    assert.equal(getFlowField(noB, 'Link.B'), '');
    assert.equal(getFlowField(u5, 'Network.A'), undefined);
    assert.equal(getFlowField(u5, 'Transport'), undefined);
    assert.equal(getFlowField(u1, 'TCPMetric.ABSynStart'), undefined);
  });

  it('returns layers and metrics as objects for their bare key', () => {
    assert.deepEqual(getFlowField(u1, 'Transport'), { Protocol: 'TCP', A: 40000, B: 80, ID: 0 });
    assert.equal(getFlowField(u1, 'Metric'), u1.Metric);
  });

  it('answers nothing for unknown keys and for paths below scalars', () => {
    assert.equal(getFlowField(u1, 'Foo'), undefined);
    assert.equal(getFlowField(u1, 'Network.C'), undefined);
    assert.equal(getFlowField(u1, 'UUID.x'), undefined);
    assert.equal(getFlowField(u1, 'CaptureID'), undefined);
    assert.equal(getFlowField(u1, 'FinishType'), 0);
  });

  it('walks extra layers such as DNS by path', () => {
    const dns = flow('d', 't', { DNS: { ID: 3, QR: true, questions: [{ name: 'a.', type: 'A', class: 'IN' }] } as never });
    assert.equal(getFlowField(dns, 'DNS.ID'), 3);
    assert.deepEqual(getFlowField(dns, 'DNS.questions'), [{ name: 'a.', type: 'A', class: 'IN' }]);
    assert.equal(getFlowField(dns, 'DNS.nope.deeper'), undefined);
  });

  it('offers typed getters and a Gremlin getter', () => {
    assert.equal(getFlowString(u1, 'Network.A'), '10.0.0.1');
    assert.equal(getFlowString(u1, 'Start'), undefined);
    assert.equal(getFlowNumber(u1, 'Start'), 1000);
    assert.equal(getFlowNumber(u1, 'UUID'), undefined);
    assert.equal(flowGetter(u2, 'IPV4.A'), '10.0.0.3');
  });

  it('types field keys, aliases included', () => {
    assert.equal(flowFieldType('Start'), 'number');
    assert.equal(flowFieldType('TCP.A'), 'number');
    assert.equal(flowFieldType('Network.A'), 'string');
    assert.equal(flowFieldType('ICMP.Type'), 'string');
    assert.equal(flowFieldType('Metric'), 'struct');
    assert.equal(flowFieldType('DNS.questions'), 'extra');
    assert.equal(flowFieldType('Metric.Foo'), undefined);
    assert.equal(isFlowField('NodeTID'), true);
    assert.equal(isFlowField('Nope'), false);
  });

  it('lists every key a flow has, in proto field order', () => {
    assert.deepEqual(getFieldKeys(u5), [
      'UUID', 'LayersPath', 'Application', 'ParentUUID', 'Start', 'Last',
      'Link.Protocol', 'Link.A', 'Link.B', 'Link.ID',
      'Metric.ABPackets', 'Metric.ABBytes', 'Metric.BAPackets', 'Metric.BABytes', 'Metric.Start', 'Metric.Last', 'Metric.RTT',
      'NodeTID', 'RawPacketsCaptured', 'TrackingID', 'L3TrackingID', 'FinishType',
    ]);
    const dns = flow('d', 't', { DNS: { ID: 3, questions: [] } as never });
    assert.deepEqual(getFieldKeys(dns).filter((k) => k.startsWith('DNS')), ['DNS.ID', 'DNS.questions']);
  });

  it('lists only keys the getter answers and no private keys', () => {
    for (const f of fixtureFlows()) {
      for (const k of getFieldKeys(f)) {
        assert.notEqual(getFlowField(f, k), undefined, k);
        assert.ok(!k.includes('XXX_'), k);
      }
    }
  });
});
