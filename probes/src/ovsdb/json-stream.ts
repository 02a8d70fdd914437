// Splits a byte stream of concatenated JSON texts (OVSDB's framing: no delimiter) into parsed values, with a
// bound on the size of one value so a misbehaving peer cannot make us buffer without limit.
import type { AppError } from '@topoflow/common';
import { OvsdbErrors, ovsdbError } from './errors.js';

/** One result of the splitter: a parsed value, or an error for a value that was skipped. */
export type JsonStreamItem = { ok: true; value: unknown } | { ok: false; error: AppError };

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/**
 * Incremental splitter of top-level JSON objects and arrays. Structural bytes are all ASCII and never occur
 * inside a multi-byte UTF-8 sequence, so scanning bytes is safe; values are decoded only once complete.
 * Errors never desynchronise the stream: an oversize value is skipped to its end, stray bytes are dropped.
 */
export class JsonStreamSplitter {
  readonly #maxBytes: number;
  #parts: Buffer[] = [];
  #size = 0;
  #depth = 0;
  #inString = false;
  #escape = false;
  #skipping = false;
  #inGarbage = false;

  constructor(maxMessageBytes: number) {
    this.#maxBytes = maxMessageBytes;
  }

  /** Bytes buffered for the value in progress. */
  get buffered(): number {
    return this.#size;
  }

  /** Forgets any partial value (after a reconnect). */
  reset(): void {
    this.#parts = [];
    this.#size = 0;
    this.#depth = 0;
    this.#inString = false;
    this.#escape = false;
    this.#skipping = false;
    this.#inGarbage = false;
  }

  /** Feeds one chunk; returns the values (and errors) completed by it, in stream order. */
  push(chunk: Buffer): JsonStreamItem[] {
    const out: JsonStreamItem[] = [];
    let start = this.#depth > 0 ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i] as number;
      if (this.#depth === 0) {
        if (isSpace(b)) continue;
        if (b === OPEN_BRACE || b === OPEN_BRACKET) {
          this.#depth = 1;
          this.#inGarbage = false;
          start = i;
          continue;
        }
        if (!this.#inGarbage) {
          this.#inGarbage = true;
          out.push({ ok: false, error: ovsdbError(OvsdbErrors.MALFORMED_MESSAGE, 'unexpected bytes between JSON values', { details: { byte: b } }) });
        }
        continue;
      }
      if (this.#inString) {
        if (this.#escape) this.#escape = false;
        else if (b === BACKSLASH) this.#escape = true;
        else if (b === QUOTE) this.#inString = false;
        continue;
      }
      if (b === QUOTE) this.#inString = true;
      else if (b === OPEN_BRACE || b === OPEN_BRACKET) this.#depth++;
      else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
        this.#depth--;
        if (this.#depth === 0) {
          out.push(...this.#finish(chunk.subarray(start, i + 1)));
          start = -1;
        }
      }
    }
    if (this.#depth > 0 && start >= 0) this.#collect(chunk.subarray(start), out);
    return out;
  }

  #collect(piece: Buffer, out: JsonStreamItem[]): void {
    if (this.#skipping) return;
    this.#size += piece.length;
    if (this.#size > this.#maxBytes) {
      out.push({ ok: false, error: this.#tooLarge() });
      this.#skipping = true;
      this.#parts = [];
      return;
    }
    this.#parts.push(Buffer.from(piece));
  }

  #finish(last: Buffer): JsonStreamItem[] {
    const skipped = this.#skipping;
    const size = this.#size + last.length;
    const parts = this.#parts;
    this.#parts = [];
    this.#size = 0;
    this.#skipping = false;
    if (skipped) return [];
    if (size > this.#maxBytes) return [{ ok: false, error: this.#tooLarge() }];
    const text = (parts.length === 0 ? last : Buffer.concat([...parts, last])).toString('utf8');
    try {
      return [{ ok: true, value: JSON.parse(text) as unknown }];
    } catch (err) {
      return [{ ok: false, error: ovsdbError(OvsdbErrors.MALFORMED_MESSAGE, 'invalid JSON value', { cause: err, details: { bytes: size } }) }];
    }
  }

  #tooLarge(): AppError {
    return ovsdbError(OvsdbErrors.MESSAGE_TOO_LARGE, 'JSON value larger than the maximum message size', {
      details: { maxBytes: this.#maxBytes },
    });
  }
}
