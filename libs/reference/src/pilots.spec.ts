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
      for (const u of pilot.unmeasured) expect({ pilot: pilot.name, quote: u.source, found: text.includes(u.source), reason: u.reason.length > 10 }).toEqual({ pilot: pilot.name, quote: u.source, found: true, reason: true });
    }
  });

  it('keeps every quantified commitment the issue found missing: measured, or listed with the reason (issue 14 A.16)', () => {
    const byCode = (code: string) => pilotRegions().find((p) => p.regionCode === code)!;
    const shijingshan = byCode('110107');
    // Three 惠及人数 figures for three programmes: the rental network's is measured, the clinic's and the school's are not.
    expect(shijingshan.commitments.filter((c) => c.indicator === 'beneficiaries').map((c) => c.value)).toEqual([5000]);
    expect(shijingshan.unmeasured.map((u) => u.source.match(/惠及人数(\d+)人次/)?.[1]).filter(Boolean)).toEqual(['10000', '2000']);
    expect(byCode('500118').commitments.find((c) => c.indicator === 'employment-added')).toMatchObject({ year: 2023, value: 2500, source: '新增就业2500人' });
    expect(byCode('4105').commitments.find((c) => c.indicator === 'employment-added')?.value).toBe(5000);
    const qingpu = byCode('310118').unmeasured.find((u) => u.source.includes('街镇乡全覆盖'))!;
    expect(qingpu.reason).toContain('街镇乡');
  });

  it('leaves no number of a commitment letter outside the reference data: each figure with a unit is in a commitment, an unmeasured item or an investment', () => {
    // Every number of people or share in a line about beneficiaries, jobs or coverage stands in a quote (or in the line of one).
    const sections = letters.split(/\n(?=\S+康复辅助器具产业\s*\n)/).slice(1);
    const quotesOf = (name: string) => {
      const p = pilotRegions().find((x) => x.batch === 2 && `${x.name}康复辅助器具产业`.startsWith(name.trim().replace(/康复辅助器具产业$/, '')))!;
      return [...p.commitments.map((c) => c.source), ...p.unmeasured.map((u) => u.source), ...p.textCommitments];
    };
    const missing: string[] = [];
    for (const section of sections) {
      const [head, ...body] = section.split('\n');
      const quotes = quotesOf(head.replace(/康复辅助器具产业\s*$/, ''));
      for (const line of body) {
        if (!/惠及|受益|服务群众|新增就业|覆盖|就业|人次/.test(line)) continue;
        // A line that holds a quote is the quoted commitment with its breakdown or context (老年人6万人，残疾人2万人).
        if (quotes.some((q) => line.includes(q))) continue;
        for (const m of line.matchAll(/(\d+(?:\.\d+)?)\s*(万人次|万人|人次|人|%)/g))
          if (!quotes.some((q) => q.includes(m[0]) || q.includes(`${m[1]}${m[2]}`))) missing.push(`${head.trim()}: ${m[0]}`);
      }
    }
    expect(missing).toEqual([]);
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
