export * from './clickhouse.client.js';
export * from './migrations.js';
export * from './report.projection.js';
export * from './projector.js';
export * from './statistics.query.js';
export * from './indicators.js';
