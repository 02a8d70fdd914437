#!/usr/bin/env node
// One-step set-up used by `npm start` and `npm test`: installs missing system packages (apt), runs `npm ci`
// when node_modules is missing or older than package-lock.json, rebuilds native addons whose sources changed,
// and builds what changed. Each step is skipped when already done. `--runtime` installs only what running the product needs (not test-only packages).
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runtimeOnly = process.argv.includes('--runtime');
const log = (msg) => process.stderr.write(`setup: ${msg}\n`);

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], ...opts });
  if (r.status !== 0) {
    log(`"${cmd} ${args.join(' ')}" failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    log(`Node ${process.versions.node} is too old: Topoflow needs Node 20.19 or newer`);
    process.exit(1);
  }
}

/** System packages from scripts/system-packages.txt: "name  # why [test]". */
function wantedPackages() {
  const lines = readFileSync(join(root, 'scripts/system-packages.txt'), 'utf8').split('\n');
  const out = [];
  for (const line of lines) {
    const [spec, comment = ''] = line.split('#');
    const name = spec.trim();
    if (name === '') continue;
    if (runtimeOnly && comment.includes('[test]')) continue;
    out.push(name);
  }
  return out;
}

function installed(pkg) {
  try {
    const s = execFileSync('dpkg-query', ['-W', '-f=${Status}', pkg], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    return s.includes('install ok installed');
  } catch {
    return false;
  }
}

function ensureSystemPackages() {
  const missing = wantedPackages().filter((p) => !installed(p));
  if (missing.length === 0) return;
  if (!existsSync('/usr/bin/apt-get')) {
    log(`missing system packages (${missing.join(' ')}) and no apt-get: install them by hand`);
    process.exit(1);
  }
  log(`installing system packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env });
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env });
}

function ensureNodeModules() {
  const lock = readFileSync(join(root, 'package-lock.json'));
  const hash = createHash('sha256').update(lock).digest('hex');
  const stamp = join(root, 'node_modules/.topoflow-setup-stamp');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) return;
  log('installing npm dependencies (npm ci)');
  run('npm', ['ci', '--no-audit', '--no-fund']);
  writeFileSync(stamp, hash);
}

/** Rebuilds a workspace's native addon when one of its sources is newer than the built module (or none exists). */
function ensureNativeAddons() {
  for (const ws of ['probes', 'flow']) {
    const dir = join(root, ws, 'native');
    if (!existsSync(join(dir, 'binding.gyp'))) continue;
    const built = join(dir, 'build', 'Release');
    const outputs = existsSync(built) ? readdirSync(built).filter((f) => f.endsWith('.node')) : [];
    const builtAt = outputs.length === 0 ? 0 : Math.min(...outputs.map((f) => statSync(join(built, f)).mtimeMs));
    const newest = Math.max(...readdirSync(dir).filter((f) => /\.(c|h|cc|gyp)$/.test(f)).map((f) => statSync(join(dir, f)).mtimeMs));
    if (builtAt >= newest) continue;
    log(`building the native addon of ${ws}`);
    run('npm', ['run', 'install', '--workspace', `@topoflow/${ws}`]);
  }
}

function build() {
  run(join(root, 'node_modules/.bin/tsc'), ['-b']);
}

checkNode();
ensureSystemPackages();
ensureNodeModules();
ensureNativeAddons();
build();
