// Campaign dashboard: totals, per-unit table with drill-down, hand-drawn SVG chart by month.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type Dashboard, type Totals } from '../api';
import { fmtDate, fmtMonth, fmtNumber, lang, loc, t } from '../i18n';
import { href, navigate } from '../router';
import { Empty, ErrorState, PageHeader, Section, Skeleton, StatCard, useAsync, useTitle, Select} from '../ui';

const TOTAL_KEYS: (keyof Totals)[] = [
  'clues_received',
  'cases_filed',
  'cases_solved',
  'historic_solved',
  'suspects_arrested',
  'overdue_decisions',
  'open_major',
  'minor_victim_cases',
];
const UNIT_COLS: (keyof Totals)[] = ['clues_received', 'cases_filed', 'cases_solved', 'overdue_decisions', 'open_major', 'minor_victim_cases'];
const SERIES = [
  { key: 'clues', cls: 's-clues' },
  { key: 'filed', cls: 's-filed' },
  { key: 'solved', cls: 's-solved' },
] as const;

/** A round step (1, 2, 5 × 10^n) giving about four integer intervals up to `v`. */
function niceScale(v: number): { max: number; step: number } {
  if (v <= 4) return { max: 4, step: 1 };
  const raw = v / 4;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
  return { max: Math.ceil(v / step) * step, step };
}

