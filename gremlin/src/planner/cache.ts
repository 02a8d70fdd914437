// A small LRU map for planned queries, so repeated query texts skip lexing, parsing and planning.

/** Least-recently-used cache with a fixed capacity. */
export class LruCache<K, V> {
  readonly #capacity: number;
  readonly #map = new Map<K, V>();

  constructor(capacity: number) {
    this.#capacity = Math.max(1, capacity);
  }

  /** The cached value, marking it as most recently used. */
  get(key: K): V | undefined {
    const v = this.#map.get(key);
    if (v !== undefined && this.#map.size > 1) {
      this.#map.delete(key);
      this.#map.set(key, v);
    }
    return v;
  }

  /** Stores a value, evicting the least recently used one when full. */
  set(key: K, value: V): void {
    this.#map.delete(key);
    if (this.#map.size >= this.#capacity) this.#map.delete(this.#map.keys().next().value as K);
    this.#map.set(key, value);
  }

  /** Number of cached entries. */
  get size(): number {
    return this.#map.size;
  }

  /** Drops everything. */
  clear(): void {
    this.#map.clear();
  }
}
