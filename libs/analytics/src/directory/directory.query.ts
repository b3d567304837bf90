import type { ClickHouseClient } from '@clickhouse/client';
import { asOfParam, queryRows } from '../clickhouse.client.js';

/**
 * Lists with filters and paging (issue 21, point 4): the enterprise directory, outlets and rentals,
 * as known at an instant and up to a log position, in a stable order (by id), so that pages asked
 * with the same cut-off neither skip nor repeat an item whatever is recorded in between.
 */
export interface Page<T> {
  readonly items: T[];
  readonly total: number;
}

export interface PageQuery {
  readonly page: number;
  readonly pageSize: number;
  readonly asOf?: string;
  readonly upToPosition?: number;
}

const KNOWN = `recorded_at <= {asOf:DateTime64(3, 'UTC')} AND position <= {upTo:UInt64}`;

/** One page of a listing's rows (ordered by `orderBy`) and the listing's total, side by side. */
async function pageOf<Row, T>(client: ClickHouseClient, listing: string, orderBy: string, params: Record<string, unknown>, map: (row: Row) => T): Promise<Page<T>> {
  const [rows, [count]] = await Promise.all([
    queryRows<Row>(client, `${listing} ORDER BY ${orderBy} LIMIT {limit:UInt32} OFFSET {offset:UInt32}`, params),
    queryRows<{ total: string }>(client, `SELECT toString(count()) AS total FROM (${listing})`, params),
  ]);
  return { total: Number(count?.total ?? 0), items: rows.map(map) };
}
const paging = (q: PageQuery) => ({ offset: (q.page - 1) * q.pageSize, limit: q.pageSize, asOf: asOfParam(q.asOf), upTo: q.upToPosition ?? Number.MAX_SAFE_INTEGER });

export interface DirectoryEntry {
  readonly uscc: string;
  readonly name: string;
  readonly regionCode: string;
  readonly segment: string;
  readonly registeredOn: string;
  readonly status: 'active' | 'deregistered';
  readonly deregisteredFrom: string | null;
  readonly deregistrationKind: string | null;
}

export interface DirectoryQuery extends PageQuery {
  /** Part of the name (any case, Chinese or not) or the start of the USCC. */
  readonly q: string;
  /** Region code prefix of the enterprise's location now ('' = all). */
  readonly region: string;
  readonly segment: string;
  readonly status: '' | 'active' | 'deregistered';
}

const DIRECTORY = `
  WITH attributes AS (
    SELECT uscc,
           argMaxIf(value, position, attribute = 'name') AS name,
           argMaxIf(value, position, attribute = 'segment') AS segment,
           argMaxIf(value, position, attribute = 'registered_on') AS registered_on,
           argMaxIf(value, position, attribute = 'deregistered_from') AS deregistered_from,
           argMaxIf(value, position, attribute = 'deregistration_kind') AS deregistration_kind
    FROM {db:Identifier}.enterprise_attributes WHERE ${KNOWN} GROUP BY uscc
  ),
  located AS (
    SELECT uscc, argMax(region_code, (effective_month, position)) AS region_code
    FROM {db:Identifier}.enterprise_locations WHERE ${KNOWN} GROUP BY uscc
  ),
  entries AS (
    SELECT a.uscc AS uscc, a.name AS name, l.region_code AS region_code, a.segment AS segment, a.registered_on AS registered_on,
           a.deregistered_from AS deregistered_from, a.deregistration_kind AS deregistration_kind, if(a.deregistered_from = '', 'active', 'deregistered') AS status
    FROM attributes AS a INNER JOIN located AS l ON a.uscc = l.uscc
    WHERE a.registered_on != ''
      AND ({q:String} = '' OR positionCaseInsensitiveUTF8(a.name, {q:String}) > 0 OR startsWith(a.uscc, upperUTF8({q:String})))
      AND startsWith(l.region_code, {region:String})
      AND ({segment:String} = '' OR a.segment = {segment:String})
      AND ({status:String} = '' OR status = {status:String})
  )`;

/** A page of the enterprise directory, by USCC. */
export async function queryDirectory(client: ClickHouseClient, db: string, q: DirectoryQuery): Promise<Page<DirectoryEntry>> {
  const params = { db, q: q.q, region: q.region, segment: q.segment, status: q.status, ...paging(q) };
  return pageOf(
    client,
    `${DIRECTORY} SELECT * FROM entries`,
    'uscc',
    params,
    (r: { uscc: string; name: string; region_code: string; segment: string; registered_on: string; deregistered_from: string; deregistration_kind: string; status: 'active' | 'deregistered' }) => ({
      uscc: r.uscc,
      name: r.name,
      regionCode: r.region_code,
      segment: r.segment,
      registeredOn: r.registered_on,
      status: r.status,
      deregisteredFrom: r.deregistered_from || null,
      deregistrationKind: r.deregistration_kind || null,
    }),
  );
}

export interface OutletEntry {
  readonly outletId: string;
  readonly uscc: string;
  readonly kind: string;
  readonly communityCode: string;
  readonly name: string;
  readonly openedOn: string;
  readonly closedOn: string | null;
  readonly status: 'open' | 'closed';
}

export interface OutletListQuery extends PageQuery {
  readonly region: string;
  readonly kind: string;
  readonly uscc: string;
  readonly status: '' | 'open' | 'closed';
}

