export * from './build/index.js';
export * from './compose/index.js';
export * from './workload/index.js';
