import type { ClickHouseClient } from '@clickhouse/client';
import { chInstant, queryRows } from '../clickhouse.client.js';

const iso = (chInstant: string) => `${chInstant.replace(' ', 'T')}Z`;

export interface AuditEventQuery {
  readonly after: number;
  readonly limit: number;
  readonly streamId?: string;
  readonly type?: string;
  readonly actor?: string;
  readonly from?: string;
  readonly to?: string;
}

export interface AuditEvent {
  position: number;
  streamId: string;
  revision: number;
  type: string;
  data: unknown;
  metadata: Record<string, unknown>;
  recordedAt: string;
}

/** Events in log order after a position, filtered; every value bound as a parameter. */
export async function queryAuditEvents(client: ClickHouseClient, db: string, q: AuditEventQuery): Promise<AuditEvent[]> {
  const rows = await queryRows<{ log_position: string; stream_id: string; revision: number; type: string; data: string; metadata: string; recorded_instant: string }>(
    client,
    `SELECT toString(position) AS log_position, stream_id, revision, type, data, metadata, toString(recorded_at) AS recorded_instant
     FROM {db:Identifier}.event_log
     WHERE position > {after:UInt64}
       AND ({streamId:String} = '' OR stream_id = {streamId:String})
       AND ({type:String} = '' OR type = {type:String})
       AND ({actor:String} = '' OR actor = {actor:String})
       AND recorded_at >= {from:DateTime64(3, 'UTC')} AND recorded_at <= {to:DateTime64(3, 'UTC')}
     ORDER BY position
     LIMIT 1 BY position
     LIMIT {limit:UInt32}`,
    {
      db,
      after: q.after,
      limit: q.limit,
      streamId: q.streamId ?? '',
      type: q.type ?? '',
      actor: q.actor ?? '',
      from: chInstant(q.from ?? '1970-01-01T00:00:00.000Z'),
      to: chInstant(q.to ?? '2299-12-31T23:59:59.999Z'),
    },
  );
  return rows.map((r) => ({
    position: Number(r.log_position),
    streamId: r.stream_id,
    revision: Number(r.revision),
    type: r.type,
    data: JSON.parse(r.data),
    metadata: JSON.parse(r.metadata),
    recordedAt: iso(r.recorded_instant),
  }));
}

export interface Vintage {
  /** Integer fen for money, a count otherwise. */
  readonly value: bigint;
  readonly knownFrom: string;
  readonly position: number;
}

/**
 * Every distinct value a report figure (revenue, tax, employment, enterprises) has had, with the
 * instant it became known (ALFRED-style vintages): the log's report rows replayed in order.
 * Regions are those the enterprises have for each month as known now.
 */
export async function queryReportVintages(
  client: ClickHouseClient,
  db: string,
  q: { indicator: 'revenue' | 'tax' | 'employment' | 'enterprises'; fromMonth: number; toMonth: number; region: string },
): Promise<Vintage[]> {
  const rows = await queryRows<{ uscc: string; month: number; revenue_fen: string; tax_fen: string; employees: number; position: string; recorded_at: string }>(
    client,
    `WITH locations AS (
       SELECT uscc, effective_month, argMax(region_code, position) AS region_code
       FROM {db:Identifier}.enterprise_locations GROUP BY uscc, effective_month
     ),
     revisions AS (
       SELECT * FROM {db:Identifier}.report_revisions
       WHERE month BETWEEN {fromMonth:UInt32} AND {toMonth:UInt32}
       ORDER BY position LIMIT 1 BY position
     )
     SELECT r.uscc AS uscc, r.month AS month, toString(r.revenue_fen) AS revenue_fen, toString(r.tax_fen) AS tax_fen, r.employees AS employees,
            toString(r.position) AS position, toString(r.recorded_at) AS recorded_at
     FROM revisions AS r ASOF LEFT JOIN locations AS l ON r.uscc = l.uscc AND r.month >= l.effective_month
     WHERE startsWith(l.region_code, {region:String})
     ORDER BY r.position`,
    { db, fromMonth: q.fromMonth, toMonth: q.toMonth, region: q.region },
  );
  const cells = new Map<string, bigint>();
  const employees = new Map<string, Map<number, number>>();
  let total = 0n;
  const vintages: Vintage[] = [];
  const emit = (knownFrom: string, position: number) => {
    const value =
      q.indicator === 'employment'
        ? [...employees.values()].reduce((s, months) => s + BigInt(months.get(Math.max(...months.keys()))!), 0n)
        : q.indicator === 'enterprises'
          ? BigInt(new Set([...cells.keys()].map((k) => k.split('|')[0])).size)
          : total;
    const last = vintages[vintages.length - 1];
    if (!last || last.value !== value) vintages.push({ value, knownFrom, position });
    else if (last.knownFrom === knownFrom) vintages[vintages.length - 1] = { ...last, position };
  };
  for (const [i, r] of rows.entries()) {
    const key = `${r.uscc}|${r.month}`;
    const amount = BigInt(q.indicator === 'tax' ? r.tax_fen : r.revenue_fen);
    total += amount - (cells.get(key) ?? 0n);
    cells.set(key, amount);
    (employees.get(r.uscc) ?? employees.set(r.uscc, new Map()).get(r.uscc)!).set(Number(r.month), Number(r.employees));
    // Events recorded at the same instant became known together.
    if (rows[i + 1]?.recorded_at !== r.recorded_at) emit(iso(r.recorded_at), Number(r.position));
  }
  return vintages;
}

/** The streams with an event of a type, in the order of their first such event (newest first with `newestFirst`). */
export async function queryStreamsWithEvent(client: ClickHouseClient, db: string, type: string, options: { newestFirst?: boolean } = {}): Promise<string[]> {
  const rows = await queryRows<{ stream_id: string }>(
    client,
    `SELECT stream_id FROM {db:Identifier}.event_log WHERE type = {type:String} GROUP BY stream_id ORDER BY min(position) ${options.newestFirst ? 'DESC' : 'ASC'}`,
    { db, type },
  );
  return rows.map((r) => r.stream_id);
}
