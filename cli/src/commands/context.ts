// What every command receives: where the analyzer is and where to write.

/** The environment of a command run. */
export interface CommandContext {
  /** Analyzer address "host:port". */
  analyzer: string;
  /** Writes to standard output. */
  out(text: string): void;
  /** Writes a progress or summary line to standard error. */
  info(text: string): void;
  /** Environment variables (for config overrides). */
  env: Record<string, string | undefined>;
}
