export * from './event-store.port.js';
export * from './sqlite.event-store.js';
export * from './eventstoredb.event-store.js';
export * from './upcasting.event-store.js';
