export * from './errors.js';
export * from './shared/event.js';
export * from './shared/money.js';
export * from './shared/period.js';
export * from './shared/uscc.js';
export * from './enterprise/enterprise.events.js';
export * from './enterprise/enterprise.decider.js';
export * from './enterprise/soft-edit-rules.js';
