import { strict as assert } from 'node:assert';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { textFrames } from './frames.js';

describe('WebSocket text frames', () => {
  it('encodes short, 16-bit and 64-bit lengths and multi-byte text that a real client reads back', async () => {
    const texts = ['', 'a', 'x'.repeat(125), 'é'.repeat(63), 'y'.repeat(126), '€'.repeat(30_000), 'z'.repeat(70_000)];
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => server.once('listening', r));
    server.on('connection', (ws) => (ws as unknown as { _socket: { write(b: Buffer): void } })._socket.write(textFrames(texts)));
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
    try {
      const got = await new Promise<string[]>((resolve, reject) => {
        const out: string[] = [];
        client.on('message', (data, isBinary) => {
          assert.equal(isBinary, false);
          out.push(data.toString());
          if (out.length === texts.length) resolve(out);
        });
        client.once('error', reject);
      });
      assert.deepEqual(got, texts);
    } finally {
      client.terminate();
      await new Promise((r) => server.close(r));
    }
  });
});
