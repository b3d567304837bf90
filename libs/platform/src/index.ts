export * from './app-config.js';
export * from './tokens.js';
export * from './infrastructure.module.js';
export * from './demo/demo-data-set.js';
export * from './projector.module.js';
export * from './read-model.module.js';
export * from './relay.module.js';
export * from './write-side.js';
