// Test helper: real network namespaces (`ip netns add tf-test-<random>`), temp run directories and bind
// mounts, all undone by cleanup() even after a failure. Only for tests; never exported by the package.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Namespaces, directories and mounts made by one test suite. */
export class TestNamespaces {
  readonly #names: string[] = [];
  readonly #mounts: string[] = [];
  readonly #dirs: string[] = [];

  /** Creates a namespace under /var/run/netns with a unique name; returns its path. */
  add(): { name: string; path: string } {
    const name = `tf-test-${randomBytes(4).toString('hex')}`;
    execFileSync('ip', ['netns', 'add', name]);
    this.#names.push(name);
    return { name, path: `/var/run/netns/${name}` };
  }

  /** Deletes a namespace made by add(). */
  del(name: string): void {
    execFileSync('ip', ['netns', 'del', name]);
    this.#names.splice(this.#names.indexOf(name), 1);
  }

  /** A new empty directory to use as a run path. */
  tempDir(): string {
    const d = mkdtempSync(join(tmpdir(), 'tf-netns-'));
    this.#dirs.push(d);
    return d;
  }

  /** Makes `target` (a new file) a bind mount of the namespace file `source`. */
  bind(source: string, target: string): void {
    writeFileSync(target, '');
    execFileSync('mount', ['--bind', source, target]);
    this.#mounts.push(target);
  }

  /** Unmounts and deletes a file made by bind(). */
  unbind(target: string): void {
    execFileSync('umount', [target]);
    this.#mounts.splice(this.#mounts.indexOf(target), 1);
    rmSync(target, { force: true });
  }

  /** Undoes everything still in place; never throws. */
  cleanup(): void {
    for (const m of this.#mounts.splice(0).reverse()) attempt(() => execFileSync('umount', ['-l', m], { stdio: 'ignore' }));
    for (const d of this.#dirs.splice(0)) attempt(() => rmSync(d, { recursive: true, force: true }));
    for (const n of this.#names.splice(0)) attempt(() => execFileSync('ip', ['netns', 'del', n], { stdio: 'ignore' }));
  }
}

function attempt(fn: () => unknown): void {
  try {
    fn();
  } catch {
    // best effort: the rest of the clean-up must still run
  }
}

/** Resolves when `cond` holds, polling every 10 ms; rejects after `timeoutMs`. */
export async function waitFor(cond: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
