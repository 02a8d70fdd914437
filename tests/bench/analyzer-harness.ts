// Starts an analyzer in this process on a loopback port for the REST and WebSocket benchmarks, with its graph
// filled directly with the synthetic topology, or empty for benchmarks that feed it themselves.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAnalyzer, defaultAnalyzerServiceConfig, type Analyzer } from '@topoflow/analyzer';
import { buildSynthetic, syntheticSpec, type SyntheticSize, type SyntheticSummary } from './synthetic.js';

/** A running analyzer and its addresses. */
export interface BenchAnalyzer {
  analyzer: Analyzer;
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** `ws://127.0.0.1:<port>` */
  ws: string;
  summary: SyntheticSummary;
}

/** Starts an analyzer on 127.0.0.1:0 (warnings only in the log) and loads the synthetic topology into its graph. */
export async function startBenchAnalyzer(size: SyntheticSize): Promise<BenchAnalyzer> {
  const config = defaultAnalyzerServiceConfig();
  config.hostId = 'bench-analyzer';
  config.logging.level = 'warn';
  config.analyzer.listen = '127.0.0.1:0';
  // Query benchmarks measure the live graph; filling it must not also write a history file.
  config.analyzer.history.backend = 'none';
  config.etcd.enabled = false;
  const analyzer = createAnalyzer(config);
  await analyzer.start();
  const summary = buildSynthetic(analyzer.graph, syntheticSpec(size));
  const a = analyzer.address;
  if (a === undefined) throw new Error('the analyzer did not report its address');
  return { analyzer, base: `http://${a.host}:${a.port}`, ws: `ws://${a.host}:${a.port}`, summary };
}

/**
 * An empty analyzer listening on a free loopback port, quiet logs (for benchmarks that feed it themselves), recording
 * history in SQLite under a fresh temp dir as a default analyzer does, or no history when `history` is false.
 */
export async function startLoopbackAnalyzer(history = true): Promise<{ analyzer: Analyzer; address: string; dataDir: string }> {
  const config = defaultAnalyzerServiceConfig();
  config.hostId = 'bench-analyzer';
  config.logging.level = 'warn';
  config.analyzer.listen = '127.0.0.1:0';
  config.analyzer.dataDir = mkdtempSync(join(tmpdir(), 'topoflow-bench-'));
  config.etcd.enabled = false;
  if (!history) config.analyzer.history.backend = 'none';
  const analyzer = createAnalyzer(config);
  await analyzer.start();
  const a = analyzer.address;
  if (a === undefined) throw new Error('the analyzer did not report its address');
  return { analyzer, address: `${a.host}:${a.port}`, dataDir: config.analyzer.dataDir };
}
