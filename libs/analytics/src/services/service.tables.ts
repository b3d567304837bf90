import { column, defineTable, type RowOf } from '../table.js';

const position = column<number>('UInt64');
const recordedAt = column<string>("DateTime64(3, 'UTC')");

export const outlets = defineTable({
  name: 'outlets',
  columns: {
    outlet_id: column<string>('String'),
    uscc: column<string>('String'),
    kind: column<string>('LowCardinality(String)'),
    community_code: column<string>('String'),
    name: column<string>('String'),
    opened_on: column<string>('Date'),
    position,
    recorded_at: recordedAt,
  },
  engine: 'ReplacingMergeTree',
  orderBy: '(outlet_id, position)',
});
export type OutletRow = RowOf<typeof outlets>;

export const outletClosures = defineTable({
  name: 'outlet_closures',
  columns: {
    outlet_id: column<string>('String'),
    closed_on: column<string>('Date'),
    position,
    recorded_at: recordedAt,
  },
  engine: 'ReplacingMergeTree',
  orderBy: '(outlet_id, position)',
});
export type OutletClosureRow = RowOf<typeof outletClosures>;

export const rentals = defineTable({
  name: 'rentals',
  columns: {
    rental_id: column<string>('String'),
    outlet_id: column<string>('String'),
    uscc: column<string>('String'),
    community_code: column<string>('String'),
    outlet_kind: column<string>('LowCardinality(String)'),
    product_class: column<string>('LowCardinality(String)'),
    trace_code: column<string>('String'),
    beneficiary: column<string>('LowCardinality(String)'),
    started_on: column<string>('Date'),
    monthly_fee_fen: column<string>('Int64'),
    monthly_subsidy_fen: column<string>('Int64'),
    position,
    recorded_at: recordedAt,
  },
  engine: 'ReplacingMergeTree',
  orderBy: '(rental_id, position)',
});
export type RentalRow = RowOf<typeof rentals>;

export const rentalReturns = defineTable({
  name: 'rental_returns',
  columns: {
    rental_id: column<string>('String'),
    ended_on: column<string>('Date'),
    disinfected_on: column<string>('Date'),
    position,
    recorded_at: recordedAt,
  },
  engine: 'ReplacingMergeTree',
  orderBy: '(rental_id, position)',
});
export type RentalReturnRow = RowOf<typeof rentalReturns>;
