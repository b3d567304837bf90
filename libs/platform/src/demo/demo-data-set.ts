import {
  decideEnterprise,
  decideOutlet,
  decideRental,
  deviceStreamId,
  enterpriseStreamId,
  evolveEnterprise,
  evolveOutlet,
  evolveRental,
  ExplanationRequiredError,
  initialEnterpriseState,
  initialOutletState,
  initialRentalState,
  monthLabel,
  outletStreamId,
  rentalStreamId,
  withUsccCheckCharacter,
  type CloseOutlet,
  type CommandContext,
  type DomainEvent,
  type EnterpriseCommand,
  type RawEnterpriseCommand,
  parseEnterpriseCommand,
  type EnterpriseEvent,
  type EnterpriseState,
  type OpenOutlet,
  type OutletState,
  type RentalState,
  type ReturnRental,
  type Role,
  type RawStartRental,
  parseStartRental,
} from '../../../domain/src/index.js';
import type { EventStore, NewEvent } from '../../../event-store/src/index.js';
import { communitiesUnder, counties, findRegion, type Segment } from '../../../reference/src/index.js';

/** Pilot regions of the seed documents (民发〔2017〕150号 first batch: 嘉兴; 003_*.txt second batch). */
export const DEMO_REGIONS = [
  { prefix: '1311', pilot: '河北省衡水市', coverage: 0.12 },
  { prefix: '3301', pilot: '浙江省杭州市', coverage: 0.15 },
  { prefix: '3304', pilot: '浙江省嘉兴市', coverage: 0.3 },
  { prefix: '110107', pilot: '北京市石景山区', coverage: 0.8 },
  { prefix: '510115', pilot: '四川省成都市温江区', coverage: 0.6 },
  { prefix: '3702', pilot: '山东省青岛市', coverage: 0.12 },
] as const;
const RENTAL_COMPANIES_PER_REGION = 4;
const RENTALS_PER_RENTAL_POINT = 3;
const RENTAL_CLASSES = [
  { code: '12 22', fee: 150 },
  { code: '18 12', fee: 300 },
  { code: '12 06', fee: 60 },
  { code: '09 12', fee: 40 },
  { code: '12 07', fee: 50 },
];

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

/** Outlet and rental commands before the loader adds what it knows of the other aggregates. */
type DemoServiceCommand =
  | { type: 'OpenOutlet'; data: Omit<OpenOutlet['data'], 'owner'> }
  | { type: 'CloseOutlet'; data: CloseOutlet['data'] }
  | { type: 'StartRental'; data: RawStartRental }
  | { type: 'ReturnRental'; data: ReturnRental['data'] };

