import { column, defineTable, type RowOf } from '../table.js';

/** Every event as it was stored, with its metadata: the audit trail. */
export const eventLog = defineTable({
  name: 'event_log',
  columns: {
    position: column<number>('UInt64'),
    stream_id: column<string>('String'),
    revision: column<number>('UInt32'),
    type: column<string>('LowCardinality(String)'),
    actor: column<string>('String'),
    role: column<string>('LowCardinality(String)'),
    data: column<string>('String'),
    metadata: column<string>('String'),
    recorded_at: column<string>("DateTime64(3, 'UTC')"),
  },
  engine: 'ReplacingMergeTree',
  orderBy: 'position',
});
export type EventLogRow = RowOf<typeof eventLog>;
