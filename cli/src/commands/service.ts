// `topoflow analyzer` / `topoflow allinone`: loads the configuration and runs the service until signalled.
import { dumpConfig, loadConfig } from '@topoflow/common';
import { defaultAnalyzerServiceConfig, runAnalyzer } from '@topoflow/analyzer';
import type { CommandContext } from './context.js';

/** Loads defaults ← file ← TOPOFLOW_* environment; --dump prints the result instead of running. */
export async function serviceCommand(ctx: CommandContext, _name: 'analyzer' | 'allinone', file: string | undefined, dump: boolean): Promise<void> {
  const config = loadConfig({ defaults: defaultAnalyzerServiceConfig(), file, env: ctx.env });
  if (dump) {
    ctx.out(dumpConfig(config));
    return;
  }
  await runAnalyzer(config);
}
