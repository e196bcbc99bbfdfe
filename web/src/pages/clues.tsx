import { useState } from 'preact/hooks';
import { api } from '../api';
import { t } from '../i18n';
import { navigate } from '../router';
import { ClueTable } from '../tables';
import { Empty, ErrorState, Options, PageHeader, Pagination, Section, Skeleton, useAsync, useTitle, Select} from '../ui';

const STATUSES = ['pending_review', 'filed', 'declined', 'transferred'];
// The server filters on open-clock states only.
const DEADLINES = ['on_time', 'due_soon', 'overdue'];
const PAGE = 25;

export function ClueListPage({ query }: { query: URLSearchParams }) {
  useTitle(t('clue.listTitle'));
  const status = query.get('status') ?? '';
  const track = query.get('track') ?? '';
  const deadline = query.get('deadline_state') ?? '';
  const sort = query.get('sort') === 'review_deadline' ? 'review_deadline' : 'received_at';
  const order = query.get('order') === 'asc' ? 'asc' : 'desc';
  const offset = Math.max(0, Number(query.get('offset') ?? 0) || 0);
  // Free text stays in memory (never in the URL).
  const [q, setQ] = useState('');
  const [qApplied, setQApplied] = useState('');

  const params = { status, track, deadline_state: deadline, sort, order, offset: offset || undefined };
  const list = useAsync(
    () => api.clues({ status: status || undefined, track: track || undefined, deadline_state: deadline || undefined, q: qApplied || undefined, sort, order, limit: PAGE, offset }),
    [status, track, deadline, sort, order, offset, qApplied],
  );
  const go = (patch: Record<string, string | number | undefined>) => navigate('/clues', { ...params, offset: undefined, ...patch }, true);

  return (
    <div data-testid="clue-list">
      <PageHeader title={t('clue.listTitle')} />
      <form
        class="filters card"
        role="search"
        aria-label={t('clue.filters')}
        onSubmit={(e) => {
          e.preventDefault();
          setQApplied(q.trim());
          go({});
        }}
      >
        <label class="filter">
          <span>{t('clue.status')}</span>
          <Select value={status} onChange={(e) => go({ status: e.currentTarget.value })}>
            <Options values={STATUSES} group="clueStatus" placeholder={t('common.all')} />
          </Select>
        </label>
        <label class="filter">
          <span>{t('clue.track')}</span>
          <Select value={track} onChange={(e) => go({ track: e.currentTarget.value })}>
            <Options values={['standard', 'verification', 'major_complex']} group="track" placeholder={t('common.all')} />
          </Select>
        </label>
        <label class="filter">
          <span>{t('clue.deadlineState')}</span>
          <Select value={deadline} onChange={(e) => go({ deadline_state: e.currentTarget.value })}>
            <Options values={DEADLINES} group="deadline" placeholder={t('common.all')} />
          </Select>
        </label>
        <label class="filter">
          <span>{t('common.sortBy')}</span>
          <Select value={sort} onChange={(e) => go({ sort: e.currentTarget.value })}>
            <option value="received_at">{t('clue.sort.received_at')}</option>
            <option value="review_deadline">{t('clue.sort.review_deadline')}</option>
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
          <input type="search" value={q} placeholder={t('clue.searchPlaceholder')} onInput={(e) => setQ(e.currentTarget.value)} />
        </label>
        <div class="filter filter-btn">
          <button type="submit" class="btn btn-secondary">
            {t('common.search')}
          </button>
        </div>
      </form>
      <Section title={t('common.results')} id="clue-results" class="results">
        {list.error !== undefined ? (
          <ErrorState error={list.error} onRetry={list.reload} />
        ) : list.loading && !list.data ? (
          <Skeleton rows={6} />
        ) : list.data && list.data.items.length ? (
          <div class={list.loading ? 'is-reloading' : ''} aria-busy={list.loading ? 'true' : undefined}>
            <ClueTable items={list.data.items} caption={t('clue.listTitle')} showStatus />
            <Pagination total={list.data.total} capped={list.data.total_capped} limit={PAGE} offset={offset} onPage={(o) => navigate('/clues', { ...params, offset: o || undefined }, true)} />
          </div>
        ) : (
          <Empty>{t('clue.empty')}</Empty>
        )}
      </Section>
    </div>
  );
}
