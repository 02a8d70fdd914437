// Locations the integration tests use: the repository root, the CLI entry point and the shared test data.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file runs from tests/dist/src/support). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

/** The compiled CLI entry point. */
export const CLI_MAIN = join(REPO_ROOT, 'cli/dist/main.js');

/** The shared folder beside the repository (`../shared`), holding reference data. */
export const SHARED = resolve(REPO_ROOT, '../shared');

/** A file of the shared data folder; fails clearly when the folder is missing. */
export function sharedData(rel: string): string {
  const p = join(SHARED, 'data', rel);
  if (!existsSync(p)) throw new Error(`test data ${p} is missing: the shared folder must sit beside the repository`);
  return p;
}
