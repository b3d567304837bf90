import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withUsccCheckCharacter } from '../../../libs/domain/src/index.js';
import { ServerProcess } from '../../../test/support/server.js';
import { benchCounties } from './data.js';
import type { Figure } from './report.js';

const SEGMENTS = ['manufacturing', 'distribution', 'configuration_service', 'rental_service', 'rnd', 'other'];

/**
 * Issue 15's scale: publishing a county × segment × month table of a province (100 counties, 12
 * months) with 20 earlier releases in the ledger, every publication checked by the linked LP audit.
 * Data: three enterprises per county and segment (one cell in ten dominated by one of them),
 * imported through the CLI; the earlier releases are monthly county tables and quarterly county
 * × segment tables of the same province.
 */
export async function publication(options: { counties: number; earlier: number }, log: (m: string) => void): Promise<Figure[]> {
  const counties = benchCounties()
    .map((c) => c.county)
    .filter((c) => c.startsWith('37'))
    .slice(0, options.counties);
  // The server logs where each publication spends its time (LOG_LEVEL=log); the report quotes the last one.
  const server = await ServerProcess.start({ env: { LOG_LEVEL: 'log' } });
  try {
    const lines: string[] = [];
    let n = 0;
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed / 2147483648);
    for (const county of counties)
      for (const [s, segment] of SEGMENTS.entries())
        for (let f = 0; f < 3; f++) {
          const uscc = withUsccCheckCharacter(`93${county}MC${String(n++).padStart(7, '0')}`);
          lines.push(JSON.stringify({ command: 'registerEnterprise', uscc, name: `披露基准${n}`, regionCode: county, segment, productClasses: [], registeredOn: '2024-01-01' }));
          const dominated = (s + counties.indexOf(county)) % 10 === 0;
          const monthly = Math.round((dominated && f === 0 ? 9_000_000 : 200_000) * (0.8 + 0.4 * random()));
          for (let m = 1; m <= 12; m++)
            lines.push(JSON.stringify({ command: 'fileMonthlyReport', uscc, period: `2025-${String(m).padStart(2, '0')}`, revenue: `${monthly}.00`, taxPaid: '100.00', employees: 5 }));
        }
    const file = join(mkdtempSync(join(tmpdir(), 'fuju-bench-disclosure-')), 'province.ndjson');
    writeFileSync(file, `${lines.join('\n')}\n`);
    log(`disclosure: importing ${lines.length} lines (${counties.length} counties × 6 segments × 3 enterprises × 12 months)`);
    const imported = await server.cli(['import', file]);
    if (imported.code !== 0) throw new Error(`import failed: ${imported.stderr || imported.stdout}`);
    await server.waitForProjection();
    const admin = await server.token('admin');
    const publish = async (title: string, body: object): Promise<number> => {
      const draft = await server.request('POST', '/v1/releases', { token: admin, body: { title, region: '37', ...body } });
      if (draft.status !== 201) throw new Error(`draft ${title}: ${draft.status} ${JSON.stringify(draft.body)}`);
      const started = performance.now();
      const pub = await server.request('POST', `/v1/releases/${draft.body.releaseId}/publication`, { token: admin });
      if (pub.status !== 201) throw new Error(`publication ${title}: ${pub.status} ${JSON.stringify(pub.body).slice(0, 300)}`);
      return (performance.now() - started) / 1000;
    };
    const byCounty = { indicator: 'revenue', groupBy: 'region', regionLevel: 'county' };
    const earlier: number[] = [];
    for (let r = 0; r < options.earlier; r++) {
      const body =
        r % 2 === 0
          ? { period: `2025-${String((r % 12) + 1).padStart(2, '0')}`, tables: [byCounty] }
          : { period: `2025-Q${((r >> 1) % 4) + 1}`, tables: [{ indicator: 'revenue', groupBy: 'region,segment', regionLevel: 'county' }] };
      earlier.push(await publish(`基准发布${r + 1}`, body));
      log(`disclosure: earlier release ${r + 1}/${options.earlier} published in ${earlier.at(-1)!.toFixed(1)} s`);
    }
    const seconds = await publish('全省分县分行业逐月', { period: '2025', tables: [{ indicator: 'revenue', groupBy: 'region,segment,period', regionLevel: 'county' }] });
    log(`disclosure: the county × segment × month table published in ${seconds.toFixed(1)} s`);
    const phases = server.log.split('\n').filter((l) => l.includes('publication of')).at(-1)?.replace(/\u001b\[[0-9;]*m/g, '').replace(/^.*publication of/, 'publication of') ?? '';
    log(`disclosure: ${phases}`);
    return [
      {
        workload: 'disclosure',
        figure: `publish a county × segment × month table (${counties.length} counties, 12 months) with ${options.earlier} earlier releases, linked LP audit`,
        value: Math.round(seconds * 100) / 100,
        unit: 's',
        target: { op: '<=', value: 10 },
        note: `earlier publications took ${earlier.map((s) => s.toFixed(1)).join(', ')} s; ${phases}`,
      },
    ];
  } finally {
    await server.stop();
  }
}
