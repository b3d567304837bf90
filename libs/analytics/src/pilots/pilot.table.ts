import { column, defineTable, type RowOf } from '../table.js';

/** Pilot regions as designated (the list of pilots and its order come from here). */
export const pilots = defineTable({
  name: 'pilots',
  columns: {
    region_code: column<string>('String'),
    name: column<string>('String'),
    batch: column<number>('UInt8'),
    start_year: column<number>('UInt16'),
    end_year: column<number>('UInt16'),
    position: column<number>('UInt64'),
    recorded_at: column<string>("DateTime64(3, 'UTC')"),
  },
  engine: 'ReplacingMergeTree',
  orderBy: '(region_code, position)',
});
export type PilotRow = RowOf<typeof pilots>;
