// The history writer thread: owns the SQLite write connection and does the inserts, commits (synced),
// checkpoints, pruning and compaction, one request at a time in order, answering each once it is done.
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { AppError } from '@topoflow/common';
import { SqliteWriter } from './sqlite-writer.js';
import { READY_ID, type WireError, type WriterReply, type WriterRequest, type WriterStart } from './writer-protocol.js';

if (parentPort === null) throw new Error('writer-worker.js runs as a worker thread');
const port: MessagePort = parentPort;
const sqlite = new SqliteWriter(workerData as WriterStart);
let queue: Promise<void> = Promise.resolve();

const reply = (r: WriterReply): void => port.postMessage(r);
const wireError = (err: unknown): WireError => err instanceof AppError
  ? { message: err.message, code: err.code, ...(err.details ? { details: err.details } : {}) }
  : { message: err instanceof Error ? err.message : String(err) };

async function handle(req: WriterRequest): Promise<unknown> {
  switch (req.op) {
    case 'resolveElements':
      return sqlite.resolveElements(req.keys);
    case 'resolveSources':
      return sqlite.resolveSources(req.keys);
    case 'commit':
      sqlite.writeColumns(req.rows, req.rowDeletions, req.elementGone);
      sqlite.commit();
      return undefined;
    case 'rollback':
      sqlite.rollback();
      return undefined;
    case 'prune':
      return sqlite.pruneBefore(req.before);
    case 'compact':
      await sqlite.compact();
      return undefined;
    case 'close':
      sqlite.rollback();
      sqlite.close();
      port.close();
      return undefined;
  }
}

async function serve(req: WriterRequest): Promise<void> {
  try {
    const value = await handle(req);
    reply({ id: req.id, ok: true, counts: { ...sqlite.counts }, nextSeq: sqlite.nextSeq, ...(value === undefined ? {} : { value }) });
  } catch (err) {
    // A failed step ends its transaction: nothing of the append is stored.
    if (req.op === 'resolveElements' || req.op === 'resolveSources' || req.op === 'commit') sqlite.rollback();
    reply({ id: req.id, ok: false, counts: { ...sqlite.counts }, error: wireError(err) });
  }
}

try {
  sqlite.open();
  reply({ id: READY_ID, ok: true, counts: { ...sqlite.counts }, nextSeq: sqlite.nextSeq });
  port.on('message', (req: WriterRequest) => {
    queue = queue.then(() => serve(req));
  });
} catch (err) {
  reply({ id: READY_ID, ok: false, error: wireError(err) });
  port.close();
}
