// Passes driven by frame time: reports, expiry and application timeouts follow the capture's timeline.
import assert from 'node:assert/strict';
import { FinishType } from '../model/flow.js';
import { traceOptions } from '../test-support.js';
import { ethernet, ipv4Packet, RecordingSender, udp } from '../testing/frames.js';
import { LinkType, type FlowTableOptions } from './contract.js';
import { PacketTimeDriver } from './packet-time.js';
import { FlowTable } from './table.js';

const T = 1_454_659_513_000;

function udpFrame(port: number): Uint8Array {
  return ethernet('02:00:00:00:00:0a', '02:00:00:00:00:0b', 0x0800, ipv4Packet('10.0.0.1', '10.0.0.2', 17, udp(port, 9, new Uint8Array(10))));
}

function driven(over: Partial<FlowTableOptions> = {}) {
  const sender = new RecordingSender();
  const options = traceOptions({ updateIntervalMs: 60_000, expireIntervalMs: 600_000, ...over });
  const table = new FlowTable(options, { sender, fastPath: false });
  const driver = new PacketTimeDriver(table, options);
  const feed = (port: number, ts: number) => {
    const f = udpFrame(port);
    driver.packet(f, 0, f.length, f.length, ts, LinkType.ETHERNET);
  };
  return { sender, table, driver, feed };
}

describe('PacketTimeDriver', () => {
  it('reports touched flows when capture time crosses the update interval, with windows in capture time', () => {
    const { sender, feed } = driven();
    feed(1000, T);
    feed(1000, T + 30_000);
    assert.equal(sender.flows.length, 0, 'no pass before a whole interval of capture time');
    feed(2000, T + 60_000.7);
    assert.equal(sender.batches.length, 1);
    const [report] = sender.flows;
    assert.equal(report?.Transport?.A, 1000);
    assert.deepEqual([report?.LastUpdateMetric?.Start, report?.LastUpdateMetric?.Last, report?.LastUpdateMetric?.ABPackets], [T, T + 60_000, 2]);
  });

  it('expires flows idle for the expire interval of capture time, as TIMEOUT', () => {
    const { sender, table, feed, driver } = driven({ updateIntervalMs: 3_600_000, expireIntervalMs: 10_000 });
    feed(1000, T);
    feed(2000, T + 5_000);
    feed(2000, T + 12_000);
    assert.equal(driver.now, T + 12_000);
    assert.deepEqual(sender.flows.map((f) => [f.Transport?.A, f.FinishType]), [[1000, FinishType.TIMEOUT]]);
    assert.equal(table.size, 1);
  });

  it('never moves capture time back for a frame out of order', () => {
    const { sender, feed, driver } = driven({ updateIntervalMs: 1000 });
    feed(1000, T);
    feed(1000, T + 500);
    feed(1000, T - 5000);
    assert.equal(driver.now, T + 500);
    assert.equal(sender.flows.length, 0);
    feed(1000, T + 1000);
    assert.equal(sender.flows[0]?.Metric?.ABPackets, 3);
  });

  it('runs each pass once after a gap of several periods', () => {
    const { sender, feed } = driven({ updateIntervalMs: 1000, expireIntervalMs: 3_600_000 });
    feed(1000, T);
    feed(2000, T + 3_000_000);
    assert.equal(sender.batches.length, 1);
    assert.equal(sender.flows.length, 1);
  });
});
