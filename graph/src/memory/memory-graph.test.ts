import { describeGraphConformance } from '../testing.js';
import { MemoryGraph } from './memory-graph.js';

describeGraphConformance('MemoryGraph', (config, clock) => new MemoryGraph(config, { clock }));
