// Topology: embedded (ServerProcess never inherits KAFKA_BROKERS or EVENTSTORE_CONNECTION_STRING); this suite also reads the SQLite event store file directly.
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatFen, withUsccCheckCharacter } from '../libs/domain/src/index.js';
import { ServerProcess } from './support/server.js';

/** The release's content hash as the contract describes it, computed here: SHA-256 of the cells as JSON with sorted keys. */
function ownContentHash(cells: unknown): string {
  const canonical = (v: unknown): string =>
    Array.isArray(v)
      ? `[${v.map(canonical).join(',')}]`
      : v !== null && typeof v === 'object'
        ? `{${Object.keys(v)
            .sort()
            .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
            .join(',')}}`
        : JSON.stringify(v);
  return createHash('sha256').update(canonical(cells)).digest('hex');
}

/** Issue 5: releases with disclosure control, frozen and verifiable; audit trail and vintages. */
describe('releases, disclosure control and the audit trail', () => {
  let server: ServerProcess;
  let admin: string;
  let regulator: string;
  let bureau: string;
  // County → enterprises' monthly revenue (fen) and tax (fen) for 2024.
  const plan: Record<string, { revenue: number; tax: number }[]> = {
    '510104': [{ revenue: 500_000, tax: 20_000 }, { revenue: 400_000, tax: 15_000 }], // 2 contributors
    '510105': [{ revenue: 9_000_000, tax: 30_000 }, { revenue: 300_000, tax: 30_000 }, { revenue: 300_000, tax: 30_000 }, { revenue: 300_000, tax: 30_000 }], // one dominates revenue (90%)
    '510106': [1, 2, 3, 4, 5].map((i) => ({ revenue: 1_000_000 + i * 1000, tax: 50_000 + i })),
    '510107': [1, 2, 3, 4].map((i) => ({ revenue: 800_000 + i * 1000, tax: 40_000 + i })),
    '510108': [1, 2, 3, 4, 5, 6].map((i) => ({ revenue: 700_000 + i * 1000, tax: 90_000 + i })),
  };
  const enterprises = Object.entries(plan).flatMap(([county, list], c) =>
    list.map((figures, i) => ({ uscc: withUsccCheckCharacter(`91${county}MA0E0${c}${String(i).padStart(3, '0')}`), county, figures })),
  );
  const writes: { uscc: string; county: string; month: number; revenue: number; recordedAt: string }[] = [];
  let releaseId = '';
  let published: any;

  beforeAll(async () => {
    server = await ServerProcess.start();
    admin = await server.token('admin');
    regulator = await server.token('regulator');
    bureau = await server.token('bureau', { region: '5101' });
    for (const e of enterprises) {
      const r = await server.request('POST', '/v1/enterprises', {
        token: admin,
        body: { uscc: e.uscc, name: `成都辅具${e.uscc.slice(-4)}`, regionCode: e.county, segment: 'manufacturing', productClasses: ['06'], registeredOn: '2023-01-01' },
      });
      expect(r.status).toBe(201);
    }
    for (const e of enterprises)
      for (let m = 1; m <= 6; m++) {
        const r = await server.request('PUT', `/v1/enterprises/${e.uscc}/reports/2024-${String(m).padStart(2, '0')}`, {
          token: bureau,
          body: { revenue: formatFen(e.figures.revenue), taxPaid: formatFen(e.figures.tax), employees: 10 },
        });
        expect(r.status).toBe(201);
        writes.push({ uscc: e.uscc, county: e.county, month: m, revenue: e.figures.revenue, recordedAt: r.body.recordedAt });
      }
    await server.waitForProjection();
  });

  afterAll(async () => {
    await server?.stop();
  });

  const TABLES = [
    { indicator: 'revenue', groupBy: 'region', regionLevel: 'county' },
    { indicator: 'tax', groupBy: 'region', regionLevel: 'county' },
    { indicator: 'enterprises', groupBy: 'region', regionLevel: 'county' },
  ];

  it('suppresses a 2-contributor cell and a dominated cell, protects lone hidden cells, and lets the regulator see the real values', async () => {
    const draft = await server.request('POST', '/v1/releases', { token: bureau, body: { title: '2024年上半年成都市康复辅具产业主要指标', period: '2024-Q2', region: '5101', tables: TABLES } });
    expect(draft.status).toBe(201);
    releaseId = draft.body.releaseId;
    // The cut-off is the log position before the draft's own event.
    expect(draft.body.cutoff.position).toBe((await server.request('GET', '/health')).body.eventStore.head - 1);
    expect((await server.request('GET', `/v1/releases/${releaseId}`)).status).toBe(404); // drafts are not public
    const pub = await server.request('POST', `/v1/releases/${releaseId}/publication`, { token: bureau });
    expect([pub.status, pub.body.detail]).toEqual([201, undefined]);
    published = (await server.request('GET', `/v1/releases/${releaseId}`)).body; // public, no token
    const cell = (table: number, region: string) => published.cells.find((c: any) => c.table === table && !c.total && c.key.region === region);
    // No filing of this test is accepted in review: every cell holds unaccepted filings, so is provisional (issue 18).
    // Every enterprise filed each month of the quarter it owed (issue 20): full response; hidden cells publish no weighted rate.
    const complete = (county: string) => ({ expected: plan[county].length, filed: plan[county].length, rate: 1, weightedRate: null });
    expect(cell(0, '510104')).toEqual({ table: 0, key: { region: '510104' }, total: false, value: null, flags: ['confidential', 'provisional'], response: complete('510104') });
    expect(cell(0, '510105')).toEqual({ table: 0, key: { region: '510105' }, total: false, value: null, flags: ['confidential', 'provisional'], response: complete('510105') });
    // Tax: only 510104 fails FREQ(3); the smallest other cell (510105, 3600.00) is hidden with it.
    const tax = (county: string) => formatFen(plan[county].reduce((s, f) => s + f.tax * 3, 0));
    expect(tax('510105')).toBe('3600.00');
    expect([cell(1, '510104'), cell(1, '510105')].map((c) => [c.value, c.flags])).toEqual([
      [null, ['confidential', 'provisional']],
      [null, ['confidential', 'provisional']],
    ]);
    expect([cell(1, '510106').value, cell(1, '510107').value, cell(1, '510108').value]).toEqual([tax('510106'), tax('510107'), tax('510108')]);
    // Counts of enterprises are not protected.
    expect(cell(2, '510104').value).toBe(2);
    // Totals: the test's own sums over every county for April-June (3 months each).
    const all = Object.values(plan).flat();
    const totals = [formatFen(all.reduce((s, f) => s + f.revenue * 3, 0)), formatFen(all.reduce((s, f) => s + f.tax * 3, 0)), all.length];
    for (const table of [0, 1, 2]) {
      const members = published.cells.filter((c: any) => c.table === table && !c.total);
      const total = published.cells.find((c: any) => c.table === table && c.total);
      expect([table, total.value, total.flags]).toEqual([table, totals[table], ['provisional']]);
      expect(members.filter((c: any) => c.value === null).length).not.toBe(1);
    }
    // The content hash is SHA-256 of the cells' canonical JSON: recomputed here, not by the server's code.
    expect(ownContentHash(published.cells)).toBe(published.contentHash);
    const real = await server.request('GET', '/v1/statistics/revenue?period=2024-Q2&region=5101&groupBy=region&regionLevel=county', { token: regulator });
    expect(real.body.rows.find((r: any) => r.region.code === '510105').value).toBe(formatFen(plan['510105'].reduce((s, f) => s + f.revenue * 3, 0)));
    expect(real.body.rows.find((r: any) => r.region.code === '510104').contributors).toBe(2);
  });

  it('keeps published cells byte-identical after new filings and a correction, verifies, and revises with flags', async () => {
    const before = JSON.stringify((await server.request('GET', `/v1/releases/${releaseId}`)).body.cells);
    const target = enterprises.find((e) => e.county === '510106')!;
    const corrected = await server.request('PUT', `/v1/enterprises/${target.uscc}/reports/2024-05`, {
      token: bureau,
      body: { revenue: formatFen(target.figures.revenue + 50_000), taxPaid: formatFen(target.figures.tax), employees: 10, reason: '补录一笔销售收入' },
    });
    expect(corrected.status).toBe(200);
    writes.push({ uscc: target.uscc, county: target.county, month: 5, revenue: target.figures.revenue + 50_000, recordedAt: corrected.body.recordedAt });
    for (const e of enterprises.filter((x) => x.county === '510108')) {
      const r = await server.request('PUT', `/v1/enterprises/${e.uscc}/reports/2024-07`, { token: bureau, body: { revenue: formatFen(e.figures.revenue), taxPaid: formatFen(e.figures.tax), employees: 10 } });
      expect([r.status, r.body.detail]).toEqual([201, undefined]);
    }
    await server.waitForProjection();
    expect(JSON.stringify((await server.request('GET', `/v1/releases/${releaseId}`)).body.cells)).toBe(before);
    const verification = await server.request('GET', `/v1/releases/${releaseId}/verification`, { token: regulator });
    expect(verification.body).toEqual({ matches: true, contentHash: published.contentHash, recomputedHash: published.contentHash, frozenHash: published.contentHash });
    expect((await server.request('GET', `/v1/releases/${releaseId}/verification`)).status).toBe(401);

    const revision = await server.request('POST', `/v1/releases/${releaseId}/revisions`, { token: bureau });
    expect([revision.status, revision.body.revisionOf]).toEqual([201, releaseId]);
    const revisedId = revision.body.releaseId;
    expect((await server.request('POST', `/v1/releases/${revisedId}/publication`, { token: bureau })).status).toBe(201);
    const diff = await server.request('GET', `/v1/releases/${releaseId}/diff/${revisedId}`);
    const oldRevenue = plan['510106'].reduce((s, f) => s + f.revenue * 3, 0);
    expect(diff.body.changed).toEqual([
      { table: 0, key: { region: '510106' }, total: false, from: formatFen(oldRevenue), to: formatFen(oldRevenue + 50_000), flags: ['revised', 'provisional'] },
      { table: 0, key: {}, total: true, from: published.cells.find((c: any) => c.table === 0 && c.total).value, to: expect.any(String), flags: ['revised', 'provisional'] },
    ]);
    const original = (await server.request('GET', `/v1/releases/${releaseId}`)).body;
    expect(original.supersededBy).toBe(revisedId);
    const revised = (await server.request('GET', `/v1/releases/${revisedId}`)).body;
    expect(revised.cells.filter((c: any) => c.value === null).map((c: any) => [c.table, c.key.region])).toEqual(
      published.cells.filter((c: any) => c.value === null).map((c: any) => [c.table, c.key.region]),
    );
    expect((await server.request('GET', `/v1/releases/${revisedId}/verification`, { token: regulator })).body.matches).toBe(true);
  });

  it('serves CSV and XLSX downloads with the same numbers as the JSON', async () => {
    const json = (await server.request('GET', `/v1/releases/${releaseId}`)).body;
    const expected = json.cells.map((c: any) => [c.total ? 'total' : c.key.region, c.value === null ? '' : String(c.value), c.flags.join(' ')]);
    const csvResponse = await fetch(`${server.url}/v1/releases/${releaseId}?format=csv`);
    expect(csvResponse.headers.get('content-type')).toMatch(/^text\/csv/);
    const csv = parse(await csvResponse.text(), { columns: true }) as Record<string, string>[];
    expect(csv.map((r) => [r.total === 'total' ? 'total' : r.region_code, r.value, r.flags])).toEqual(expected);
    const xlsxResponse = await fetch(`${server.url}/v1/releases/${releaseId}?format=xlsx`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await xlsxResponse.arrayBuffer()) as never);
    const sheet = workbook.getWorksheet('cells')!;
    const header = (sheet.getRow(1).values as string[]).slice(1);
    const rows: string[][] = [];
    sheet.eachRow((row, n) => {
      if (n === 1) return;
      const values = (row.values as unknown[]).slice(1);
      const get = (name: string) => String(values[header.indexOf(name)] ?? '');
      rows.push([get('total') === 'total' ? 'total' : get('region_code'), get('value'), get('flags')]);
    });
    expect(rows).toEqual(expected);
  });

  it('lists every value a figure has had with the instant it became known', async () => {
    const body = (await server.request('GET', '/v1/audit/vintages?indicator=revenue&period=2024-Q2&region=510106', { token: regulator })).body;
    // The test's own writes in order: the figure after each instant, kept when it changed.
    const latest = new Map<string, number>();
    const expected: { value: string; knownFrom: string }[] = [];
    const relevant = writes.filter((w) => w.county === '510106' && w.month >= 4 && w.month <= 6).sort((a, b) => (a.recordedAt < b.recordedAt ? -1 : 1));
    relevant.forEach((w, i) => {
      latest.set(`${w.uscc}|${w.month}`, w.revenue);
      if (relevant[i + 1]?.recordedAt === w.recordedAt) return;
      const value = formatFen([...latest.values()].reduce((s, v) => s + v, 0));
      if (expected.at(-1)?.value !== value) expected.push({ value, knownFrom: w.recordedAt });
    });
    expect(body.vintages.map(({ value, knownFrom }: any) => ({ value, knownFrom }))).toEqual(expected);
    expect(expected.length).toBeGreaterThan(10);
  });

  it('pages through 10,000 events with after, without gaps or repeats', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fuju-audit-'));
    const lines: string[] = [];
    for (let e = 0; e < 200; e++) {
      const uscc = withUsccCheckCharacter(`91510104MA${String(3000000 + e).padStart(7, '0')}`);
      lines.push(JSON.stringify({ command: 'registerEnterprise', uscc, name: `审计${e}`, regionCode: '510104', segment: 'other', productClasses: [], registeredOn: '2021-01-01' }));
      for (let m = 0; m < 49; m++)
        lines.push(JSON.stringify({ command: 'fileMonthlyReport', uscc, period: `${2022 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`, revenue: '100.00', taxPaid: '1.00', employees: 3 }));
    }
    writeFileSync(join(dir, 'audit.ndjson'), `${lines.join('\n')}\n`);
    expect((await server.cli(['import', join(dir, 'audit.ndjson')])).code).toBe(0);
    await server.waitForProjection();
    const head = (await server.request('GET', '/health')).body.eventStore.head;
    expect(head).toBeGreaterThan(10_000);
    const seen: number[] = [];
    let after = 0;
    for (let page = 0; page < 100; page++) {
      const r = await server.request('GET', `/v1/audit/events?after=${after}&limit=1000`, { token: regulator });
      expect([r.status, r.body.detail]).toEqual([200, undefined]);
      seen.push(...r.body.events.map((e: { position: number }) => e.position));
      if (r.body.next === null) break;
      after = r.body.next;
    }
    expect(seen).toEqual(Array.from({ length: head }, (_, i) => i + 1));
    const filtered = await server.request('GET', `/v1/audit/events?type=MonthlyReportCorrected&limit=10`, { token: regulator });
    expect(filtered.body.events.map((e: any) => [e.type, e.metadata.actor, e.data.reason])).toEqual([['MonthlyReportCorrected', 'bureau:5101', '补录一笔销售收入']]);
    expect((await server.request('GET', '/v1/audit/events', { token: bureau })).status).toBe(403);
  });

  // Last: it tampers with the event log.
  it('detects tampering: a changed frozen cell, a changed hash, a changed filing behind a cell (verification false)', async () => {
    const db = new Database(join(server.dataDir, 'events.sqlite'));
    const stream = `release-${releaseId}`;
    const row = db.prepare("SELECT position, data FROM events WHERE stream_id = ? AND type = 'ReleasePublished'").get(stream) as { position: number; data: string };
    const original = JSON.parse(row.data);
    const rewrite = (data: unknown) => db.prepare('UPDATE events SET data = ? WHERE position = ?').run(JSON.stringify(data), row.position);
    const verify = async () => (await server.request('GET', `/v1/releases/${releaseId}/verification`, { token: regulator })).body;
    try {
      // 1. A frozen cell changed in place: its hash no longer matches the published one.
      const i = original.cells.findIndex((c: any) => c.table === 0 && c.key.region === '510106');
      const cells = original.cells.map((c: any, n: number) => (n === i ? { ...c, value: '1.00' } : c));
      rewrite({ ...original, cells });
      const changedCell = await verify();
      expect([changedCell.matches, changedCell.contentHash, changedCell.recomputedHash, changedCell.frozenHash]).toEqual([false, published.contentHash, published.contentHash, ownContentHash(cells)]);
      // 2. The published hash changed.
      rewrite({ ...original, contentHash: '0'.repeat(64) });
      const changedHash = await verify();
      expect([changedHash.matches, changedHash.contentHash, changedHash.recomputedHash]).toEqual([false, '0'.repeat(64), published.contentHash]);
      rewrite(original);
      expect((await verify()).matches).toBe(true);
      // 3. A filing behind a published cell changed in the log (then the read model rebuilt from it).
      const target = enterprises.find((e) => e.county === '510107')!;
      const filing = db.prepare("SELECT position, data FROM events WHERE stream_id = ? AND type = 'MonthlyReportFiled' AND json_extract(data, '$.period') = '2024-04'").get(`enterprise-${target.uscc}`) as { position: number; data: string };
      expect(filing.position).toBeLessThan(published.cutoff.position);
      db.prepare('UPDATE events SET data = ? WHERE position = ?').run(JSON.stringify({ ...JSON.parse(filing.data), revenue: '1.00' }), filing.position);
      expect((await server.rebuild()).status).toBe('succeeded');
      const changedFiling = await verify();
      expect([changedFiling.matches, changedFiling.frozenHash === published.contentHash, changedFiling.recomputedHash === published.contentHash]).toEqual([false, true, false]);
    } finally {
      db.close();
    }
  });
});
