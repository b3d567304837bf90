export * from './regions.js';
export * from './segments.js';
export * from './product-classes.js';
