// Seeded random helpers for fuzz tests, so every failure can be replayed.
import { Prng } from '@topoflow/common/testing';

/** Random choices driven by one PRNG. */
export class Chooser extends Prng {
  /** Mutates text: truncation, insertion, deletion or duplication of a slice. */
  mutate(text: string): string {
    const i = this.int(text.length + 1);
    switch (this.int(5)) {
      case 0: return text.slice(0, i);
      case 1: return text.slice(0, i) + this.pick(['"', "'", '{', '}', '[', ']', ',', ':', '\\', '\u0000', 'null', '1e999', '-']) + text.slice(i);
      case 2: return text.slice(0, i) + text.slice(i + 1 + this.int(8));
      case 3: return text.slice(0, i) + text.slice(this.int(text.length));
      default: return text.replace(/"[A-Za-z]+"/, this.pick(['1', 'null', '[]', '{}', '"x"', 'true']));
    }
  }
}

/** JSON nested `depth` levels deep: `{"a":{"a":…}}` or `[[…]]`. */
export function deepJson(depth: number, kind: 'object' | 'array'): string {
  return kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}
