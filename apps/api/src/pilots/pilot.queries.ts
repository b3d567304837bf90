import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { ClickHouseClient } from '@clickhouse/client';
import { ANALYTICS_CONFIG, CLICKHOUSE_CLIENT, findIndicator, parseQuestion, publishedValue, queryPilotRegions, StatisticsService, type AnalyticsConfig, type RawQuestion } from '../../../../libs/analytics/src/index.js';
import {
  NotFoundError,
  parseYuan,
  pilotDecider,
  ValidationFailedError,
  type PilotEvent,
  type PilotState,
  type PilotTarget,
  currentYearInChina,
} from '../../../../libs/domain/src/index.js';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../../../../libs/event-store/src/index.js';
import { pilotRegions, type UnmeasuredCommitment } from '../../../../libs/reference/src/index.js';
import type { RequestContext } from '../http/auth.js';
import { access, load, loadMany } from '../../../../libs/application/src/index.js';

/** One change of a pilot's commitments or investments, as recorded. */
export interface PilotHistoryEntry {
  revision: number;
  recordedAt: string;
  actor: string;
  type: PilotEvent['type'];
  targets?: readonly PilotTarget[];
  investment?: { year: number; amount: string; source: string };
  reason?: string;
}

export interface PilotView {
  regionCode: string;
  name: string;
  batch: 1 | 2 | null;
  startYear: number;
  endYear: number;
  targets: readonly PilotTarget[];
  investments: { year: number; amount: string; source: string }[];
  revision: number;
}

export interface PilotDetailView extends PilotView {
  history: PilotHistoryEntry[];
  /**
   * For a pilot of the reference documents: its commitments in words, and the quantified ones this
   * system cannot measure, each with the reason (they are not targets, so not in progress).
   */
  reference?: { textCommitments: readonly string[]; unmeasured: readonly UnmeasuredCommitment[] };
}

function historyOf(events: readonly RecordedEvent[]): PilotHistoryEntry[] {
  return events.flatMap((recorded): PilotHistoryEntry[] => {
    const event = recorded as unknown as PilotEvent;
    const base = { revision: recorded.revision, recordedAt: recorded.recordedAt, actor: String(recorded.metadata.actor), type: event.type };
    switch (event.type) {
      case 'PilotTargetsCommitted':
        return [{ ...base, targets: event.data.targets }];
      case 'PilotTargetsAmended':
        return [{ ...base, targets: event.data.targets, reason: event.data.reason }];
      case 'PilotInvestmentReported': {
        const { year, amount, source, reason } = event.data;
        return [{ ...base, investment: { year, amount, source }, ...(reason ? { reason } : {}) }];
      }
      default:
        return [base];
    }
  });
}

export class GetPilotQuery extends Query<PilotDetailView> {
  constructor(
    readonly regionCode: string,
    readonly asOf?: string,
  ) {
    super();
  }
}

/** One pilot with the history of its targets and investments (restatements keep their reasons). */
@QueryHandler(GetPilotQuery)
export class GetPilotHandler implements IQueryHandler<GetPilotQuery> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ regionCode, asOf }: GetPilotQuery): Promise<PilotDetailView> {
    const { state, events } = await load(this.store, pilotDecider, regionCode, asOf);
    if (!state.designated) throw new NotFoundError(`region ${regionCode} is not a designated pilot${asOf ? ` as of ${asOf}` : ''}`);
    const reference = pilotRegions().find((p) => p.regionCode === regionCode);
    return {
      ...view(state, events[events.length - 1].revision),
      history: historyOf(events),
      ...(reference ? { reference: { textCommitments: reference.textCommitments, unmeasured: reference.unmeasured } } : {}),
    };
  }
}

function view(state: PilotState, revision: number): PilotView {
  return {
    regionCode: state.regionCode,
    name: state.name,
    batch: state.batch,
    startYear: state.startYear,
    endYear: state.endYear,
    targets: state.targets,
    investments: Object.entries(state.investments).map(([year, i]) => ({ year: Number(year), ...i })),
    revision,
  };
}

export class ListPilotsQuery extends Query<PilotView[]> {
  constructor(
    readonly batch?: number,
    readonly asOf?: string,
  ) {
    super();
  }
}

@QueryHandler(ListPilotsQuery)
export class ListPilotsHandler implements IQueryHandler<ListPilotsQuery> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLICKHOUSE_CLIENT) private readonly client: ClickHouseClient,
    @Inject(ANALYTICS_CONFIG) private readonly config: AnalyticsConfig,
  ) {}

  async execute({ batch, asOf }: ListPilotsQuery): Promise<PilotView[]> {
    const regions = await queryPilotRegions(this.client, this.config.database, { asOf, batch });
    const pilots = await loadMany(this.store, pilotDecider, regions, asOf);
    return pilots.flatMap(({ state, events }) => (state.designated ? [view(state, events[events.length - 1].revision)] : []));
  }
}

export type ProgressStatus = 'achieved' | 'on_track' | 'at_risk' | 'behind' | 'no_data';

