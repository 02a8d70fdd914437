// The component contract: an inert constructor, start() acquires resources, stop() releases them.

/** A long-lived part of a service. */
export interface Component {
  /** Acquires resources; resolves when ready. */
  start(): Promise<void>;
  /** Releases resources in reverse order; idempotent and bounded in time. */
  stop(): Promise<void>;
}

/** A source of the current time, injected so tests can control it. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** Starts components in order and stops the started ones in reverse order when one fails. */
export async function startAll(components: readonly Component[]): Promise<() => Promise<void>> {
  const started: Component[] = [];
  const stopAll = async (): Promise<void> => {
    for (const c of started.reverse()) await c.stop();
    started.length = 0;
  };
  try {
    for (const c of components) {
      await c.start();
      started.push(c);
    }
  } catch (err) {
    await stopAll();
    throw err;
  }
  return stopAll;
}
