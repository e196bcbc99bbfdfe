import { useState } from 'preact/hooks';
import { api } from '../api';
import { colon, fmtDateTime, fmtNumber, t } from '../i18n';
import { href } from '../router';
import { unitLabel } from '../session';
import { CaseTable, ClueTable } from '../tables';
import { Empty, ErrorState, PageHeader, Section, Skeleton, StatCard, useAsync, useTitle } from '../ui';
import { AnswerDialog } from './case';

export function BoardPage() {
  useTitle(t('board.title'));
  const b = useAsync(() => api.board(), []);
  const [answer, setAnswer] = useState<{ id: number; accept: boolean } | null>(null);
  const d = b.data;
  const n = (v: number | undefined) => (v === undefined ? '–' : fmtNumber(v));
  const loading = b.loading && !d;
  return (
    <div data-testid="board">
      <PageHeader title={t('board.title')} />
      <div class="stats">
        <StatCard label={t('board.counts.overdue')} value={n(d?.counts.overdue_decisions)} tone={d?.counts.overdue_decisions ? 'danger' : 'neutral'} testid="board-overdue" />
        <StatCard label={t('board.counts.dueSoon')} value={n(d?.counts.due_soon_decisions)} tone={d?.counts.due_soon_decisions ? 'warn' : 'neutral'} />
        <StatCard label={t('board.counts.major')} value={n(d?.counts.open_major)} href={href('/cases', { major: 'true' })} />
      </div>
      {b.error !== undefined && <ErrorState error={b.error} onRetry={b.reload} />}
      <Section title={t('board.pending')} id="board-pending" description={t('board.pendingHint')}>
        {loading ? (
          <Skeleton rows={4} />
        ) : d && d.pending_decisions.length ? (
          <ClueTable items={d.pending_decisions} caption={t('board.pending')} />
        ) : (
          <Empty>{t('board.noPending')}</Empty>
        )}
      </Section>
      <div class="grid-2">
        <Section title={t('board.major')} id="board-major">
          {loading ? (
            <Skeleton rows={4} />
          ) : d && d.major_cases.length ? (
            <CaseTable items={d.major_cases} caption={t('board.major')} compact />
          ) : (
            <Empty>{t('board.noMajor')}</Empty>
          )}
        </Section>
        <Section title={t('board.workload')} id="board-workload">
          {loading ? (
            <Skeleton rows={4} />
          ) : d && d.workload.length ? (
            <div class="table-wrap">
              <table class="table" data-testid="workload-table">
                <caption class="visually-hidden">{t('board.workload')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('board.officer')}</th>
                    <th scope="col" class="num">
                      {t('board.openCases')}
                    </th>
                    <th scope="col" class="num">
                      {t('board.openActions')}
                    </th>
                    <th scope="col" class="num">
                      {t('board.overdueActions')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {d.workload.map((w) => {
                    const max = Math.max(1, ...d.workload.map((x) => x.open_actions));
                    return (
                      <tr key={w.user_id}>
                        <th scope="row">{w.display_name}</th>
                        <td class="num">{fmtNumber(w.open_cases)}</td>
                        <td class="num">
                          <span class="bar-cell">
                            <span class="bar" style={{ width: `${(w.open_actions / max) * 100}%` }} aria-hidden="true" />
                            <span>{fmtNumber(w.open_actions)}</span>
                          </span>
                        </td>
                        <td class={`num ${w.overdue_actions ? 'text-danger' : ''}`}>
                          {w.overdue_actions ? <span aria-hidden="true">● </span> : null}
                          {fmtNumber(w.overdue_actions)}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          ) : (
            <Empty>{t('board.noWorkload')}</Empty>
          )}
        </Section>
      </div>
      <Section title={t('board.assistance')} id="board-assistance">
        {loading ? (
          <Skeleton rows={3} />
        ) : d && d.assistance_incoming.length ? (
          <ul class="assist-list" data-testid="incoming-assistance">
            {d.assistance_incoming.map((a) => (
              <li key={a.id} class="assist-item">
                <div class="assist-top">
                  <span>
                    {a.case_id ? (
                      <a href={href(`/cases/${a.case_id}`)} class="ref">
                        {a.case_reference}
                      </a>
                    ) : (
                      <span class="mono">{a.case_reference}</span>
                    )}{' '}
                    · {t('assist.from')}{colon()}{unitLabel(a.from_unit_id, a.from_unit_name)}
                  </span>
                  <span class="muted small">{fmtDateTime(a.created_at)}</span>
                </div>
                <p class="prewrap">{a.request}</p>
                {a.status === 'requested' && (
                  <div class="btn-row">
                    <button type="button" class="btn btn-primary btn-sm" onClick={() => setAnswer({ id: a.id, accept: true })} data-testid={`accept-${a.id}`}>
                      {t('assist.accept')}
                    </button>
                    <button type="button" class="btn btn-secondary btn-sm" onClick={() => setAnswer({ id: a.id, accept: false })}>
                      {t('assist.decline')}
                    </button>
                  </div>
                )}
              </li>
            ))}
          </ul>
        ) : (
          <Empty>{t('board.noAssistance')}</Empty>
        )}
      </Section>
      {answer && <AnswerDialog id={answer.id} accept={answer.accept} onClose={() => setAnswer(null)} onDone={b.reload} />}
    </div>
  );
}
