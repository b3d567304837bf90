export * from './regions.js';
export * from './segments.js';
export * from './product-classes.js';
export * from './communities.js';
export * from './outlet-kinds.js';
export * from './pilots.js';
