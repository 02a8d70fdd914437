import { strict as assert } from 'node:assert';
import { isAppError, silentReporter } from '@topoflow/common';
import { AgentErrors } from '../../errors.js';
import { defaultPcapLiveSourceConfig, PcapLiveSource, snapLength } from './pcap-live.js';

const deps = { sink: { packet: () => undefined }, reporter: silentReporter().child('capture') };

describe('PcapLiveSource (settings)', () => {
  it('snaps 256 bytes when the capture asks for none, and up to 4096', () => {
    assert.equal(snapLength(0), 256);
    assert.equal(snapLength(14), 14);
    assert.equal(snapLength(4096), 4096);
  });

  it('refuses header sizes out of 0 or 14..4096 with AGENT_CAPTURE_CONFIG_INVALID', () => {
    for (const h of [1, 13, 4097, 1.5, -1]) {
      assert.throws(() => new PcapLiveSource({ ...defaultPcapLiveSourceConfig(), interface: 'eth0', headerSize: h }, deps),
        (err) => isAppError(err, AgentErrors.CAPTURE_CONFIG_INVALID), String(h));
    }
  });

  it('needs an interface, and describes where it captures', () => {
    assert.throws(() => new PcapLiveSource(defaultPcapLiveSourceConfig(), deps), (err) => isAppError(err, AgentErrors.CAPTURE_CONFIG_INVALID));
    const s = new PcapLiveSource({ ...defaultPcapLiveSourceConfig(), interface: 'veth1', netnsPath: '/var/run/netns/a' }, deps);
    assert.equal(s.description, 'veth1 in /var/run/netns/a');
    assert.deepEqual(s.stats(), { PacketsReceived: 0, PacketsDropped: 0, PacketsIfDropped: 0 });
  });
});
