export * from './app-config.js';
export * from './tokens.js';
export * from './infrastructure.module.js';
export * from './demo/demo-data-set.js';
export * from './pilot-designations.js';
