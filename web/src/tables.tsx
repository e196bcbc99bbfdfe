// Tables shared by several pages: clues, cases, actions.
import type { Action, CaseSummary, ClueSummary, Id } from './api';
import { fmtDateTime, has, label, t } from './i18n';
import type { MessageKey } from './locales/zh';
import { href } from './router';
import { unitLabel } from './session';
import { Badge, DeadlineBadge, MajorBadge, StageBadge } from './ui';

export function ClueTable({ items, caption, showStatus = false }: { items: ClueSummary[]; caption: string; showStatus?: boolean }) {
  return (
    <div class="table-wrap">
      <table class="table" data-testid="clue-table">
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('clue.reference')}</th>
            <th scope="col">{t('clue.summary')}</th>
            <th scope="col">{t('clue.source')}</th>
            <th scope="col">{t('clue.receivedAt')}</th>
            {showStatus && <th scope="col">{t('clue.status')}</th>}
            <th scope="col">{t('clue.deadline')}</th>
            <th scope="col">{t('clue.assignedTo')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((c) => (
            <tr key={c.id} data-deadline-state={c.deadline_state} class={`row-${c.deadline_state}`}>
              <td class="nowrap">
                <a href={href(`/clues/${c.id}`)} class="ref">
                  {c.reference}
                </a>
              </td>
              <td class="cell-summary">
                <span class="clamp">{c.summary}</span>
                {c.victim_pseudonym && <span class="muted small"> · {t('clue.victim')} {c.victim_pseudonym}</span>}
              </td>
              <td>{label('source', c.source)}</td>
              <td class="nowrap">{fmtDateTime(c.received_at)}</td>
              {showStatus && <td>{label('clueStatus', c.status)}</td>}
              <td class="nowrap">
                <DeadlineBadge state={c.deadline_state} deadline={c.review_deadline} />
              </td>
              <td>{c.assigned_to_name || <span class="muted">{t('common.unassigned')}</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const labelTone: Record<string, string> = { minor_victim: 'warn', restricted: 'accent', sealed: 'danger' };
// A symbol beside the text, so that a label is never told by colour alone.
const labelIcon: Record<string, string> = { minor_victim: '◆', restricted: '⊘', sealed: '■' };

/**
 * Sensitivity labels of a case (minor victim, restricted, sealed). `compact` (lists) shows short
 * names with the full meaning as title; the case header shows full names and the court order.
 */
export function LabelBadges({ labels, sealReference, compact = false }: { labels: string[] | undefined; sealReference?: string; compact?: boolean }) {
  const known = (labels ?? []).filter((l) => l in labelTone);
  if (!known.length) return null;
  return (
    <>
      {known.map((l) => (
        <span key={l} class={`badge badge-${labelTone[l]} label-badge ${compact ? '' : 'label-badge-full'}`} data-label={l} title={has(`caseLabel.title.${l}`) ? t(`caseLabel.title.${l}` as MessageKey) : undefined}>
          <span aria-hidden="true">{labelIcon[l]} </span>
          {compact ? label('caseLabelShort', l) : label('caseLabel', l)}
          {!compact && l === 'sealed' && sealReference ? <span class="label-extra"> · {t('caseLabel.courtOrder', { ref: sealReference })}</span> : null}
        </span>
      ))}
    </>
  );
}

export function CaseFlags({ c, full = false }: { c: Pick<CaseSummary, 'major' | 'historic' | 'reopened' | 'labels'> & { seal_reference?: string }; full?: boolean }) {
  return (
    <span class="flags">
      {c.major && <MajorBadge />}
      <LabelBadges labels={c.labels} sealReference={c.seal_reference} compact={!full} />
      {c.historic && <Badge tone="muted">{t('case.historic')}</Badge>}
      {c.reopened && <Badge tone="warn">{t('case.reopened')}</Badge>}
    </span>
  );
}

export function CaseTable({ items, caption, compact = false }: { items: CaseSummary[]; caption: string; compact?: boolean }) {
  return (
    <div class="table-wrap">
      <table class="table" data-testid="case-table">
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('case.reference')}</th>
            <th scope="col">{t('case.title')}</th>
            <th scope="col">{t('case.stage')}</th>
            {!compact && <th scope="col">{t('case.unit')}</th>}
            {!compact && <th scope="col">{t('case.filedAt')}</th>}
            <th scope="col">{t('case.stageDeadline')}</th>
            {!compact && <th scope="col">{t('case.lead')}</th>}
          </tr>
        </thead>
        <tbody>
          {items.map((c) => (
            <tr key={c.id}>
              <td class="nowrap">
                <a href={href(`/cases/${c.id}`)} class="ref">
                  {c.reference}
                </a>
              </td>
              <td>
                <span class="case-title-cell">{c.title}</span> <CaseFlags c={c} />
              </td>
              <td class="nowrap">
                <StageBadge stage={c.stage} />
              </td>
              {!compact && <td>{unitLabel(c.unit_id, c.unit_name)}</td>}
              {!compact && <td class="nowrap">{fmtDateTime(c.filed_at)}</td>}
              <td class="nowrap">
                {c.stage_deadline ? <DeadlineBadge state={c.deadline_state} deadline={c.stage_deadline} /> : <span class="muted">–</span>}
              </td>
              {!compact && <td>{c.lead_investigator_name || <span class="muted">{t('common.unassigned')}</span>}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ActionTable({ items, caption }: { items: (Action & { case_id?: Id; case_reference?: string })[]; caption: string }) {
  return (
    <div class="table-wrap">
      <table class="table" data-testid="action-table">
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('actions.taskTitle')}</th>
            <th scope="col">{t('actions.case')}</th>
            <th scope="col">{t('actions.status')}</th>
            <th scope="col">{t('actions.due')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((a) => (
            <tr key={a.id}>
              <td>{a.title}</td>
              <td class="nowrap">
                {a.case_id ? (
                  <a href={href(`/cases/${a.case_id}`)} class="ref">
                    {a.case_reference ?? a.case_id}
                  </a>
                ) : (
                  '–'
                )}
              </td>
              <td>{label('actionStatus', a.status)}</td>
              <td class="nowrap">
                {a.due_at ? (
                  <span class={a.overdue ? 'deadline deadline-overdue' : ''}>
                    {a.overdue && (
                      <>
                        <span aria-hidden="true" class="deadline-icon">
                          ●
                        </span>
                        <span class="deadline-label">{t('actions.overdue')}</span>{' '}
                      </>
                    )}
                    {fmtDateTime(a.due_at)}
                  </span>
                ) : (
                  <span class="muted">–</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