export interface DemoCommand {
  readonly at: string;
  readonly actor: string;
  readonly role: Role;
  readonly command: RawEnterpriseCommand | DemoServiceCommand;
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
    const rentalCompanies: { uscc: string; actor: string }[] = [];
    for (let i = 0; i < ENTERPRISES_PER_REGION; i++) {
      const county = pick(districts);
      let roll = random() * 100;
      const drawn = SEGMENT_PROFILE.find((p) => (roll -= p.weight) < 0) ?? SEGMENT_PROFILE[0];
      const profile = i < RENTAL_COMPANIES_PER_REGION ? SEGMENT_PROFILE.find((p) => p.segment === 'rental_service')! : drawn;
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
      if (profile.segment === 'rental_service') rentalCompanies.push({ uscc, actor: `enterprise:${uscc}` });
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
    commands.push(...serviceCommands(region.prefix, region.coverage, rentalCompanies, random));
  }
  return commands.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const DAY = 86_400_000;
/** 09:00-17:00 in China on a date, as an instant. */
const during = (date: string, random: () => number) => new Date(Date.parse(`${date}T01:00:00Z`) + Math.floor(random() * 8 * 3600_000)).toISOString();

/**
 * The community rental service of one pilot region: rental points opened in real communities
 * (reaching about `coverage` of them by the end), a few other outlets, rentals of several device
 * classes to each beneficiary group, returns with disinfection, and some closures.
 */
function serviceCommands(prefix: string, coverage: number, companies: { uscc: string; actor: string }[], random: () => number): DemoCommand[] {
  const out: DemoCommand[] = [];
  const communities = communitiesUnder(prefix);
  const shuffled = communities.map((c) => ({ c, k: random() })).sort((a, b) => a.k - b.k).map((x) => x.c);
  const points = Math.max(1, Math.round(communities.length * coverage));
  const start = Date.parse('2023-01-01T00:00:00Z');
  const span = Date.parse('2025-09-30T00:00:00Z') - start;
  for (let i = 0; i < points + Math.ceil(points / 10); i++) {
    const company = companies[i % companies.length];
    const isRentalPoint = i < points;
    const kind = isRentalPoint ? 'rental_point' : (['configuration_center', 'experience_center', 'disinfection_center'] as const)[i % 3];
    const outletId = `DEMO-${prefix}-${String(i + 1).padStart(4, '0')}`;
    const openedOn = isoDay(start + Math.floor(random() * random() * span));
    const openedAt = during(openedOn, random);
    out.push({
      at: openedAt,
      actor: company.actor,
      role: 'enterprise',
      command: { type: 'OpenOutlet', data: { outletId, uscc: company.uscc, kind, communityCode: shuffled[i % shuffled.length], name: `${kind === 'rental_point' ? '社区辅具租赁点' : '康复辅具服务中心'}${i + 1}号`, openedOn } },
    });
    // A few outlets close again; the rest stay open.
    const closes = random() < 0.04;
    const closedOn = closes ? isoDay(Date.parse(openedOn) + (90 + Math.floor(random() * 400)) * DAY) : null;
    if (closedOn && closedOn <= '2025-12-31')
      out.push({ at: during(closedOn, random), actor: company.actor, role: 'enterprise', command: { type: 'CloseOutlet', data: { outletId, closedOn, reason: '场地租约到期，服务点撤并' } } });
    if (!isRentalPoint) continue;
    const lastStart = Math.min(Date.parse(closedOn ?? '2025-12-31'), Date.parse('2025-12-31')) - DAY;
    for (let r = 0; r < RENTALS_PER_RENTAL_POINT; r++) {
      const from = Date.parse(openedOn);
      if (lastStart < from) break;
      const startedOn = isoDay(from + Math.floor(random() * (lastStart - from)));
      const device = RENTAL_CLASSES[Math.floor(random() * RENTAL_CLASSES.length)];
      const beneficiary = (['elderly', 'elderly', 'elderly', 'disabled', 'disabled', 'injured', 'other'] as const)[Math.floor(random() * 7)];
      const fee = device.fee;
      const subsidy = beneficiary === 'elderly' || beneficiary === 'disabled' ? Math.round(fee * (0.3 + random() * 0.3)) : 0;
      const rentalId = `${outletId}-R${r + 1}`;
      const startedAt = during(startedOn, random);
      out.push({
        at: startedAt > openedAt ? startedAt : new Date(Date.parse(openedAt) + 60_000).toISOString(),
        actor: company.actor,
        role: 'enterprise',
        command: {
          type: 'StartRental',
          data: { rentalId, outletId, productClass: device.code, traceCode: `TRC-${rentalId}`, beneficiary, startedOn, monthlyFee: `${fee}.00`, monthlySubsidy: `${subsidy}.00` },
        },
      });
      if (random() < 0.7) {
        const endedOn = isoDay(Date.parse(startedOn) + (20 + Math.floor(random() * 300)) * DAY);
        if (endedOn <= '2025-12-31') {
          const disinfectedOn = isoDay(Date.parse(endedOn) + Math.floor(random() * 3) * DAY);
          out.push({ at: during(disinfectedOn, random), actor: company.actor, role: 'enterprise', command: { type: 'ReturnRental', data: { rentalId, endedOn, disinfectedOn } } });
        }
      }
    }
  }
  return out;
}

function fen(value: number): string {
  return `${Math.floor(value / 100)}.${String(value % 100).padStart(2, '0')}`;
}

const EXPLANATION = '本月订单结构变化较大，数据已与财务报表核对一致，属实。';

export interface DemoSummary {
  enterprises: number;
  filings: number;
  corrections: number;
  outlets: number;
  rentals: number;
  events: number;
  regions: string[];
  months: string;
}

/** How many demo commands the loader queues before it waits for their appends to be durable. */
const WINDOW = 500;

interface Streams<S> {
  state: S;
  revision: number;
}

/**
 * Loads the demo data set through the same deciders as the HTTP path, recording each event
 * at the instant it was (notionally) filed, so "as of" questions have a real history.
 */
export async function loadDemoDataSet(store: EventStore, onProgress: (done: number, total: number) => void = () => undefined): Promise<DemoSummary> {
  const commands = demoCommands();
  const enterprises = new Map<string, Streams<EnterpriseState>>();
  const outlets = new Map<string, Streams<OutletState>>();
  const rentals = new Map<string, Streams<RentalState>>();
  const devices = new Map<string, { revision: number; heldBy: string | null; returnedOn: string | null; disinfectedOn: string | null }>();
  const summary: DemoSummary = {
    enterprises: 0,
    filings: 0,
    corrections: 0,
    outlets: 0,
    rentals: 0,
    events: 0,
    regions: DEMO_REGIONS.map((r) => `${r.pilot} (${r.prefix})`),
    months: `${DEMO_FIRST_MONTH}..${monthLabel(Number(DEMO_FIRST_MONTH.slice(0, 4)) * 12 + DEMO_MONTHS - 1)}`,
  };
  // The loader keeps every stream's revision itself, so it need not wait for one append before
  // queueing the next: appends queued in one turn of the event loop share the store's group
  // commit (one transaction, one fsync) instead of one fsync each. It waits every WINDOW commands
  // (and at the end), so a failure surfaces promptly and the loader never runs far ahead.
  let inFlight: Promise<unknown>[] = [];
  const write = (streamId: string, events: readonly NewEvent[], expectedRevision: number, at: string): number => {
    inFlight.push(store.append(streamId, events, { expectedRevision, recordedAt: at }));
    summary.events += events.length;
    return expectedRevision + events.length;
  };
  const append = <S, E extends DomainEvent>(map: Map<string, Streams<S>>, key: string, streamId: string, initial: () => S, evolve: (s: S, e: E) => S, events: E[], at: string) => {
    const current = map.get(key) ?? { state: initial(), revision: 0 };
    if (!events.length) return current.state;
    const revision = write(streamId, events, current.revision, at);
    const state = events.reduce(evolve, current.state);
    map.set(key, { state, revision });
    return state;
  };
  const settle = async () => {
    const batch = inFlight;
    inFlight = [];
    await Promise.all(batch);
  };
  let done = 0;
  for (const { at, actor, role, command } of commands) {
    const context: CommandContext = { actor, role, requestId: `demo-${++done}`, now: at };
    switch (command.type) {
      case 'OpenOutlet': {
        const owner = enterprises.get(command.data.uscc)?.state ?? initialEnterpriseState();
        const state = outlets.get(command.data.outletId)?.state ?? initialOutletState();
        const events = decideOutlet(
          { type: 'OpenOutlet', data: { ...command.data, owner: { registered: owner.status !== 'unregistered', registeredOn: owner.registeredOn, deregisteredFrom: owner.deregisteredFrom } }, context },
          state,
        );
        append(outlets, command.data.outletId, outletStreamId(command.data.outletId), initialOutletState, evolveOutlet, events, at);
        summary.outlets += events.length;
        break;
      }
      case 'CloseOutlet': {
        const state = outlets.get(command.data.outletId)?.state ?? initialOutletState();
        append(outlets, command.data.outletId, outletStreamId(command.data.outletId), initialOutletState, evolveOutlet, decideOutlet({ ...command, context }, state), at);
        break;
      }
      case 'StartRental': {
        const d = command.data;
        const outlet = outlets.get(d.outletId)?.state ?? initialOutletState();
        const device = devices.get(d.traceCode) ?? { revision: 0, heldBy: null, returnedOn: null, disinfectedOn: null };
        const state = rentals.get(d.rentalId)?.state ?? initialRentalState();
        const events = decideRental({ type: 'StartRental', data: { ...parseStartRental(d, at), outlet, deviceHeldBy: device.heldBy, deviceReturnedOn: device.returnedOn, deviceDisinfectedOn: device.disinfectedOn }, context }, state);
        if (!events.length) break;
        const revision = write(
          deviceStreamId(d.traceCode),
          [{ type: 'DeviceRentedOut', data: { traceCode: d.traceCode, rentalId: d.rentalId, outletId: d.outletId, startedOn: d.startedOn }, metadata: events[0].metadata }],
          device.revision,
          at,
        );
        devices.set(d.traceCode, { revision, heldBy: d.rentalId, returnedOn: null, disinfectedOn: null });
        append(rentals, d.rentalId, rentalStreamId(d.rentalId), initialRentalState, evolveRental, events, at);
        summary.rentals += 1;
        break;
      }
      case 'ReturnRental': {
        const state = rentals.get(command.data.rentalId)?.state ?? initialRentalState();
        const events = decideRental({ ...command, context }, state);
        const after = append(rentals, command.data.rentalId, rentalStreamId(command.data.rentalId), initialRentalState, evolveRental, events, at);
        const traceCode = after.data?.traceCode;
        const device = traceCode ? devices.get(traceCode) : undefined;
        if (traceCode && device) devices.set(traceCode, { ...device, heldBy: null, returnedOn: after.endedOn, disinfectedOn: after.disinfectedOn });
        break;
      }
      default: {
        const current = enterprises.get(command.data.uscc)?.state ?? initialEnterpriseState();
        let events: EnterpriseEvent[];
        try {
          events = decideEnterprise({ ...parseEnterpriseCommand(command, context.now), context } as EnterpriseCommand, current);
        } catch (error) {
          if (!(error instanceof ExplanationRequiredError) || command.type !== 'FileMonthlyReport') throw error;
          const explanations = Object.fromEntries(error.errors.map((e) => [e.path, EXPLANATION]));
          events = decideEnterprise({ ...parseEnterpriseCommand({ ...command, data: { ...command.data, explanations } }, context.now), context } as EnterpriseCommand, current);
        }
        append(enterprises, command.data.uscc, enterpriseStreamId(command.data.uscc), initialEnterpriseState, evolveEnterprise, events, at);
        for (const e of events) {
          if (e.type === 'EnterpriseRegistered') summary.enterprises += 1;
          if (e.type === 'MonthlyReportFiled') summary.filings += 1;
          if (e.type === 'MonthlyReportCorrected') summary.corrections += 1;
        }
      }
    }
    if (done % WINDOW === 0) {
      await settle();
      if (done % 1000 === 0) onProgress(done, commands.length);
    }
  }
  await settle();
  onProgress(commands.length, commands.length);
  return summary;
}
