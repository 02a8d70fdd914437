// `topoflow client topology import FILE`: loads a Skydive topology dump into the analyzer through the
// publisher WebSocket, as one Sync under the origin `import.<name>`, so importing the same file again replaces it.
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { AppError } from '@topoflow/common';
import { decodeTopology, type TopologyJson } from '@topoflow/graph';
import { openSocket, request, type Envelope } from '../client/ws-client.js';
import { CliErrors } from '../errors.js';
import type { CommandContext } from './context.js';

/** Reads and validates a dump file ('-' = standard input), filling missing Host/Origin/times/Revision. */
export async function readDump(file: string, now: number): Promise<TopologyJson> {
  let text: string;
  try {
    text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
  } catch (cause) {
    throw new AppError(CliErrors.FILE_UNREADABLE, `cannot read ${file}: ${(cause as Error).message}`, { cause });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new AppError(CliErrors.IMPORT_FAILED, `${file} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  return decodeTopology(raw, { now, revision: 1 });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Imports a dump; prints a one-line summary. */
export async function importCommand(ctx: CommandContext, file: string, name: string | undefined): Promise<void> {
  const topo = await readDump(file, Date.now());
  const id = name ?? (file === '-' ? 'stdin' : basename(file, extname(file)));
  const ws = await openSocket(ctx.analyzer, '/ws/publisher', {
    'X-Client-Type': 'import',
    'X-Host-ID': id,
    'X-Persistence-Policy': 'Persistent',
  });
  const errors: Envelope[] = [];
  ws.on('message', (data) => {
    try {
      const m = JSON.parse(data.toString()) as Envelope;
      if ((m.Status ?? 200) >= 400) errors.push(m);
    } catch {
      // not ours
    }
  });
  try {
    ws.send(JSON.stringify({ Namespace: 'Graph', Type: 'Sync', UUID: `import-${id}`, Status: 200, Obj: topo }));
    // Messages are applied in order: the reply to this SyncRequest means the Sync before it was applied.
    await request(ws, { Namespace: 'Graph', Type: 'SyncRequest', Obj: {} });
  } finally {
    ws.close();
  }
  if (errors.length > 0) {
    const first = errors[0]?.Obj as { message?: string } | undefined;
    throw new AppError(CliErrors.IMPORT_FAILED, `the analyzer rejected ${errors.length} message(s) of the import: ${first?.message ?? JSON.stringify(first)}`);
  }
  ctx.info(`imported ${topo.Nodes.length} nodes and ${topo.Edges.length} edges from ${file} (origin import.${id})`);
}
