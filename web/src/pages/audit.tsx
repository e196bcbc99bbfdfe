// 审计查询 / Audit: supervisors and privacy officers search who accessed what, when, from where and
// with what result. Filters live in the URL (ids and keywords only, never personal data).
import { useEffect, useState } from 'preact/hooks';
import { searchAudit, type AuditRecord } from '../audit-api';
import type { UserRef } from '../api';
import { colon, fmtDateTime, has, label, t } from '../i18n';
import { href, navigate } from '../router';
import { can, teamUsers, unitLabel } from '../session';
import { Badge, Check, Empty, ErrorState, PageHeader, Pagination, Section, Select, Skeleton, useAsync, useTitle } from '../ui';
import { AuditTabs } from './access';

const PAGE = 50;
const ACTIONS = [
  'case.read',
  'case.list',
  'identity.reveal',
  'clue.read',
  'clue.list',
  'clue.create',
  'clue.decide',
  'case.create',
  'case.transition',
  'case.person_add',
  'case.share',
  'auth.login',
  'audit.search',
  'case.break_glass',
  'case.labels',
  'break_glass.review',
  'purpose.state',
];
const OBJECT_TYPES = ['case', 'clue', 'person', 'assistance', 'user', 'audit', 'break_glass'];

function idOf(v: string | null): number | undefined {
  return v && /^\d+$/.test(v) && Number(v) > 0 ? Number(v) : undefined;
}
function dateOf(v: string | null): string {
  return v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : '';
}
/** Local midnight of a YYYY-MM-DD date as an ISO instant (plus `days`). */
function localMidnight(date: string, days = 0): string {
  const d = new Date(`${date}T00:00:00`);
  d.setDate(d.getDate() + days);
  return d.toISOString();
}

function actionLabel(a: string): string {
  const k = `audit.action.${a}`;
  return has(k) ? t(k) : a;
}
function objectLabel(type: string): string {
  const k = `audit.object.${type}`;
  return has(k) ? t(k) : type;
}

