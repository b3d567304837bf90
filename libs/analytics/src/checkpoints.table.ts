import { column, defineTable } from './table.js';

/** How far each projector (and each Kafka partition of it) has projected the log. */
export const projectorCheckpoints = defineTable({
  name: 'projector_checkpoints',
  columns: {
    projector: column<string>('LowCardinality(String)'),
    position: column<number>('UInt64'),
    updated_at: column<string>("DateTime64(3, 'UTC')"),
  },
  engine: 'ReplacingMergeTree(position)',
  orderBy: 'projector',
});
