// The benchmarks' seeded random generator: the shared one, so every benchmark input is the same on every run.
export { Prng } from '@topoflow/common/testing';
