import { strict as assert } from 'node:assert';
import { isAppError } from '@topoflow/common';
import { RTM, dumpRequest, splitMessages } from './codec/message.js';
import { NetlinkErrors } from './errors.js';
import { NetlinkSocket } from './socket.js';

describe('netlink socket', () => {
  it('sends a dump and reads the answer from the event loop, then closes idempotently', async () => {
    const s = new NetlinkSocket('/proc/self/ns/net', { groups: [], receiveBuffer: 0 });
    try {
      assert.equal(s.receive(), null, 'nothing waits: null, no blocking');
      const types: number[] = [];
      await new Promise<void>((resolve) => {
        s.watch(() => {
          for (let b = s.receive(); b !== null; b = s.receive()) types.push(...splitMessages(b).messages.map((m) => m.type));
          if (types.includes(3)) resolve();
        });
        assert.equal(s.send(dumpRequest(RTM.GETLINK, 1)), true);
      });
      assert.ok(types.includes(RTM.NEWLINK));
    } finally {
      s.close();
    }
    s.close();
    assert.equal(s.closed, true);
    assert.throws(() => s.receive(), (err) => isAppError(err, NetlinkErrors.SOCKET_FAILED) && err.details?.errno === 'EBADF');
    assert.throws(() => s.send(Buffer.alloc(16)), (err) => isAppError(err, NetlinkErrors.SOCKET_FAILED));
  });

  it('fails with a socket error on a bad group and on a missing namespace', () => {
    assert.throws(() => new NetlinkSocket('/proc/self/ns/net', { groups: [100000], receiveBuffer: 0 }),
      (err) => isAppError(err, NetlinkErrors.SOCKET_FAILED));
    assert.throws(() => new NetlinkSocket('/var/run/netns/tf-nl-missing', { groups: [], receiveBuffer: 0 }));
  });
});
