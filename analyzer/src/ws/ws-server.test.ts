// WebSocket handshake, host-ID uniqueness, keep-alive, slow-client disconnection and shutdown.
import assert from 'node:assert/strict';
import type { Analyzer } from '../analyzer.js';
import { sampleEngine, startTestAnalyzer } from '../testing.js';
import { TestWsClient, refusedUpgrade } from './test-client.js';

const until = async (cond: () => boolean, timeoutMs = 3000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('websocket server', () => {
  let analyzer: Analyzer | undefined;
  const clients: TestWsClient[] = [];

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await analyzer?.stop();
    analyzer = undefined;
  });

  const start = async (tweak?: Parameters<typeof startTestAnalyzer>[0]): Promise<string> => {
    const s = await startTestAnalyzer(tweak, { engine: sampleEngine() });
    analyzer = s.analyzer;
    return s.ws;
  };
  const connect = async (url: string, headers: Record<string, string> = {}, autoPong = true): Promise<TestWsClient> => {
    const c = await TestWsClient.connect(url, headers, { autoPong });
    clients.push(c);
    return c;
  };
  const status = async () => (await analyzer!.http!.inject({ method: 'GET', url: '/api/status' })).json();

  it('answers the upgrade with X-Host-ID and X-Service-Type', async () => {
    const ws = await start();
    const c = await connect(`${ws}/ws/subscriber`);
    assert.equal(c.headers['x-host-id'], 'test-host');
    assert.equal(c.headers['x-service-type'], 'analyzer');
  });

  it('defaults the host ID to ip:port and the client type to "client"', async () => {
    const ws = await start();
    await connect(`${ws}/ws/subscriber`);
    const subs = (await status()).Subscribers as Record<string, { ServiceType: string; Port: number }>;
    const [id, entry] = Object.entries(subs)[0] ?? [];
    assert.equal(id, `127.0.0.1:${entry?.Port}`);
    assert.equal(entry?.ServiceType, 'client');
  });

  it('refuses a second connection with the same host ID on one endpoint with 409, and frees it on close', async () => {
    const ws = await start();
    const first = await connect(`${ws}/ws/subscriber`, { 'X-Host-ID': 'dup' });
    const refused = await refusedUpgrade(`${ws}/ws/subscriber`, { 'X-Host-ID': 'dup' });
    assert.equal(refused.status, 409);
    assert.equal((refused.body as { code: string }).code, 'ANALYZER_WS_HOST_CONFLICT');
    await connect(`${ws}/ws/publisher`, { 'X-Host-ID': 'dup' });
    await first.close();
    for (let attempt = 0; ; attempt++) {
      try {
        await connect(`${ws}/ws/subscriber`, { 'X-Host-ID': 'dup' });
        break;
      } catch (err) {
        if (attempt > 50) throw err;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  });

  it('refuses a bad update policy and an unsupported protocol with 400', async () => {
    const ws = await start();
    const handshakes: Record<string, string>[] = [{ 'X-Update-Policy': 'sometimes' }, { 'X-Client-Protocol': 'protobuf' }];
    for (const headers of handshakes) {
      const r = await refusedUpgrade(`${ws}/ws/subscriber`, headers);
      assert.equal(r.status, 400);
      assert.equal((r.body as { code: string }).code, 'ANALYZER_WS_BAD_HANDSHAKE');
    }
    const plain = await analyzer!.http!.inject({ method: 'GET', url: '/ws/subscriber' });
    assert.equal(plain.statusCode, 404);
  });

  it('drops a client that stops answering pings', async () => {
    const ws = await start((c) => {
      c.analyzer.ws.pingInterval = '30ms';
      c.analyzer.ws.pongTimeout = '60ms';
    });
    const live = await connect(`${ws}/ws/subscriber`, { 'X-Host-ID': 'live' });
    const mute = await connect(`${ws}/ws/subscriber`, { 'X-Host-ID': 'mute' }, false);
    const closed = await mute.closed;
    assert.equal(closed.code, 1006);
    await new Promise((r) => setTimeout(r, 150));
    assert.deepEqual(Object.keys((await status()).Subscribers), ['live']);
    assert.equal(live.socket.readyState, live.socket.OPEN);
    const metrics = (await analyzer!.http!.inject({ method: 'GET', url: '/metrics' })).body;
    assert.match(metrics, /topoflow_analyzer_ws_disconnects_total\{endpoint="subscriber",cause="pong_timeout"\} 1/);
  });

  it('disconnects a subscriber that cannot keep up and counts the dropped messages', async () => {
    const ws = await start((c) => {
      c.analyzer.ws.queueSize = 5;
      c.analyzer.ws.writeBufferSize = '64KiB';
      c.analyzer.ws.closeGrace = '50ms';
    });
    const slow = await connect(`${ws}/ws/subscriber`, { 'X-Host-ID': 'slow' });
    const fast = await connect(`${ws}/ws/subscriber`, { 'X-Host-ID': 'fast' });
    slow.socket.pause();
    const pad = 'x'.repeat(64 * 1024);
    let fastSeen = 0;
    fast.socket.on('message', () => fastSeen++);
    for (let i = 0; i < 400 && Object.keys((await status()).Subscribers).includes('slow'); i++) {
      analyzer!.graph.addNode({ ID: `n${i}`, Metadata: { Name: `n${i}`, Type: 'device', Pad: pad } });
      await new Promise((r) => setImmediate(r));
    }
    await until(() => fastSeen >= analyzer!.graph.nodeCount);
    assert.deepEqual(Object.keys((await status()).Subscribers), ['fast']);
    slow.socket.resume();
    const closed = await slow.closed;
    assert.ok([1006, 1008].includes(closed.code), String(closed.code));
    const metrics = (await analyzer!.http!.inject({ method: 'GET', url: '/metrics' })).body;
    assert.match(metrics, /topoflow_analyzer_ws_messages_dropped_total\{endpoint="subscriber",reason="queue_full"\} [1-9]/);
    assert.match(metrics, /topoflow_analyzer_ws_disconnects_total\{endpoint="subscriber",cause="slow"\} 1/);
  });

  it('closes every connection on stop', async () => {
    const ws = await start();
    const sub = await connect(`${ws}/ws/subscriber`);
    const pub = await connect(`${ws}/ws/publisher`);
    await analyzer!.stop();
    assert.equal((await sub.closed).code, 1001);
    assert.equal((await pub.closed).code, 1001);
  });
});