export function AuditPage({ query }: { query: URLSearchParams }) {
  useTitle(t('audit.title'));
  const userId = idOf(query.get('user_id'));
  const objectType = OBJECT_TYPES.includes(query.get('object_type') ?? '') ? (query.get('object_type') as string) : '';
  const objectId = objectType ? idOf(query.get('object_id')) : undefined;
  const action = /^[a-z0-9._]{1,64}$/.test(query.get('action') ?? '') ? (query.get('action') as string) : '';
  const allowedQ = query.get('allowed');
  const allowed = allowedQ === 'true' || allowedQ === 'false' ? allowedQ : '';
  const since = dateOf(query.get('since'));
  const until = dateOf(query.get('until'));
  const outside = query.get('outside_unit') === 'true';
  const offset = Math.max(0, Number(query.get('offset') ?? 0) || 0);
  const [objectIdInput, setObjectIdInput] = useState(objectId ? String(objectId) : '');
  useEffect(() => setObjectIdInput(objectId ? String(objectId) : ''), [objectId]);
  const [users, setUsers] = useState<UserRef[]>([]);
  useEffect(() => {
    teamUsers().then(setUsers, () => setUsers([]));
  }, []);

  const params: Record<string, string | number | boolean | undefined> = {
    user_id: userId,
    object_type: objectType || undefined,
    object_id: objectId,
    action: action || undefined,
    allowed: allowed || undefined,
    since: since || undefined,
    until: until || undefined,
    outside_unit: outside || undefined,
    offset: offset || undefined,
  };
  const list = useAsync(
    () =>
      searchAudit({
        user_id: userId,
        object_type: objectType || undefined,
        object_id: objectId,
        action: action || undefined,
        allowed: allowed === '' ? undefined : allowed === 'true',
        since: since ? localMidnight(since) : undefined,
        until: until ? localMidnight(until, 1) : undefined,
        outside_unit: outside || undefined,
        limit: PAGE,
        offset,
      }),
    [userId, objectType, objectId, action, allowed, since, until, outside, offset],
  );
  const go = (patch: Record<string, string | number | boolean | undefined>) => navigate('/audit', { ...params, offset: undefined, ...patch }, true);
  const preset = (p: Record<string, string | number | boolean | undefined>) =>
    navigate('/audit', p, true);
  const filtered = Object.entries(params).some(([k, v]) => k !== 'offset' && v !== undefined);

  return (
    <div data-testid="audit-page">
      <PageHeader
        title={t('audit.title')}
        sub={list.data ? t('common.total', { n: list.data.total_capped ? `${list.data.total}+` : list.data.total }) : <span class="skeleton skeleton-inline" style={{ width: '5em' }} />}
      />
      <AuditTabs active="audit" />
      <p class="muted audit-intro">{t('audit.intro')}</p>
      <ul class="chip-list audit-presets" aria-label={t('audit.presets')}>
        <li>
          <button type="button" class={`chip audit-preset ${!filtered ? 'is-active' : ''}`} aria-pressed={!filtered} onClick={() => preset({})} data-testid="preset-all">
            {t('audit.preset.all')}
          </button>
        </li>
        <li>
          <button type="button" class={`chip audit-preset ${outside ? 'is-active' : ''}`} aria-pressed={outside} onClick={() => preset({ outside_unit: true })} data-testid="preset-outside">
            {t('audit.preset.outside')}
          </button>
        </li>
        <li>
          <button type="button" class={`chip audit-preset ${allowed === 'false' ? 'is-active' : ''}`} aria-pressed={allowed === 'false'} onClick={() => preset({ allowed: 'false' })} data-testid="preset-refused">
            {t('audit.preset.refused')}
          </button>
        </li>
        <li>
          <button type="button" class={`chip audit-preset ${action === 'identity.reveal' ? 'is-active' : ''}`} aria-pressed={action === 'identity.reveal'} onClick={() => preset({ action: 'identity.reveal' })} data-testid="preset-reveals">
            {t('audit.preset.reveals')}
          </button>
        </li>
        <li>
          <button type="button" class={`chip audit-preset ${action === 'case.break_glass' ? 'is-active' : ''}`} aria-pressed={action === 'case.break_glass'} onClick={() => preset({ action: 'case.break_glass' })} data-testid="preset-break-glass">
            {t('audit.preset.breakGlass')}
          </button>
        </li>
      </ul>
      <form
        class="filters card"
        role="search"
        aria-label={t('audit.filters')}
        onSubmit={(e) => {
          e.preventDefault();
          const id = idOf(objectIdInput.trim());
          go({ object_id: objectType ? id : undefined });
        }}
      >
        <label class="filter">
          <span>{t('audit.user')}</span>
          <Select value={userId ? String(userId) : ''} onChange={(e) => go({ user_id: idOf(e.currentTarget.value) })} data-testid="filter-user">
            <option value="">{t('common.all')}</option>
            {userId && !users.some((u) => u.id === userId) && <option value={String(userId)}>#{userId}</option>}
            {users.map((u) => (
              <option key={u.id} value={String(u.id)}>
                {u.display_name}
              </option>
            ))}
          </Select>
        </label>
        <label class="filter">
          <span>{t('audit.action')}</span>
          <Select value={action} onChange={(e) => go({ action: e.currentTarget.value || undefined })} data-testid="filter-action">
            <option value="">{t('common.all')}</option>
            {action && !ACTIONS.includes(action) && <option value={action}>{actionLabel(action)}</option>}
            {ACTIONS.map((a) => (
              <option key={a} value={a}>
                {actionLabel(a)}
              </option>
            ))}
          </Select>
        </label>
        <label class="filter">
          <span>{t('audit.objectType')}</span>
          <Select value={objectType} onChange={(e) => go({ object_type: e.currentTarget.value || undefined, object_id: undefined })} data-testid="filter-object-type">
            <option value="">{t('common.all')}</option>
            {OBJECT_TYPES.map((o) => (
              <option key={o} value={o}>
                {objectLabel(o)}
              </option>
            ))}
          </Select>
        </label>
        <label class="filter">
          <span>{t('audit.objectId')}</span>
          <input
            type="text"
            inputMode="numeric"
            pattern="[0-9]*"
            value={objectIdInput}
            disabled={!objectType}
            placeholder={objectType ? '' : t('audit.objectIdHint')}
            onInput={(e) => setObjectIdInput(e.currentTarget.value)}
            data-testid="filter-object-id"
          />
        </label>
        <label class="filter">
          <span>{t('audit.result')}</span>
          <Select value={allowed} onChange={(e) => go({ allowed: e.currentTarget.value || undefined })} data-testid="filter-allowed">
            <option value="">{t('filter.any')}</option>
            <option value="true">{t('audit.allowed')}</option>
            <option value="false">{t('audit.refused')}</option>
          </Select>
        </label>
        <label class="filter">
          <span>{t('audit.since')}</span>
          <input type="date" value={since} max={until || undefined} onChange={(e) => go({ since: e.currentTarget.value || undefined })} data-testid="filter-since" />
        </label>
        <label class="filter">
          <span>{t('audit.until')}</span>
          <input type="date" value={until} min={since || undefined} onChange={(e) => go({ until: e.currentTarget.value || undefined })} data-testid="filter-until" />
        </label>
        <div class="filter filter-check">
          <Check id="filter-outside" checked={outside} onChange={(v) => go({ outside_unit: v || undefined })}>
            {t('audit.outsideUnit')}
          </Check>
        </div>
        <div class="filter filter-btn">
          <button type="submit" class="btn btn-secondary">
            {t('common.search')}
          </button>
        </div>
        {filtered && (
          <div class="filter filter-btn">
            <button type="button" class="btn btn-ghost" onClick={() => preset({})}>
              {t('common.reset')}
            </button>
          </div>
        )}
        {objectType === 'person' && objectId !== undefined && (
          <div class="filter-chips">
            <span class="chip" data-testid="person-chip">
              {t('audit.whoViewedPerson', { id: objectId })}
              <button type="button" class="icon-btn" aria-label={t('audit.clearObject')} onClick={() => go({ object_type: undefined, object_id: undefined })}>
                ×
              </button>
            </span>
          </div>
        )}
      </form>
      <Section title={t('common.results')} id="audit-results" class="results">
        {list.error !== undefined ? (
          <ErrorState error={list.error} onRetry={list.reload} />
        ) : list.loading && !list.data ? (
          <Skeleton rows={8} />
        ) : list.data && list.data.items.length ? (
          <div class={list.loading ? 'is-reloading' : ''} aria-busy={list.loading ? 'true' : undefined}>
            <AuditTable items={list.data.items} onObject={(type, id) => preset({ object_type: type, object_id: id })} onUser={(id) => go({ user_id: id })} />
            <Pagination total={list.data.total} capped={list.data.total_capped} limit={PAGE} offset={offset} onPage={(o) => navigate('/audit', { ...params, offset: o || undefined }, true)} />
          </div>
        ) : (
          <Empty>{t('audit.empty')}</Empty>
        )}
      </Section>
    </div>
  );
}

function AuditTable({ items, onObject, onUser }: { items: AuditRecord[]; onObject: (type: string, id: number) => void; onUser: (id: number) => void }) {
  const mayOpenCases = can('cases');
  return (
    <div class="table-wrap">
      <table class="table audit-table" data-testid="audit-table">
        <caption class="visually-hidden">{t('audit.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('audit.at')}</th>
            <th scope="col">{t('audit.user')}</th>
            <th scope="col">{t('audit.action')}</th>
            <th scope="col">{t('audit.object')}</th>
            <th scope="col">{t('audit.result')}</th>
            <th scope="col">{t('audit.purpose')}</th>
            <th scope="col">{t('audit.remote')}</th>
            <th scope="col" class="num">
              {t('audit.seq')}
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((r) => {
            const outside = r.outside_unit;
            return (
              <tr key={r.seq} data-testid="audit-row">
                <td class="nowrap">{fmtDateTime(r.at)}</td>
                <td>
                  {r.user_id !== null ? (
                    <button type="button" class="link-btn" onClick={() => onUser(r.user_id as number)} title={t('audit.filterUser')}>
                      {r.user_name || `#${r.user_id}`}
                    </button>
                  ) : (
                    <span class="muted">{t('audit.system')}</span>
                  )}
                  {r.user_unit_id !== null && <div class="muted small">{unitLabel(r.user_unit_id, r.user_unit_name)}</div>}
                </td>
                <td>
                  <span>{actionLabel(r.action)}</span>
                  <div class="muted small mono">{r.action}</div>
                </td>
                <td>
                  {r.object_type ? (
                    <>
                      <span>{objectLabel(r.object_type)}</span>
                      {r.object_id !== null && (
                        <>
                          {' '}
                          {r.object_type === 'case' && mayOpenCases ? (
                            <a href={href(`/cases/${r.object_id}`)} class="ref">
                              #{r.object_id}
                            </a>
                          ) : (
                            <span class="mono">#{r.object_id}</span>
                          )}{' '}
                          <button type="button" class="link-btn small" onClick={() => onObject(r.object_type, r.object_id as number)} data-testid="object-history">
                            {r.object_type === 'person' ? t('audit.whoViewed') : t('audit.history')}
                          </button>
                        </>
                      )}
                      {/* The owner is named only inside the reader's subtree; the badge also marks
                          accesses to other units' objects and to ids that name nothing. */}
                      {(r.object_unit_id !== null || outside) && (
                        <div class="muted small">
                          {r.object_unit_id !== null && (
                            <>
                              {t('audit.owner')}
                              {colon()}
                              {unitLabel(r.object_unit_id, '')}{' '}
                            </>
                          )}
                          {outside && <Badge tone="warn">{t('audit.outsideBadge')}</Badge>}
                        </div>
                      )}
                    </>
                  ) : (
                    <span class="muted">–</span>
                  )}
                </td>
                <td class="nowrap">{r.allowed ? <Badge tone="success">{t('audit.allowed')}</Badge> : <Badge tone="danger">{t('audit.refused')}</Badge>}</td>
                <td>
                  {r.purpose === 'emergency' ? (
                    <Badge tone="danger">{label('purpose', r.purpose)}</Badge>
                  ) : r.purpose ? (
                    label('purpose', r.purpose)
                  ) : (
                    <span class="muted">–</span>
                  )}
                </td>
                <td class="mono small">{r.remote || '–'}</td>
                <td class="num mono small" title={`${t('audit.hash')}${colon()}${r.hash}`}>
                  {r.seq}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
