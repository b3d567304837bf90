import { jest } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pilotDecider, type PilotDesignated } from '../../domain/src/index.js';
import { SqliteEventStore } from '../../event-store/src/index.js';
import { load, loadMany } from './load.js';

const designated = (regionCode: string, name: string): PilotDesignated => ({
  type: 'PilotDesignated',
  data: { regionCode, name, batch: 2, startYear: 2021, endYear: 2023 },
  metadata: { actor: 'test', role: 'admin', requestId: 'r', schemaVersion: 1 },
});

/** Lists read every listed aggregate in one read of the store (issue 17: no N+1 reads). */
describe('loadMany', () => {
  it('folds each aggregate as load would, with one read of the store for all of them', async () => {
    const store = new SqliteEventStore(join(mkdtempSync(join(tmpdir(), 'fuju-load-')), 'events.sqlite'));
    await store.append(pilotDecider.streamId('1311'), [designated('1311', '衡水市')], { expectedRevision: 0 });
    await store.append(pilotDecider.streamId('3304'), [designated('3304', '嘉兴市')], { expectedRevision: 0 });
    const one = jest.spyOn(store, 'readStream');
    const many = jest.spyOn(store, 'readStreams');
    const pilots = await loadMany(store, pilotDecider, ['3304', '9999', '1311']);
    expect(one).not.toHaveBeenCalled();
    expect(many).toHaveBeenCalledTimes(1);
    expect(pilots.map((p) => [p.key, p.state.designated, p.state.name, p.revision])).toEqual([
      ['3304', true, '嘉兴市', 1],
      ['9999', false, '', 0],
      ['1311', true, '衡水市', 1],
    ]);
    one.mockRestore();
    for (const p of pilots) expect(p.state).toEqual((await load(store, pilotDecider, p.key)).state);
    await store.close();
  });
});
