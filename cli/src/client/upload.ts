// Streams a file to the analyzer as a request body (never held whole in memory), with its length declared so the
// analyzer can refuse an oversized file at once; an answer sent before the upload ends is still read.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { request } from 'node:http';
import { AppError } from '@topoflow/common';
import { CliErrors } from '../errors.js';
import { type ApiResponse, serverError } from './http.js';

/** Longest time without any traffic on the connection (the analyzer works on big files after their last byte). */
const IDLE_TIMEOUT_MS = 5 * 60_000;

/** POSTs the file at `file` to `base + path`; non-2xx answers become AppErrors with the analyzer's code. */
export async function uploadFile(base: string, path: string, file: string, contentType: string): Promise<ApiResponse> {
  let size: number;
  try {
    const handle = await open(file, 'r');
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) throw new Error('not a regular file');
      size = stat.size;
    } finally {
      await handle.close();
    }
  } catch (cause) {
    throw new AppError(CliErrors.FILE_UNREADABLE, `cannot read ${file}: ${(cause as Error).message}`, { cause });
  }
  const res = await post(base + path, file, size, contentType);
  if (res.status >= 400) throw serverError(res.status, res.text);
  return res;
}

function post(url: string, file: string, size: number, contentType: string): Promise<ApiResponse> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(url, { method: 'POST', headers: { 'content-type': contentType, 'content-length': String(size) } }, (res) => {
      answered = true;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'] ?? '', text }));
      res.on('error', (cause) => reject(new AppError(CliErrors.BAD_RESPONSE, `the analyzer's answer was cut: ${cause.message}`, { cause })));
    });
    req.setTimeout(IDLE_TIMEOUT_MS, () => req.destroy(new Error(`no answer within ${IDLE_TIMEOUT_MS / 1000}s`)));
    req.on('error', (cause: NodeJS.ErrnoException) => {
      // writing fails once the analyzer has answered early (a refusal) and closed the connection
      if (answered) return;
      const reason = cause.code ?? cause.message;
      reject(new AppError(CliErrors.CONNECT_FAILED,
        `the upload to ${new URL(url).host} failed (${reason}); is the analyzer running? (--analyzer HOST:PORT)`, { cause }));
    });
    const input = createReadStream(file);
    input.on('error', (cause) => {
      req.destroy();
      reject(new AppError(CliErrors.FILE_UNREADABLE, `cannot read ${file}: ${cause.message}`, { cause }));
    });
    input.pipe(req);
  });
}
