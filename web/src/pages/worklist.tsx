import { api } from '../api';
import { t } from '../i18n';
import { href } from '../router';
import { can, session } from '../session';
import { ActionTable, CaseTable, ClueTable } from '../tables';
import { Empty, ErrorState, PageHeader, Section, Skeleton, StatCard, useAsync, useTitle } from '../ui';
import { AccessAlertsSection } from './access';
import { ReferralAlertsSection } from './victim-support';

export function WorklistPage() {
  useTitle(t('work.title'));
  const w = useAsync(() => api.worklist(), []);
  const s = session();
  const counts = w.data?.counts;
  const dash = (n: number | undefined) => (n === undefined ? '–' : n);
  return (
    <div data-testid="worklist">
      <PageHeader title={t('work.title')} sub={t('work.greeting', { name: s.user.display_name })}>
        {can('intake') && (
          <a class="btn btn-primary" href={href('/intake')} data-testid="new-clue">
            + {t('work.newClue')}
          </a>
        )}
      </PageHeader>
      <div class="stats" aria-busy={w.loading ? 'true' : undefined}>
        <StatCard label={t('work.counts.overdue')} value={dash(counts?.overdue)} tone={counts?.overdue ? 'danger' : 'neutral'} testid="count-overdue" />
        <StatCard label={t('work.counts.dueSoon')} value={dash(counts?.due_soon)} tone={counts?.due_soon ? 'warn' : 'neutral'} testid="count-due-soon" />
        <StatCard label={t('work.counts.openCases')} value={dash(counts?.open_cases)} testid="count-open-cases" />
        <StatCard label={t('work.counts.openActions')} value={dash(counts?.open_actions)} testid="count-open-actions" />
      </div>
      {w.error !== undefined && <ErrorState error={w.error} onRetry={w.reload} />}
      <AccessAlertsSection items={w.data?.alerts} />
      <ReferralAlertsSection items={w.data?.referral_alerts} />
      <Section title={t('work.clues')} id="work-clues" description={t('work.cluesHint')}>
        {w.loading && !w.data ? (
          <Skeleton rows={3} />
        ) : w.data && w.data.clues.length ? (
          <ClueTable items={w.data.clues} caption={t('work.clues')} />
        ) : (
          <Empty>{t('work.noClues')}</Empty>
        )}
      </Section>
      <div class="grid-2">
        <Section title={t('work.cases')} id="work-cases">
          {w.loading && !w.data ? (
            <Skeleton rows={3} />
          ) : w.data && w.data.cases.length ? (
            <CaseTable items={w.data.cases} caption={t('work.cases')} compact />
          ) : (
            <Empty>{t('work.noCases')}</Empty>
          )}
        </Section>
        <Section title={t('work.actions')} id="work-actions">
          {w.loading && !w.data ? (
            <Skeleton rows={3} />
          ) : w.data && w.data.actions.length ? (
            <ActionTable items={w.data.actions} caption={t('work.actions')} />
          ) : (
            <Empty>{t('work.noActions')}</Empty>
          )}
        </Section>
      </div>
    </div>
  );
}
