export * from './cloud-event.js';
export * from './kafka.relay.js';
