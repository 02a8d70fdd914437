// A Skydive-protocol WebSocket client: JSON envelopes, request/reply by UUID.
import { randomUUID } from 'node:crypto';
import { AppError, formatAddress, parseAddress } from '@topoflow/common';
import WebSocket from 'ws';
import { CliErrors } from '../errors.js';

/** The Skydive message envelope. */
export interface Envelope {
  Namespace: string;
  Type: string;
  UUID?: string;
  Status?: number;
  Obj?: unknown;
}

/** Opens a WebSocket to an analyzer endpoint with Skydive handshake headers. */
export async function openSocket(address: string, path: string, headers: Record<string, string>): Promise<WebSocket> {
  const url = `ws://${formatAddress(parseAddress(address))}${path}`;
  const ws = new WebSocket(url, { headers, perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => {
      reject(new AppError(CliErrors.CONNECT_FAILED, `the analyzer refused ${url}: HTTP ${res.statusCode}`, { statusCode: res.statusCode ?? 500 }));
    });
    ws.once('error', (cause) => {
      reject(new AppError(CliErrors.CONNECT_FAILED, `cannot reach ${url} (${(cause as { code?: string }).code ?? cause.message}); is the analyzer running?`, { cause }));
    });
  });
  return ws;
}

/** Sends a message and resolves with the reply carrying the same UUID. */
export function request(ws: WebSocket, msg: Envelope, timeoutMs = 120_000): Promise<Envelope> {
  const uuid = msg.UUID ?? randomUUID();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new AppError(CliErrors.BAD_RESPONSE, `no reply to ${msg.Type} within ${timeoutMs / 1000}s`));
    }, timeoutMs);
    const onMessage = (data: WebSocket.RawData): void => {
      let reply: Envelope;
      try {
        reply = JSON.parse(data.toString()) as Envelope;
      } catch {
        return;
      }
      if (reply.UUID !== uuid) return;
      cleanup();
      resolve(reply);
    };
    const onClose = (code: number, reason: Buffer): void => {
      cleanup();
      reject(new AppError(CliErrors.BAD_RESPONSE, `connection closed before the reply to ${msg.Type} (${code} ${reason.toString()})`));
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      ws.off('message', onMessage);
      ws.off('close', onClose);
    };
    ws.on('message', onMessage);
    ws.on('close', onClose);
    ws.send(JSON.stringify({ Status: 200, ...msg, UUID: uuid }));
  });
}
