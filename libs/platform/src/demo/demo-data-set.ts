import {
  decideEnterprise,
  enterpriseStreamId,
  evolveEnterprise,
  ExplanationRequiredError,
  initialEnterpriseState,
  monthLabel,
  withUsccCheckCharacter,
  type CommandContext,
  type EnterpriseCommand,
  type EnterpriseEvent,
  type EnterpriseState,
  type Role,
} from '../../../domain/src/index.js';
import type { EventStore } from '../../../event-store/src/index.js';
import { counties, findRegion, type Segment } from '../../../reference/src/index.js';

/** Pilot regions of the seed documents (民发〔2017〕150号 first batch: 嘉兴; 003_*.txt second batch). */
export const DEMO_REGIONS = [
  { prefix: '1311', pilot: '河北省衡水市' },
  { prefix: '3301', pilot: '浙江省杭州市' },
  { prefix: '3304', pilot: '浙江省嘉兴市' },
  { prefix: '110107', pilot: '北京市石景山区' },
  { prefix: '510115', pilot: '四川省成都市温江区' },
  { prefix: '3702', pilot: '山东省青岛市' },
] as const;

export const DEMO_FIRST_MONTH = '2023-01';
export const DEMO_MONTHS = 36;
const ENTERPRISES_PER_REGION = 25;

const SEGMENT_PROFILE: { segment: Segment; weight: number; revenue: number; employees: number; classes: string[]; word: string }[] = [
  { segment: 'manufacturing', weight: 30, revenue: 4_000_000, employees: 180, classes: ['12 22', '18 12', '06'], word: '康复辅具制造' },
  { segment: 'distribution', weight: 20, revenue: 1_500_000, employees: 40, classes: ['12', '09', '22'], word: '辅具商贸' },
  { segment: 'configuration_service', weight: 15, revenue: 600_000, employees: 25, classes: ['06', '12 22'], word: '假肢矫形器配置' },
  { segment: 'rental_service', weight: 20, revenue: 300_000, employees: 15, classes: ['12 22', '18 12', '12 06'], word: '康养辅具租赁' },
  { segment: 'rnd', weight: 10, revenue: 800_000, employees: 35, classes: ['22', '24', '27'], word: '智能康复科技' },
  { segment: 'other', weight: 5, revenue: 200_000, employees: 10, classes: ['30'], word: '健康服务' },
];

