// Benchmark (a) over REST: POST /api/topology against an in-process analyzer. (Pending the analyzer.)
import type { Benchmark } from './benchmark.js';

/** The REST lookup benchmark. */
export const restBenchmark: Benchmark = {
  name: 'rest',
  title: "(a) Has('Name', X) over REST",
  run: async () => {
    throw new Error('the analyzer is not available yet');
  },
};
