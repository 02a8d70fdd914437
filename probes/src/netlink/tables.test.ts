import { strict as assert } from 'node:assert';
import { AF } from './codec/address.js';
import { NamespaceTables } from './tables.js';

const NUD_FAILED = 0x20;
const NUD_PERMANENT = 0x80;

describe('netlink namespace tables', () => {
  it('removes a static neighbour deleted with `ip neigh del` (events carry no link-layer address)', () => {
    const t = new NamespaceTables();
    t.applyNeighbor({ family: AF.INET, index: 3, state: NUD_PERMANENT, flags: 0, ip: '198.18.7.2', mac: '02:18:00:00:07:02' }, true, 1);
    assert.deepEqual(t.metadataFor(3).Neighbors, [{ Flags: [], MAC: '02:18:00:00:07:02', IP: '198.18.7.2', State: ['NUD_PERMANENT'], IfIndex: 3 }]);
    // what the kernel sends for `ip neigh del`: RTM_NEWNEIGH NUD_FAILED, then RTM_DELNEIGH, neither with NDA_LLADDR
    t.applyNeighbor({ family: AF.INET, index: 3, state: NUD_FAILED, flags: 0, ip: '198.18.7.2' }, true, 1);
    assert.deepEqual(t.metadataFor(3).Neighbors, [{ Flags: [], MAC: '', IP: '198.18.7.2', State: ['NUD_FAILED'], IfIndex: 3 }]);
    assert.deepEqual(t.applyNeighbor({ family: AF.INET, index: 3, state: NUD_FAILED, flags: 0, ip: '198.18.7.2' }, false, 1), [3]);
    assert.equal(t.metadataFor(3).Neighbors, undefined);
  });

  it('keeps bridge FDB entries of one port apart by MAC', () => {
    const t = new NamespaceTables();
    t.applyNeighbor({ family: AF.BRIDGE, index: 4, state: NUD_PERMANENT, flags: 2, mac: '02:00:00:00:00:01' }, true, 1);
    t.applyNeighbor({ family: AF.BRIDGE, index: 4, state: NUD_PERMANENT, flags: 2, mac: '02:00:00:00:00:02' }, true, 1);
    assert.equal((t.metadataFor(4).FDB as unknown[]).length, 2);
  });
});
