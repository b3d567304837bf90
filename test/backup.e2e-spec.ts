import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatFen, withUsccCheckCharacter } from '../libs/domain/src/index.js';
import { ServerProcess } from './support/server.js';

/** Issue 9: online backup beside the running server; restore rebuilds the read model and verifies counts. */
describe('backup and restore', () => {
  it('backs up while serving, restores into an emptied data directory, and the figures come back', async () => {
    const server = await ServerProcess.start();
    const admin = await server.token('admin');
    const enterprises = [1, 2, 3].map((i) => withUsccCheckCharacter(`91330106MA2K0000${i}`));
    for (const uscc of enterprises) {
      expect((await server.request('POST', '/v1/enterprises', { token: admin, body: { uscc, name: `备份${uscc.slice(-2)}`, regionCode: '330106', segment: 'rnd', productClasses: [], registeredOn: '2022-01-01' } })).status).toBe(201);
      for (let m = 1; m <= 6; m++)
        expect((await server.request('PUT', `/v1/enterprises/${uscc}/reports/2024-0${m}`, { token: await server.token('enterprise', { uscc }), body: { revenue: formatFen(100_000 * m), taxPaid: '10.00', employees: 4 } })).status).toBe(201);
    }
    await server.waitForProjection();
    const regulator = await server.token('regulator');
    const beforeRows = (await server.request('GET', '/v1/statistics/revenue?from=2024-01&to=2024-06&granularity=month', { token: regulator })).body.rows;

    const dir = join(mkdtempSync(join(tmpdir(), 'fuju-backup-')), 'backup');
    const backup = await server.cli(['backup', dir]);
    expect([backup.code, backup.stdout]).toEqual([0, expect.stringMatching(/^backed up 21 events \(up to position 21\) into .+; sha256 [0-9a-f]{64}\n$/)]);
    const refused = await server.cli(['restore', dir]);
    expect([refused.code, refused.stderr]).toEqual([2, expect.stringContaining('stop the server and pass --force')]);

    await server.stop();
    rmSync(server.dataDir, { recursive: true, force: true });
    const restored = await server.cli(['restore', dir]);
    expect([restored.code, restored.stdout]).toEqual([0, 'restored 21 events (up to position 21), counts and checksum verified; start the server to rebuild the read model from the log\n']);
    await server.boot();
    await server.waitForProjection(21);
    // The signing secret came back with the store: a token issued before the backup still works.
    const after = (await server.request('GET', '/v1/statistics/revenue?from=2024-01&to=2024-06&granularity=month', { token: regulator })).body.rows;
    expect(after).toEqual(beforeRows);
    expect(after.map((r: { value: string }) => r.value)).toEqual([1, 2, 3, 4, 5, 6].map((m) => formatFen(3 * 100_000 * m)));
    await server.stop();
  }, 180_000);
});