const OUTLETS = `
  WITH opened AS (
    SELECT outlet_id, argMax(uscc, position) AS uscc, argMax(kind, position) AS kind, argMax(community_code, position) AS community_code,
           argMax(name, position) AS name, argMax(opened_on, position) AS opened_on
    FROM {db:Identifier}.outlets WHERE ${KNOWN} GROUP BY outlet_id
  ),
  closed AS (SELECT outlet_id, argMax(closed_on, position) AS closed_on FROM {db:Identifier}.outlet_closures WHERE ${KNOWN} GROUP BY outlet_id),
  entries AS (
    SELECT o.outlet_id AS outlet_id, o.uscc AS uscc, o.kind AS kind, o.community_code AS community_code, o.name AS name, toString(o.opened_on) AS opened_on,
           if(c.outlet_id = '', '', toString(c.closed_on)) AS closed_on, if(c.outlet_id = '', 'open', 'closed') AS status
    FROM opened AS o LEFT JOIN closed AS c ON o.outlet_id = c.outlet_id
    WHERE startsWith(o.community_code, {region:String}) AND ({kind:String} = '' OR o.kind = {kind:String}) AND ({uscc:String} = '' OR o.uscc = {uscc:String})
  )`;

/** A page of outlets, by id ("closed" once a closure is recorded, whatever its date). */
export async function queryOutletList(client: ClickHouseClient, db: string, q: OutletListQuery): Promise<Page<OutletEntry>> {
  const params = { db, region: q.region, kind: q.kind, uscc: q.uscc, status: q.status, ...paging(q) };
  return pageOf(
    client,
    `${OUTLETS} SELECT * FROM entries WHERE {status:String} = '' OR status = {status:String}`,
    'outlet_id',
    params,
    (r: { outlet_id: string; uscc: string; kind: string; community_code: string; name: string; opened_on: string; closed_on: string; status: 'open' | 'closed' }) => ({
      outletId: r.outlet_id,
      uscc: r.uscc,
      kind: r.kind,
      communityCode: r.community_code,
      name: r.name,
      openedOn: r.opened_on,
      closedOn: r.closed_on || null,
      status: r.status,
    }),
  );
}

export interface RentalEntry {
  readonly rentalId: string;
  readonly outletId: string;
  readonly uscc: string;
  readonly communityCode: string;
  readonly productClass: string;
  readonly traceCode: string;
  readonly beneficiary: string;
  readonly startedOn: string;
  readonly endedOn: string | null;
  readonly status: 'active' | 'ended';
}

export interface RentalListQuery extends PageQuery {
  readonly region: string;
  readonly outletId: string;
  readonly uscc: string;
  readonly productClass: string;
  readonly beneficiary: string;
  readonly status: '' | 'active' | 'ended';
}

const RENTALS = `
  WITH started AS (
    SELECT rental_id, argMax(outlet_id, position) AS outlet_id, argMax(uscc, position) AS uscc, argMax(community_code, position) AS community_code,
           argMax(product_class, position) AS product_class, argMax(trace_code, position) AS trace_code, argMax(beneficiary, position) AS beneficiary,
           argMax(started_on, position) AS started_on
    FROM {db:Identifier}.rentals WHERE ${KNOWN} GROUP BY rental_id
  ),
  ended AS (SELECT rental_id, argMax(ended_on, position) AS ended_on FROM {db:Identifier}.rental_returns WHERE ${KNOWN} GROUP BY rental_id),
  entries AS (
    SELECT s.rental_id AS rental_id, s.outlet_id AS outlet_id, s.uscc AS uscc, s.community_code AS community_code, s.product_class AS product_class,
           s.trace_code AS trace_code, s.beneficiary AS beneficiary, toString(s.started_on) AS started_on,
           if(e.rental_id = '', '', toString(e.ended_on)) AS ended_on, if(e.rental_id = '', 'active', 'ended') AS status
    FROM started AS s LEFT JOIN ended AS e ON s.rental_id = e.rental_id
    WHERE startsWith(s.community_code, {region:String}) AND ({outletId:String} = '' OR s.outlet_id = {outletId:String})
      AND ({uscc:String} = '' OR s.uscc = {uscc:String})
      AND ({productClass:String} = '' OR startsWith(s.product_class, {productClass:String}))
      AND ({beneficiary:String} = '' OR s.beneficiary = {beneficiary:String})
  )`;

/** A page of rentals, by id ("ended" once the return is recorded). */
export async function queryRentalList(client: ClickHouseClient, db: string, q: RentalListQuery): Promise<Page<RentalEntry>> {
  const params = { db, region: q.region, outletId: q.outletId, uscc: q.uscc, productClass: q.productClass, beneficiary: q.beneficiary, status: q.status, ...paging(q) };
  return pageOf(
    client,
    `${RENTALS} SELECT * FROM entries WHERE {status:String} = '' OR status = {status:String}`,
    'rental_id',
    params,
    (r: { rental_id: string; outlet_id: string; uscc: string; community_code: string; product_class: string; trace_code: string; beneficiary: string; started_on: string; ended_on: string; status: 'active' | 'ended' }) => ({
      rentalId: r.rental_id,
      outletId: r.outlet_id,
      uscc: r.uscc,
      communityCode: r.community_code,
      productClass: r.product_class,
      traceCode: r.trace_code,
      beneficiary: r.beneficiary,
      startedOn: r.started_on,
      endedOn: r.ended_on || null,
      status: r.status,
    }),
  );
}
