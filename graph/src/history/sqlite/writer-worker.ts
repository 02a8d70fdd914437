// The history writer thread: owns the SQLite write connection, rebuilds posted events, plans and commits each
// append, prunes and compacts, one request at a time in order, and answers each once it is durable.
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { AppError } from '@topoflow/common';
import { RowWriter } from '../row-writer.js';
import { WireDecoder, WireResyncNeeded } from './event-wire.js';
import { SqliteWriter } from './sqlite-writer.js';
import { READY_ID, type WireError, type WriterReply, type WriterRequest, type WriterStart } from './writer-protocol.js';

if (parentPort === null) throw new Error('writer-worker.js runs as a worker thread');
const port: MessagePort = parentPort;

const sqlite = new SqliteWriter(workerData as WriterStart);
const rows = new RowWriter(sqlite);
const decoder = new WireDecoder();
let queue: Promise<void> = Promise.resolve();

const reply = (r: WriterReply): void => port.postMessage(r);
const wireError = (err: unknown): WireError => err instanceof AppError
  ? { message: err.message, code: err.code, ...(err.details ? { details: err.details } : {}) }
  : { message: err instanceof Error ? err.message : String(err) };

async function handle(req: WriterRequest): Promise<number | undefined> {
  switch (req.op) {
    case 'append': {
      const events = decoder.decode(req.events);
      try {
        await rows.write(events);
      } catch (err) {
        // The posting side forgets what it sent too, so both start again from whole events.
        decoder.reset();
        throw err;
      }
      return undefined;
    }
    case 'prune':
      return sqlite.pruneBefore(req.before);
    case 'compact':
      await sqlite.compact();
      return undefined;
    case 'close':
      sqlite.close();
      port.close();
      return undefined;
  }
}

async function serve(req: WriterRequest): Promise<void> {
  try {
    const value = await handle(req);
    reply({ id: req.id, ok: true, counts: { ...sqlite.counts }, ...(value === undefined ? {} : { value }) });
  } catch (err) {
    reply({ id: req.id, ok: false, counts: { ...sqlite.counts }, error: wireError(err), ...(err instanceof WireResyncNeeded ? { resync: true } : {}) });
  }
}

try {
  sqlite.open();
  reply({ id: READY_ID, ok: true, counts: { ...sqlite.counts } });
  port.on('message', (req: WriterRequest) => {
    queue = queue.then(() => serve(req));
  });
} catch (err) {
  reply({ id: READY_ID, ok: false, error: wireError(err) });
  port.close();
}
