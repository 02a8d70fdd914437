// `topoflow client subscribe`: prints the (filtered) topology, then every live change, one JSON line each.
import { hostname } from 'node:os';
import { AppError } from '@topoflow/common';
import { openSocket, request, type Envelope } from '../client/ws-client.js';
import type { CommandContext } from './context.js';

/** Options of the subscribe command. */
export interface SubscribeOptions {
  gremlin: string | undefined;
  partial: boolean;
  /** Stop after this many live events (0 = until interrupted). */
  count: number;
}

/** Subscribes and streams events until interrupted (or `count` events). */
export async function subscribeCommand(ctx: CommandContext, opts: SubscribeOptions, signal?: AbortSignal): Promise<void> {
  const ws = await openSocket(ctx.analyzer, '/ws/subscriber', {
    'X-Client-Type': 'topoflow-cli',
    'X-Host-ID': `topoflow-cli-${hostname()}-${process.pid}`,
    'X-Update-Policy': opts.partial ? 'partial' : 'full',
  });
  try {
    const obj = opts.gremlin === undefined ? {} : { GremlinFilter: opts.gremlin };
    const reply = await request(ws, { Namespace: 'Graph', Type: 'SyncRequest', Obj: obj });
    if (reply.Status !== 200) {
      const o = reply.Obj as { message?: string; code?: string } | string | null;
      const message = typeof o === 'string' ? o : (o?.message ?? 'subscription refused');
      throw new AppError(typeof o === 'object' && o?.code ? o.code : 'CLI_SUBSCRIBE_REFUSED', message, { statusCode: reply.Status ?? 400 });
    }
    ctx.out(JSON.stringify(reply) + '\n');
    const t = reply.Obj as { Nodes?: unknown[]; Edges?: unknown[] };
    ctx.info(`subscribed: ${t.Nodes?.length ?? 0} nodes, ${t.Edges?.length ?? 0} edges; streaming changes (Ctrl-C to stop)`);
    await new Promise<void>((resolve) => {
      let seen = 0;
      ws.on('message', (data) => {
        let msg: Envelope;
        try {
          msg = JSON.parse(data.toString()) as Envelope;
        } catch {
          return;
        }
        ctx.out(JSON.stringify(msg) + '\n');
        if (opts.count > 0 && ++seen >= opts.count) resolve();
      });
      ws.on('close', () => resolve());
      signal?.addEventListener('abort', () => resolve(), { once: true });
    });
  } finally {
    ws.close();
  }
}
