// Test helpers other packages may use: a recording FlowQuerySource over arrays and a small flow fixture.
export * from './testing/fake-source.js';
export * from './testing/flow-fixture.js';
export * from './testing/engine.js';
