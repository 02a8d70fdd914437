// The table's storage: an open-addressing hash index (linear probing, backward-shift deletion) from key bytes to
// flows, and a doubly linked list in least-recently-touched order. Lookups allocate nothing.

/** What the index needs from an entry. */
export interface Indexed<T> {
  key: Uint8Array;
  hash: number;
  /** Slot id in the index (set by it). */
  id: number;
  prev: T | null;
  next: T | null;
}

/** A 32-bit hash of `b[0, len)` (murmur3 mixing over 4-byte words). */
export function hashKey(b: Uint8Array, len: number): number {
  let h = len;
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    let k = (b[i] as number) | ((b[i + 1] as number) << 8) | ((b[i + 2] as number) << 16) | ((b[i + 3] as number) << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  for (let s = 0; i < len; i++, s += 8) k |= (b[i] as number) << s;
  h ^= Math.imul((Math.imul(k, 0xcc9e2d51) << 15) | (Math.imul(k, 0xcc9e2d51) >>> 17), 0x1b873593);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

function sameKey(a: Uint8Array, b: Uint8Array, len: number): boolean {
  if (a.length !== len) return false;
  for (let i = 0; i < len; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Hash index plus LRU list of entries. */
export class FlowIndex<T extends Indexed<T>> {
  #slots = new Int32Array(1024);
  #hashes = new Int32Array(1024);
  #mask = 1023;
  readonly #entries: Array<T | undefined> = [undefined];
  readonly #free: number[] = [];
  #size = 0;
  #head: T | null = null;
  #tail: T | null = null;

  /** Entries held. */
  get size(): number {
    return this.#size;
  }

  /** Least recently touched entry. */
  get oldest(): T | null {
    return this.#head;
  }

  /** The entry whose key is `key[0, len)` (with hash `hash`), or undefined. */
  get(key: Uint8Array, len: number, hash: number): T | undefined {
    const slots = this.#slots, hashes = this.#hashes, mask = this.#mask;
    for (let s = hash & mask; ; s = (s + 1) & mask) {
      const id = slots[s] as number;
      if (id === 0) return undefined;
      if (hashes[s] === hash) {
        const e = this.#entries[id] as T;
        if (sameKey(e.key, key, len)) return e;
      }
    }
  }

  /** Adds an entry (its key must be absent) as the most recently touched. */
  add(e: T): void {
    if ((this.#size + 1) * 2 > this.#slots.length) this.#resize(this.#slots.length * 2);
    const id = this.#free.pop() ?? this.#entries.length;
    this.#entries[id] = e;
    e.id = id;
    this.#place(id, e.hash);
    this.#size++;
    this.#append(e);
  }

  /** Removes an entry. */
  delete(e: T): void {
    const mask = this.#mask, slots = this.#slots, hashes = this.#hashes;
    let s = e.hash & mask;
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
    if (this.#tail === e) return;
    this.#unlink(e);
    this.#append(e);
  }

  /** Entries from least to most recently touched (safe against deleting the current one). */
  *[Symbol.iterator](): IterableIterator<T> {
    for (let e = this.#head; e !== null;) {
      const next = e.next;
      yield e;
      e = next;
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
      const e = this.#entries[id];
      if (e !== undefined) this.#place(id, e.hash);
    }
  }

  #append(e: T): void {
    e.prev = this.#tail;
    e.next = null;
    if (this.#tail !== null) this.#tail.next = e;
    else this.#head = e;
    this.#tail = e;
  }

  #unlink(e: T): void {
    if (e.prev !== null) e.prev.next = e.next;
    else this.#head = e.next;
    if (e.next !== null) e.next.prev = e.prev;
    else this.#tail = e.prev;
    e.prev = e.next = null;
  }
}
