import { useState } from 'preact/hooks';
import { api } from '../api';
import { loc, t } from '../i18n';
import { navigate } from '../router';
import { can, session, unitById } from '../session';
import { OpenByReference } from './access';
import { CaseTable } from '../tables';
import { Check, Empty, ErrorState, Options, PageHeader, Pagination, Section, Skeleton, useAsync, useTitle, Select} from '../ui';

const PAGE = 25;
const SORTS = ['filed_at', 'priority', 'updated_at', 'stage_deadline', 'reference'] as const;

function tri(v: string | null): '' | 'true' | 'false' {
  return v === 'true' || v === 'false' ? v : '';
}

export function CaseListPage({ query }: { query: URLSearchParams }) {
  useTitle(t('case.listTitle'));
  const s = session();
  const stage = query.get('stage') ?? '';
  const major = tri(query.get('major'));
  const historic = tri(query.get('historic'));
  const overdue = query.get('overdue') === 'true';
  const unitId = /^\d+$/.test(query.get('unit_id') ?? '') ? Number(query.get('unit_id')) : undefined;
  const sortQ = query.get('sort') ?? '';
  const sort = (SORTS as readonly string[]).includes(sortQ) ? sortQ : 'filed_at';
  const order = query.get('order') === 'asc' ? 'asc' : 'desc';
  const offset = Math.max(0, Number(query.get('offset') ?? 0) || 0);
  const [q, setQ] = useState('');
  const [qApplied, setQApplied] = useState('');
  const [openRef, setOpenRef] = useState<string | null>(null);
  // A search for a case reference that finds nothing may be a case the user cannot open.
  const looksLikeReference = /^[A-Z]{1,4}-\d{4}-\d{4,8}$/i.test(qApplied);
  const unit = unitById(unitId);

  const params: Record<string, string | number | boolean | undefined> = {
    stage,
    major,
    historic,
    overdue: overdue || undefined,
    unit_id: unitId,
    sort,
    order,
    offset: offset || undefined,
  };
  const list = useAsync(
    () =>
      api.cases({
        stage: stage || undefined,
        major: major || undefined,
        historic: historic || undefined,
        overdue: overdue ? 'true' : undefined,
        unit_id: unitId,
        q: qApplied || undefined,
        sort,
        order,
        limit: PAGE,
        offset,
      }),
    [stage, major, historic, overdue, unitId, sort, order, offset, qApplied],
  );
  const go = (patch: Record<string, string | number | boolean | undefined>) => navigate('/cases', { ...params, offset: undefined, ...patch }, true);

  return (
    <div data-testid="case-list">
      <PageHeader
        title={t('case.listTitle')}
        sub={list.data ? t('common.total', { n: list.data.total_capped ? `${list.data.total}+` : list.data.total }) : <span class="skeleton skeleton-inline" style={{ width: '5em' }} />}
      >
        {can('breakGlass') && (
          <button type="button" class="btn btn-secondary" onClick={() => setOpenRef('')} data-testid="open-by-reference">
            {t('openRef.button')}
          </button>
        )}
      </PageHeader>
      {openRef !== null && <OpenByReference initial={openRef} onClose={() => setOpenRef(null)} />}
      <form
        class="filters card"
        role="search"
        aria-label={t('case.filters')}
        onSubmit={(e) => {
          e.preventDefault();
          setQApplied(q.trim());
          go({});
        }}
      >
        <label class="filter">
          <span>{t('case.stage')}</span>
          <Select value={stage} onChange={(e) => go({ stage: e.currentTarget.value })} data-testid="filter-stage">
            <Options values={s.meta.case_stages} group="stage" placeholder={t('common.all')} />
          </Select>
        </label>
        <label class="filter">
          <span>{t('case.major')}</span>
          <Select value={major} onChange={(e) => go({ major: e.currentTarget.value })} data-testid="filter-major">
            <option value="">{t('filter.any')}</option>
            <option value="true">{t('filter.yes')}</option>
            <option value="false">{t('filter.no')}</option>
          </Select>
        </label>
        <label class="filter">
          <span>{t('case.historic')}</span>
          <Select value={historic} onChange={(e) => go({ historic: e.currentTarget.value })}>
            <option value="">{t('filter.any')}</option>
            <option value="true">{t('filter.yes')}</option>
            <option value="false">{t('filter.no')}</option>
          </Select>
        </label>
        <div class="filter filter-check">
          <Check id="filter-overdue" checked={overdue} onChange={(v) => go({ overdue: v || undefined })}>
            {t('case.onlyOverdue')}
          </Check>
        </div>
        <label class="filter">
          <span>{t('common.sortBy')}</span>
          <Select value={sort} onChange={(e) => go({ sort: e.currentTarget.value })} data-testid="sort">
            {SORTS.map((k) => (
              <option key={k} value={k}>
                {t(`case.sort.${k}`)}
              </option>
            ))}
          </Select>
        </label>
        <label class="filter">
          <span>{t('common.order')}</span>
          <Select value={order} onChange={(e) => go({ order: e.currentTarget.value })}>
            <option value="desc">{t('common.desc')}</option>
            <option value="asc">{t('common.asc')}</option>
          </Select>
        </label>
        <label class="filter filter-grow">
          <span>{t('common.search')}</span>
          <input type="search" value={q} placeholder={t('case.searchPlaceholder')} onInput={(e) => setQ(e.currentTarget.value)} data-testid="case-search" />
        </label>
        <div class="filter filter-btn">
          <button type="submit" class="btn btn-secondary">
            {t('common.search')}
          </button>
        </div>
        {unitId !== undefined && (
          <div class="filter-chips">
            <span class="chip" data-testid="unit-chip">
              {t('case.filterUnit', { name: unit ? loc(unit.name, unit.name_en) : String(unitId) })}
              <button type="button" class="icon-btn" aria-label={t('case.clearUnit')} onClick={() => go({ unit_id: undefined })}>
                ×
              </button>
            </span>
          </div>
        )}
      </form>
      <Section title={t('common.results')} id="case-results" class="results">
        {list.error !== undefined ? (
          <ErrorState error={list.error} onRetry={list.reload} />
        ) : list.loading && !list.data ? (
          <Skeleton rows={6} />
        ) : list.data && list.data.items.length ? (
          <div class={list.loading ? 'is-reloading' : ''} aria-busy={list.loading ? 'true' : undefined}>
            <CaseTable items={list.data.items} caption={t('case.listTitle')} />
            <Pagination total={list.data.total} capped={list.data.total_capped} limit={PAGE} offset={offset} onPage={(o) => navigate('/cases', { ...params, offset: o || undefined }, true)} />
          </div>
        ) : (
          <>
            <Empty>{t('case.empty')}</Empty>
            {looksLikeReference && can('breakGlass') && (
              <p class="empty-action">
                <button type="button" class="btn btn-secondary btn-sm" onClick={() => setOpenRef(qApplied.toUpperCase())} data-testid="search-open-by-reference">
                  {t('openRef.fromSearch', { ref: qApplied.toUpperCase() })}
                </button>
              </p>
            )}
          </>
        )}
      </Section>
    </div>
  );
}
