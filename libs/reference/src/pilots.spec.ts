import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chineseAmountToYuan, pilotRegions, resolveRegionCode } from './pilots.js';

const seed = (name: string) => readFileSync(fileURLToPath(new URL(`../seeds/${name}`, import.meta.url)), 'utf8');
const letters = seed('pilot-commitments-2020.txt');
const jiaxingPlan = seed('jiaxing-pilot-plan-2018.txt');

describe('pilot reference data', () => {
  it('lists every region with a commitment letter in the seed, plus Jiaxing, each with its GB/T 2260 code', () => {
    const named = [...letters.matchAll(/^(.+?)康复辅助器具产业\s*$/gm)].map((m) => m[1].trim());
    expect(named).toHaveLength(22);
    const pilots = pilotRegions();
    expect(pilots.filter((p) => p.batch === 2).map((p) => p.name)).toEqual(named);
    expect(pilots.map((p) => [p.name, p.regionCode]).slice(0, 4)).toEqual([
      ['浙江省嘉兴市', '3304'],
      ['北京市石景山区', '110107'],
      ['河北省衡水市', '1311'],
      ['辽宁省鞍山市', '2103'],
    ]);
    expect(Object.fromEntries(pilots.map((p) => [p.name, p.regionCode]))).toMatchObject({
      '上海市青浦区': '310118',
      '重庆市永川区': '500118',
      '重庆市巴南区': '500113',
      '重庆市大足区': '500111',
      '四川省成都市温江区': '510115',
      '广西壮族自治区柳州市': '4502',
      '陕西省宝鸡市': '6103',
    });
  });

  it('quotes every commitment exactly as the documents say it', () => {
    for (const pilot of pilotRegions()) {
      const text = pilot.batch === 1 ? jiaxingPlan : letters;
      for (const c of pilot.commitments) expect({ pilot: pilot.name, quote: c.source, found: text.includes(c.source) }).toEqual({ pilot: pilot.name, quote: c.source, found: true });
      for (const t of pilot.textCommitments) expect({ pilot: pilot.name, quote: t, found: text.includes(t) }).toEqual({ pilot: pilot.name, quote: t, found: true });
    }
  });

  it('reads Hengshui as its letter states: revenue 110亿元, tax 2.6亿元, 5万 jobs, 70% coverage, 3.31亿元 in 2021', () => {
    const hengshui = pilotRegions().find((p) => p.regionCode === '1311')!;
    const value = (indicator: string, year = 2023) => hengshui.commitments.find((c) => c.indicator === indicator && c.year === year)?.value;
    expect([value('revenue'), value('tax'), value('employment'), value('community-coverage'), value('investment', 2021)]).toEqual([
      '11000000000.00',
      '260000000.00',
      50000,
      0.7,
      '331000000.00',
    ]);
    expect([hengshui.batch, hengshui.startYear, hengshui.endYear]).toEqual([2, 2021, 2023]);
  });

  it('reads Qingdao, Baoji and Anyang investments and targets', () => {
    const byCode = (code: string) => pilotRegions().find((p) => p.regionCode === code)!;
    expect(byCode('3702').commitments.filter((c) => c.indicator === 'investment').map((c) => c.value)).toEqual(['2890000000.00', '190000000.00', '190000000.00']);
    expect(byCode('6103').commitments.find((c) => c.indicator === 'community-coverage')?.value).toBe(0.5);
    expect(byCode('4105').commitments.filter((c) => c.indicator === 'investment').map((c) => c.value)).toEqual(['284000000.00', '472600000.00', '473800000.00']);
  });

  it('converts Chinese amounts exactly and resolves names to codes', () => {
    expect(chineseAmountToYuan('4.726亿')).toBe('472600000.00');
    expect(chineseAmountToYuan('2000万')).toBe('20000000.00');
    expect(resolveRegionCode('浙江省', '嘉兴市')).toBe('3304');
    expect(() => resolveRegionCode('浙江省', '不存在市')).toThrow(/no division/);
  });
});
