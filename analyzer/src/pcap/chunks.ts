// Reads a request body chunk by chunk with backpressure, and stops early without destroying it: destroying an
// unfinished request destroys its socket, and the refusal (400, 413) could no longer be answered.
import type { Readable } from 'node:stream';
import { AppError } from '@topoflow/common';
import { AnalyzerErrors } from '../errors.js';

/**
 * Calls `each` for every chunk of `stream`, waiting for a returned promise before reading on. Resolves at the end
 * of the stream; rejects with what `each` throws (the stream is left paused, unread), or with ANALYZER_BAD_REQUEST
 * when the stream fails or closes before its end (the client went away).
 */
export function eachChunk(stream: Readable, each: (chunk: Buffer) => void | Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let ended = false;
    let pending: Promise<void> | undefined;
    const finish = (err?: unknown): void => {
      if (settled) return;
      settled = true;
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
      stream.pause();
      if (err === undefined) resolve();
      else reject(err);
    };
    const onData = (chunk: Buffer): void => {
      let r: void | Promise<void>;
      try {
        r = each(chunk);
      } catch (err) {
        finish(err);
        return;
      }
      if (r === undefined) return;
      stream.pause();
      pending = r.then(() => {
        pending = undefined;
        if (!settled && !ended) stream.resume();
      }, (err: unknown) => finish(err));
    };
    // 'end' or a failure may come while a chunk is still being handled: that chunk is finished first
    const settle = (err?: unknown): void => {
      if (pending === undefined) finish(err);
      else void pending.then(() => finish(err));
    };
    const onEnd = (): void => {
      ended = true;
      settle();
    };
    // a request stream fails or closes early only when the client or its connection went away
    const onError = (cause: unknown): void => {
      if (!ended) settle(new AppError(AnalyzerErrors.BAD_REQUEST, 'the upload was closed before its end', { statusCode: 400, cause }));
    };
    const onClose = (): void => onError(undefined);
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
    stream.once('close', onClose);
    if (stream.readableEnded) onEnd();
    else stream.resume();
  });
}