function useWidth(fallback: number) {
  const ref = useRef<HTMLDivElement>(null);
  const [w, setW] = useState(fallback);
  useEffect(() => {
    const el = ref.current;
    if (!el) return undefined;
    const ro = new ResizeObserver((entries) => {
      const cw = Math.floor(entries[0].contentRect.width);
      if (cw > 0) setW(cw);
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return { ref, w };
}

function MonthChart({ data }: { data: Dashboard['by_month'] }) {
  const [showTable, setShowTable] = useState(false);
  const { ref, w } = useWidth(720);
  const W = Math.max(320, w);
  const H = 260;
  const pad = { l: 44, r: 8, t: 12, b: 44 };
  const { max, step } = niceScale(Math.max(0, ...data.flatMap((d) => [d.clues, d.filed, d.solved])));
  const iw = W - pad.l - pad.r;
  const ih = H - pad.t - pad.b;
  const group = iw / Math.max(1, data.length);
  const bw = Math.max(3, Math.min(22, (group - 10) / 3));
  const ticks: number[] = [];
  for (let v = 0; v <= max; v += step) ticks.push(v);
  const y = (v: number) => pad.t + ih - (v / max) * ih;
  const labelEvery = Math.max(1, Math.ceil(56 / group));
  const monthLabel = (ym: string, i: number) => {
    const [yy, mm] = ym.split('-');
    const m = Number(mm);
    const short = lang() === 'zh' ? `${m}月` : new Intl.DateTimeFormat('en-GB', { month: 'short' }).format(new Date(Number(yy), m - 1, 1));
    return { short, year: i === 0 || m === 1 ? yy : '' };
  };
  return (
    <div class="chart" data-testid="month-chart">
      <ul class="legend" aria-hidden="true">
        {SERIES.map((s) => (
          <li key={s.key}>
            <span class={`swatch ${s.cls}`} />
            {t(`dash.series.${s.key}`)}
          </li>
        ))}
      </ul>
      <div ref={ref} class="chart-box">
      <svg viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={t('dash.chartLabel')} class="chart-svg">
        {ticks.map((v) => (
          <g key={v}>
            <line x1={pad.l} x2={W - pad.r} y1={y(v)} y2={y(v)} class="grid-line" />
            <text x={pad.l - 6} y={y(v) + 4} class="axis-text" text-anchor="end">
              {fmtNumber(v)}
            </text>
          </g>
        ))}
        {data.map((d, i) => {
          const x0 = pad.l + i * group + (group - bw * 3 - 4) / 2;
          return (
            <g key={d.month}>
              {SERIES.map((s, j) => {
                const v = d[s.key];
                return (
                  <rect key={s.key} x={x0 + j * (bw + 2)} y={y(v)} width={bw} height={Math.max(0, pad.t + ih - y(v))} class={`bar-rect ${s.cls}`} rx={1.5}>
                    <title>{`${fmtMonth(d.month)} · ${t(`dash.series.${s.key}`)}: ${fmtNumber(v)}`}</title>
                  </rect>
                );
              })}
              {i % labelEvery === 0 && (
                <text x={pad.l + i * group + group / 2} y={H - pad.b + 16} class="axis-text" text-anchor="middle">
                  {monthLabel(d.month, i).short}
                  {monthLabel(d.month, i).year && (
                    <tspan x={pad.l + i * group + group / 2} dy="14">
                      {monthLabel(d.month, i).year}
                    </tspan>
                  )}
                </text>
              )}
            </g>
          );
        })}
        <line x1={pad.l} x2={W - pad.r} y1={pad.t + ih} y2={pad.t + ih} class="axis-line" />
      </svg>
      </div>
      <button type="button" class="link-btn small" onClick={() => setShowTable((v) => !v)} aria-expanded={showTable}>
        {showTable ? t('dash.hideTable') : t('dash.showTable')}
      </button>
      {showTable && (
        <div class="table-wrap">
          <table class="table">
            <caption class="visually-hidden">{t('dash.byMonth')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('dash.month')}</th>
                {SERIES.map((s) => (
                  <th scope="col" class="num" key={s.key}>
                    {t(`dash.series.${s.key}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {data.map((d) => (
                <tr key={d.month}>
                  <th scope="row">{fmtMonth(d.month)}</th>
                  <td class="num">{fmtNumber(d.clues)}</td>
                  <td class="num">{fmtNumber(d.filed)}</td>
                  <td class="num">{fmtNumber(d.solved)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

export function DashboardPage({ query }: { query: URLSearchParams }) {
  useTitle(t('dash.title'));
  const cid = /^\d+$/.test(query.get('campaign_id') ?? '') ? Number(query.get('campaign_id')) : undefined;
  const campaigns = useAsync(() => api.campaigns(), []);
  const dash = useAsync(() => api.dashboard({ campaign_id: cid }), [cid]);
  const d = dash.data;
  const tone: Partial<Record<keyof Totals, string>> = { overdue_decisions: 'danger', open_major: 'warn' };
  const scopeName = d?.scope_unit ? loc(d.scope_unit.name as string, d.scope_unit.name_en as string) : '';
  const camp = d?.campaign;
  return (
    <div data-testid="dashboard">
      <PageHeader
        title={t('dash.title')}
        sub={
          d ? (
            <span>
              {scopeName && t('dash.scope', { unit: scopeName })}
              {camp && (
                <>
                  {' · '}
                  {camp.ends_at ? t('dash.period', { from: fmtDate(camp.starts_at), to: fmtDate(camp.ends_at) }) : t('dash.periodOpen', { from: fmtDate(camp.starts_at) })}
                </>
              )}
            </span>
          ) : (
            <span class="skeleton skeleton-inline" style={{ width: '12em' }} />
          )
        }
      >
        <label class="filter inline">
          <span>{t('dash.campaign')}</span>
          {/* Without a choice the server reports the latest campaign; "all time" only exists when there is none. */}
          <Select value={cid ? String(cid) : camp ? String(camp.id) : ''} onChange={(e) => navigate('/dashboard', { campaign_id: e.currentTarget.value || undefined }, true)} data-testid="campaign-select" disabled={!campaigns.data}>
            {(campaigns.data?.items ?? []).length === 0 && <option value="">{t('dash.allTime')}</option>}
            {(campaigns.data?.items ?? []).map((c) => (
              <option key={c.id} value={String(c.id)}>
                {loc(c.name, c.name_en)}
              </option>
            ))}
          </Select>
        </label>
      </PageHeader>
      {dash.error !== undefined && <ErrorState error={dash.error} onRetry={dash.reload} />}
      <div class="stats stats-4" data-testid="totals">
        {TOTAL_KEYS.map((k) => (
          <StatCard key={k} label={t(`dash.totals.${k}`)} value={d ? fmtNumber(d.totals[k]) : '–'} tone={d && d.totals[k] ? (tone[k] ?? 'neutral') : 'neutral'} testid={`total-${k}`} />
        ))}
      </div>
      <Section title={t('dash.byMonth')} id="dash-month">
        {!d ? <Skeleton rows={6} height={28} /> : d.by_month.length ? <MonthChart data={d.by_month} /> : <Empty>{t('dash.noData')}</Empty>}
      </Section>
      <Section title={t('dash.byUnit')} id="dash-unit">
        {!d ? (
          <Skeleton rows={5} />
        ) : d.by_unit.length ? (
          <div class="table-wrap">
            <table class="table" data-testid="unit-table">
              <caption class="visually-hidden">{t('dash.byUnit')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('dash.unit')}</th>
                  {UNIT_COLS.map((k) => (
                    <th scope="col" class="num" key={k}>
                      {t(`dash.totals.${k}`)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {d.by_unit.map((u) => {
                  const name = loc(u.name, u.name_en);
                  return (
                    <tr key={u.unit_id}>
                      <th scope="row">
                        <a href={href('/cases', { unit_id: u.unit_id })} title={t('dash.drill', { name })} data-testid={`drill-${u.unit_id}`}>
                          {name}
                        </a>
                      </th>
                      {UNIT_COLS.map((k) => (
                        <td class={`num ${k === 'overdue_decisions' && u[k] ? 'text-danger' : ''}`} key={k}>
                          {fmtNumber(u[k])}
                        </td>
                      ))}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        ) : (
          <Empty>{t('dash.noData')}</Empty>
        )}
      </Section>
    </div>
  );
}