/** A small deterministic PRNG (mulberry32), so the demo data set is the same on every machine. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type WithoutContext<C> = C extends unknown ? Omit<C, 'context'> : never;

export interface DemoCommand {
  readonly at: string;
  readonly actor: string;
  readonly role: Role;
  readonly command: WithoutContext<EnterpriseCommand>;
}

/** Every command of the demo data set, in the order (and at the instants) they were filed. */
export function demoCommands(): DemoCommand[] {
  const random = prng(20171120);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const commands: DemoCommand[] = [];
  const firstMonth = Number(DEMO_FIRST_MONTH.slice(0, 4)) * 12;
  let serial = 0;
  for (const region of DEMO_REGIONS) {
    const districts = counties().filter((c) => c.code.startsWith(region.prefix)).slice(0, 6);
    for (let i = 0; i < ENTERPRISES_PER_REGION; i++) {
      const county = pick(districts);
      let roll = random() * 100;
      const profile = SEGMENT_PROFILE.find((p) => (roll -= p.weight) < 0) ?? SEGMENT_PROFILE[0];
      serial += 1;
      const uscc = withUsccCheckCharacter(`91${county.code}MA${String(100000 + serial * 37).padStart(6, '0')}X`.slice(0, 17));
      const scale = 0.3 + random() * 2.5;
      const growth = 1 + (random() * 0.25 - 0.05) / 12;
      const cityName = findRegion(county.code.slice(0, 4))?.name.replace(/市$/, '') ?? '';
      const bureau = `bureau:${county.code.slice(0, 4)}`;
      commands.push({
        at: `2022-12-${String(1 + Math.floor(random() * 20)).padStart(2, '0')}T02:00:00.000Z`,
        actor: bureau,
        role: 'bureau',
        command: {
          type: 'RegisterEnterprise',
          data: {
            uscc,
            name: `${cityName}${pick(['康宁', '福佑', '安康', '仁和', '怡年', '济康', '同心', '乐龄'])}${profile.word}有限公司${serial}`,
            regionCode: county.code,
            segment: profile.segment,
            industryCode: profile.segment === 'manufacturing' ? '3586' : null,
            productClasses: profile.classes,
            registeredOn: `${2010 + Math.floor(random() * 12)}-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-01`,
          },
        },
      });
      let employees = Math.max(3, Math.round(profile.employees * scale));
      for (let m = 0; m < DEMO_MONTHS; m++) {
        const month = firstMonth + m;
        const seasonal = 1 + 0.12 * Math.sin(((month % 12) / 12) * 2 * Math.PI);
        const revenue = Math.round(profile.revenue * scale * growth ** m * seasonal * (0.9 + random() * 0.2) * 100);
        const tax = Math.round(revenue * (0.03 + random() * 0.03));
        employees = Math.max(3, Math.round(employees * (0.97 + random() * 0.06)));
        const filedDay = random() < 0.06 ? 16 + Math.floor(random() * 12) : 3 + Math.floor(random() * 12);
        const filedAt = new Date(Date.UTC(Math.floor((month + 1) / 12), (month + 1) % 12, filedDay, 1 + Math.floor(random() * 8), Math.floor(random() * 60)));
        const period = monthLabel(month);
        const data = { uscc, period, revenue: fen(revenue), taxPaid: fen(tax), employees };
        commands.push({ at: filedAt.toISOString(), actor: `enterprise:${uscc}`, role: 'enterprise', command: { type: 'FileMonthlyReport', data } });
        if (random() < 0.04) {
          const correctedAt = new Date(filedAt.getTime() + (3 + Math.floor(random() * 20)) * 86_400_000);
          commands.push({
            at: correctedAt.toISOString(),
            actor: `enterprise:${uscc}`,
            role: 'enterprise',
            command: {
              type: 'FileMonthlyReport',
              data: { ...data, revenue: fen(Math.round(revenue * (0.92 + random() * 0.16))), reason: '财务月结复核后更正主营业务收入' },
            },
          });
        }
      }
    }
  }
  return commands.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

function fen(value: number): string {
  return `${Math.floor(value / 100)}.${String(value % 100).padStart(2, '0')}`;
}

const EXPLANATION = '本月订单结构变化较大，数据已与财务报表核对一致，属实。';

export interface DemoSummary {
  enterprises: number;
  filings: number;
  corrections: number;
  events: number;
  regions: string[];
  months: string;
}

/**
 * Loads the demo data set through the same deciders as the HTTP path, recording each event
 * at the instant it was (notionally) filed, so "as of" questions have a real history.
 */
export async function loadDemoDataSet(store: EventStore, onProgress: (done: number, total: number) => void = () => undefined): Promise<DemoSummary> {
  const commands = demoCommands();
  const states = new Map<string, { state: EnterpriseState; revision: number }>();
  const summary: DemoSummary = {
    enterprises: 0,
    filings: 0,
    corrections: 0,
    events: 0,
    regions: DEMO_REGIONS.map((r) => `${r.pilot} (${r.prefix})`),
    months: `${DEMO_FIRST_MONTH}..${monthLabel(Number(DEMO_FIRST_MONTH.slice(0, 4)) * 12 + DEMO_MONTHS - 1)}`,
  };
  let done = 0;
  for (const { at, actor, role, command } of commands) {
    const uscc = command.data.uscc;
    const current = states.get(uscc) ?? { state: initialEnterpriseState(), revision: 0 };
    const context: CommandContext = { actor, role, requestId: `demo-${++done}`, now: at };
    let events: EnterpriseEvent[];
    try {
      events = decideEnterprise({ ...command, context } as EnterpriseCommand, current.state);
    } catch (error) {
      if (!(error instanceof ExplanationRequiredError) || command.type !== 'FileMonthlyReport') throw error;
      const explanations = Object.fromEntries(error.errors.map((e) => [e.path, EXPLANATION]));
      events = decideEnterprise({ ...command, data: { ...command.data, explanations }, context } as EnterpriseCommand, current.state);
    }
    if (!events.length) continue;
    const result = await store.append(enterpriseStreamId(uscc), events, { expectedRevision: current.revision, recordedAt: at });
    states.set(uscc, { state: events.reduce(evolveEnterprise, current.state), revision: result.revision });
    summary.events += events.length;
    for (const e of events) {
      if (e.type === 'EnterpriseRegistered') summary.enterprises += 1;
      if (e.type === 'MonthlyReportFiled') summary.filings += 1;
      if (e.type === 'MonthlyReportCorrected') summary.corrections += 1;
    }
    if (done % 500 === 0) onProgress(done, commands.length);
  }
  onProgress(commands.length, commands.length);
  return summary;
}
