// The table's storage: an open-addressing hash index (linear probing, backward-shift deletion) from key words to
// flows, and a doubly linked list in least-recently-touched order. Lookups allocate nothing.
import { LOOKUP_KEY_WORDS as MAX_KEY_WORDS } from '../keys/lookup-key.js';

/** What the index needs from an entry. */
export interface Indexed {
  /** Id in the index (set by it). */
  id: number;
}

/** A 32-bit hash of the key words `w[0, len)` (murmur3 mixing). */
export function hashKey(w: Int32Array, len: number): number {
  let h = len;
  for (let i = 0; i < len; i++) {
    let k = Math.imul(w[i] as number, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

/** Hash index plus LRU list of entries. */
export class FlowIndex<T extends Indexed> {
  #slots = new Int32Array(1024);
  #hashes = new Int32Array(1024);
  #mask = 1023;
  /** Keys by id, MAX_KEY_WORDS words each, in one array so that probing stays in a few cache lines. */
  #keys = new Int32Array(1024 * MAX_KEY_WORDS);
  #keyLengths = new Int32Array(1024);
  #keyHashes = new Int32Array(1024);
  readonly #entries: Array<T | undefined> = [undefined];
  readonly #free: number[] = [];
  #size = 0;
  // LRU list by id (0 = none), in arrays rather than entry fields so that a touch writes to few cache lines
  #prev = new Int32Array(1024);
  #next = new Int32Array(1024);
  #head = 0;
  #tail = 0;

  /** Entries held. */
  get size(): number {
    return this.#size;
  }

  /** Least recently touched entry. */
  get oldest(): T | null {
    return this.#head === 0 ? null : (this.#entries[this.#head] as T);
  }

  /** The entry whose key is the words `key[0, len)` (with hash `hash`), or undefined. */
  get(key: Int32Array, len: number, hash: number): T | undefined {
    const slots = this.#slots, hashes = this.#hashes, mask = this.#mask;
    for (let s = hash & mask; ; s = (s + 1) & mask) {
      const id = slots[s] as number;
      if (id === 0) return undefined;
      if (hashes[s] === hash && this.#sameKey(id, key, len)) return this.#entries[id] as T;
    }
  }

  /** Adds an entry under the key `key[0, len)` (absent, at most MAX_KEY_WORDS words) as the most recently touched. */
  add(e: T, key: Int32Array, len: number, hash: number): void {
    if ((this.#size + 1) * 2 > this.#slots.length) this.#resize(this.#slots.length * 2);
    const id = this.#free.pop() ?? this.#entries.length;
    this.#entries[id] = e;
    e.id = id;
    if (id >= this.#keyLengths.length) this.#growKeys(id * 2);
    this.#keys.set(key.subarray(0, len), id * MAX_KEY_WORDS);
    this.#keyLengths[id] = len;
    this.#keyHashes[id] = hash;
    this.#place(id, hash);
    this.#size++;
    this.#append(e);
  }

  /** Removes an entry. */
  delete(e: T): void {
    const mask = this.#mask, slots = this.#slots, hashes = this.#hashes;
    let s = (this.#keyHashes[e.id] as number) & mask;
    while (slots[s] !== e.id) {
      if (slots[s] === 0) return;
      s = (s + 1) & mask;
    }
    // backward-shift deletion keeps every probe chain unbroken
    for (let j = (s + 1) & mask; slots[j] !== 0; j = (j + 1) & mask) {
      const home = (hashes[j] as number) & mask;
      const between = s <= j ? s < home && home <= j : s < home || home <= j;
      if (between) continue;
      slots[s] = slots[j] as number;
      hashes[s] = hashes[j] as number;
      s = j;
    }
    slots[s] = 0;
    this.#entries[e.id] = undefined;
    this.#free.push(e.id);
    this.#size--;
    this.#unlink(e);
  }

  /** Marks an entry as the most recently touched. */
  touch(e: T): void {
    if (this.#tail === e.id) return;
    this.#unlink(e);
    this.#append(e);
  }

  /** Entries from least to most recently touched (safe against deleting the current one). */
  *[Symbol.iterator](): IterableIterator<T> {
    for (let id = this.#head; id !== 0;) {
      const next = this.#next[id] as number;
      yield this.#entries[id] as T;
      id = next;
    }
  }

  #place(id: number, hash: number): void {
    const mask = this.#mask;
    let s = hash & mask;
    while (this.#slots[s] !== 0) s = (s + 1) & mask;
    this.#slots[s] = id;
    this.#hashes[s] = hash;
  }

  #resize(capacity: number): void {
    this.#slots = new Int32Array(capacity);
    this.#hashes = new Int32Array(capacity);
    this.#mask = capacity - 1;
    for (let id = 1; id < this.#entries.length; id++) {
      if (this.#entries[id] !== undefined) this.#place(id, this.#keyHashes[id] as number);
    }
  }

  #growKeys(ids: number): void {
    const grow = (a: Int32Array, n: number): Int32Array<ArrayBuffer> => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    this.#keys = grow(this.#keys, ids * MAX_KEY_WORDS);
    this.#keyLengths = grow(this.#keyLengths, ids);
    this.#keyHashes = grow(this.#keyHashes, ids);
    this.#prev = grow(this.#prev, ids);
    this.#next = grow(this.#next, ids);
  }

  #sameKey(id: number, key: Int32Array, len: number): boolean {
    if (this.#keyLengths[id] !== len) return false;
    const keys = this.#keys, at = id * MAX_KEY_WORDS;
    for (let i = 0; i < len; i++) if (keys[at + i] !== key[i]) return false;
    return true;
  }

  #append(e: T): void {
    const id = e.id, tail = this.#tail;
    this.#prev[id] = tail;
    this.#next[id] = 0;
    if (tail !== 0) this.#next[tail] = id;
    else this.#head = id;
    this.#tail = id;
  }

  #unlink(e: T): void {
    const id = e.id, prev = this.#prev, next = this.#next;
    const p = prev[id] as number, n = next[id] as number;
    if (p !== 0) next[p] = n;
    else this.#head = n;
    if (n !== 0) prev[n] = p;
    else this.#tail = p;
  }
}
