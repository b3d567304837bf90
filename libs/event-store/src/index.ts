export * from './event-store.port.js';
export * from './sqlite.event-store.js';
