import { freshEvents } from './projector.js';

const at = (...positions: number[]) => positions.map((position) => ({ position }));

describe('freshEvents: a partition batch projected exactly once', () => {
  it('keeps what is above the partition checkpoint, in order', () => {
    expect(freshEvents(at(3, 5, 8), 4)).toEqual(at(5, 8));
  });

  it('drops the copies a relay resent after a crash, inside one batch', () => {
    // 10–12 sent, the relay restarted from its checkpoint at 9 and sent 10–12 again, then 13.
    expect(freshEvents(at(10, 11, 12, 10, 11, 12, 13), 9)).toEqual(at(10, 11, 12, 13));
  });

  it('takes nothing from a batch wholly at or below the checkpoint', () => {
    expect(freshEvents(at(1, 2, 2), 2)).toEqual([]);
  });
});