export interface ProgressItem {
  indicator: string;
  year: number;
  kind?: string;
  target: string | number;
  actual: string | number | null;
  achievement: number | null;
  status: ProgressStatus;
  /** The year whose figure is compared (the target year once it has come, else the evaluation year). */
  evaluatedYear: number;
  /** Share of the target a linear path from the start year would have reached by evaluatedYear. */
  expectedPace: number;
  source: string;
}

export class PilotProgressQuery extends Query<ProgressItem[]> {
  constructor(
    readonly context: RequestContext,
    readonly regionCode: string,
    readonly year?: number,
    readonly asOf?: string,
  ) {
    super();
  }
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

/**
 * Linear pace rule of the pilot evaluation: achieved ≥ 100%, on track ≥ pace, at risk ≥ 80% of
 * pace, else behind. A target whose year is over is final: achieved or behind, never on track or at risk.
 */
export function progressStatus(achievement: number | null, pace: number, yearOver = false): ProgressStatus {
  if (achievement === null) return 'no_data';
  if (achievement >= 1) return 'achieved';
  if (yearOver) return 'behind';
  if (achievement >= pace) return 'on_track';
  if (achievement >= 0.8 * pace) return 'at_risk';
  return 'behind';
}

/**
 * Targets against actuals. Actuals come from the same statistics queries as every other figure,
 * for the pilot's region prefix; investment from the investments the pilot reported.
 */
@QueryHandler(PilotProgressQuery)
export class PilotProgressHandler implements IQueryHandler<PilotProgressQuery> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly statistics: StatisticsService,
  ) {}

  async execute({ context, regionCode, year, asOf }: PilotProgressQuery): Promise<ProgressItem[]> {
    const { state } = await load(this.store, pilotDecider, regionCode, asOf);
    if (!state.designated) throw new NotFoundError(`region ${regionCode} is not a designated pilot${asOf ? ` as of ${asOf}` : ''}`);
    access.assertPilotProgress(context.principal, regionCode);
    if (year !== undefined && (!Number.isInteger(year) || year < 2000 || year > 2100)) throw ValidationFailedError.field('year', 'must be a year such as 2022');
    const thisYear = currentYearInChina(asOf ?? new Date().toISOString());
    const evaluation = year ?? Math.max(state.startYear, Math.min(thisYear, state.endYear));
    const figures = async (id: string, question: RawQuestion) =>
      (await this.statistics.figures(parseQuestion({ region: regionCode, ...(asOf ? { asOf } : {}), ...question }, findIndicator(id)!))).figures;

    const items: ProgressItem[] = [];
    for (const target of state.targets) {
      const evaluatedYear = target.indicator === 'investment' ? target.year : Math.min(evaluation, target.year);
      const span = target.year - state.startYear + 1;
      const expectedPace = target.indicator === 'investment' ? 1 : round(Math.min(1, Math.max(0, (evaluatedYear - state.startYear + 1) / Math.max(1, span))));
      let actual: string | number | null = null;
      if (target.indicator === 'investment') {
        actual = state.investments[target.year]?.amount ?? null;
      } else if (target.indicator === 'employment-added') {
        // 新增就业: employment in the evaluated year less employment in the year before the pilot began.
        const [now, before] = await Promise.all([figures('employment', { period: String(evaluatedYear) }), figures('employment', { period: String(state.startYear - 1) })]);
        const [a, b] = [now[0], before[0]];
        actual = a && b && a.contributors > 0 && b.contributors > 0 ? Number(a.value) - Number(b.value) : null;
      } else if (target.indicator === 'beneficiaries') {
        // People served, read as rentals started since the pilot began (the system's record of people reached).
        const series = await figures('rentals-started', { from: String(state.startYear), to: String(evaluatedYear), granularity: 'year' });
        const contributors = series.reduce((s, r) => s + r.contributors, 0);
        actual = contributors ? series.reduce((s, r) => s + Number(r.value), 0) : null;
      } else {
        const [row] = await figures(target.indicator, { period: String(evaluatedYear), ...(target.kind ? { kind: target.kind } : {}) });
        actual = row && row.contributors > 0 ? publishedValue(findIndicator(target.indicator)!, row.value) : null;
      }
      const achievement = actual === null ? null : round(ratio(actual, target.value));
      items.push({
        indicator: target.indicator,
        year: target.year,
        ...(target.kind ? { kind: target.kind } : {}),
        target: target.value,
        actual,
        achievement,
        status: progressStatus(achievement, expectedPace, evaluatedYear === target.year && thisYear > target.year),
        evaluatedYear,
        expectedPace,
        source: target.source,
      });
    }
    return items;
  }
}

function ratio(actual: string | number, target: string | number): number {
  if (typeof target === 'string') {
    const a = parseYuan(String(actual)) as { fen: number };
    const t = parseYuan(target) as { fen: number };
    return t.fen === 0 ? 0 : a.fen / t.fen;
  }
  return target === 0 ? 0 : Number(actual) / target;
}
