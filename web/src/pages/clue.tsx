import { useState } from 'preact/hooks';
import { ApiError, api, type Clue } from '../api';
import { FactsList } from '../facts';
import { fmtDateTime, label, loc, t } from '../i18n';
import { href, navigate } from '../router';
import { can, session, unitById, unitLabel } from '../session';
import { Alert, Badge, DeadlineBadge, DL, errorMessage, ErrorState, Field, PageHeader, Section, Skeleton, toast, useAsync, useTitle, Select} from '../ui';

type Decision = 'file' | 'decline' | 'transfer';

function DecisionPanel({ clue, onDone }: { clue: Clue; onDone: (c: Clue) => void }) {
  const s = session();
  const [kind, setKind] = useState<Decision>('file');
  const [title, setTitle] = useState('');
  const [reason, setReason] = useState('');
  const [unit, setUnit] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [banner, setBanner] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const units = s.units.filter((u) => u.id !== clue.unit_id && u.type !== 'partner');

  const submit = async (e: Event) => {
    e.preventDefault();
    const er: Record<string, string> = {};
    if ((kind === 'decline' || kind === 'transfer') && !reason.trim()) er.reason = t('v.required');
    if (kind === 'transfer' && !unit) er.to_unit_id = t('v.required');
    if (kind === 'file' && title.length > 200) er.title = t('v.tooLong', { n: 200 });
    setErrors(er);
    setBanner(null);
    if (Object.keys(er).length) {
      document.getElementById(er.to_unit_id ? 'd-unit' : er.reason ? 'd-reason' : 'd-title')?.focus();
      return;
    }
    setBusy(true);
    try {
      const body: Parameters<typeof api.decide>[1] = { decision: kind };
      if (kind === 'file' && title.trim()) body.title = title.trim();
      if (reason.trim()) body.reason = reason.trim();
      if (kind === 'transfer') body.to_unit_id = Number(unit);
      const r = await api.decide(clue.id, body);
      if (kind === 'file' && r.case) {
        toast(t('decision.filed', { ref: r.case.reference }));
        navigate(`/cases/${r.case.id}`);
        return;
      }
      toast(kind === 'decline' ? t('decision.declined') : t('decision.transferred'));
      onDone(r.clue);
    } catch (err) {
      if (err instanceof ApiError && err.status === 400 && err.field) {
        const f = err.field.replace(/^.*\./, '');
        if (f === 'reason' || f === 'to_unit_id' || f === 'title') {
          setErrors({ [f]: err.problem.detail || t('problem.invalid_argument') });
          return;
        }
      }
      setBanner(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section title={t('decision.title')} id="decision" description={t('decision.intro')}>
      <form onSubmit={submit} noValidate data-testid="decision-form">
        <fieldset class="radios">
          <legend class="field-label">{t('decision.kind')}</legend>
          {(['file', 'decline', 'transfer'] as Decision[]).map((k) => (
            <label class="radio" key={k}>
              <input type="radio" name="decision" value={k} checked={kind === k} onChange={() => setKind(k)} data-testid={`decision-${k}`} />
              <span>{t(`decision.${k}`)}</span>
            </label>
          ))}
        </fieldset>
        {kind === 'file' && (
          <Field id="d-title" label={t('decision.caseTitle')} hint={t('decision.caseTitleHint')} error={errors.title} optionalMark>
            {(a) => <input {...a} value={title} maxLength={200} onInput={(e) => setTitle(e.currentTarget.value)} data-testid="decision-title" />}
          </Field>
        )}
        {kind === 'transfer' && (
          <Field id="d-unit" label={t('decision.toUnit')} required error={errors.to_unit_id}>
            {(a) => (
              <Select {...a} value={unit} onChange={(e) => setUnit(e.currentTarget.value)}>
                <option value="">{t('common.select')}</option>
                {units.map((u) => (
                  <option key={u.id} value={String(u.id)}>
                    {loc(u.name, u.name_en)}
                  </option>
                ))}
              </Select>
            )}
          </Field>
        )}
        <Field id="d-reason" label={t('decision.reason')} required={kind !== 'file'} optionalMark={kind === 'file'} error={errors.reason}>
          {(a) => <textarea {...a} rows={3} value={reason} onInput={(e) => setReason(e.currentTarget.value)} data-testid="decision-reason" />}
        </Field>
        {banner && <Alert kind="error">{banner}</Alert>}
        <button type="submit" class="btn btn-primary" disabled={busy} data-testid="decision-submit">
          {busy ? t('common.saving') : t('decision.submit')}
        </button>
      </form>
    </Section>
  );
}

function TrackPanel({ clue, onDone }: { clue: Clue; onDone: (c: Clue) => void }) {
  const s = session();
  const [track, setTrack] = useState(clue.track);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [banner, setBanner] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const isSupervisor = s.user.role === 'supervisor';
  const submit = async (e: Event) => {
    e.preventDefault();
    setBanner(null);
    if (!reason.trim()) {
      setError(t('v.required'));
      document.getElementById('tr-reason')?.focus();
      return;
    }
    setError(null);
    setBusy(true);
    try {
      const c = await api.changeTrack(clue.id, track, reason.trim());
      toast(t('track.changed'));
      setReason('');
      onDone(c);
    } catch (err) {
      setBanner(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Section title={t('track.change')} id="track">
      <form onSubmit={submit} noValidate class="stack">
        <Field id="tr-track" label={t('clue.track')}>
          {(a) => (
            <Select {...a} value={track} onChange={(e) => setTrack(e.currentTarget.value)}>
              {s.meta.review_tracks.map((tr) => (
                <option key={tr.track} value={tr.track} disabled={tr.requires_approval && !isSupervisor}>
                  {t('intake.trackDays', { label: label('track', tr.track), days: tr.days })}
                  {tr.requires_approval ? ` · ${t('intake.trackApproval')}` : ''}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field id="tr-reason" label={t('track.reason')} required error={error}>
          {(a) => <input {...a} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />}
        </Field>
        {banner && <Alert kind="error">{banner}</Alert>}
        <button type="submit" class="btn btn-secondary" disabled={busy || track === clue.track}>
          {t('track.submit')}
        </button>
      </form>
    </Section>
  );
}

const statusTone: Record<string, string> = { pending_review: 'warn', filed: 'success', declined: 'muted', transferred: 'info' };

export function ClueDetailPage({ id }: { id: number }) {
  const c = useAsync(() => api.clue(id), [id]);
  const clue = c.data;
  useTitle(clue ? t('clue.detailTitle', { ref: clue.reference }) : t('clue.listTitle'));
  if (c.error !== undefined && !clue) {
    const nf = c.error instanceof ApiError && (c.error.status === 404 || c.error.status === 403);
    return (
      <div>
        <PageHeader title={t('clue.listTitle')} />
        {nf ? <Alert kind="error">{t('clue.notFound')}</Alert> : <ErrorState error={c.error} onRetry={c.reload} />}
        <a href={href('/clues')} class="btn btn-secondary">
          {t('clue.back')}
        </a>
      </div>
    );
  }
  if (!clue) {
    return (
      <div>
        <PageHeader title={<span class="skeleton skeleton-inline" style={{ width: '14em' }} />} />
        <div class="grid-side">
          <div class="card">
            <Skeleton rows={8} />
          </div>
          <div class="card">
            <Skeleton rows={5} />
          </div>
        </div>
      </div>
    );
  }
  const pending = clue.status === 'pending_review';
  const transferredTo = unitById(clue.transferred_to_unit);
  return (
    <div data-testid="clue-detail" data-clue-id={clue.id}>
      <PageHeader
        title={t('clue.detailTitle', { ref: clue.reference })}
        sub={
          <span class="flags">
            <Badge tone={statusTone[clue.status] ?? 'neutral'}>{label('clueStatus', clue.status)}</Badge>
            {pending && <DeadlineBadge state={clue.deadline_state} deadline={clue.review_deadline} />}
          </span>
        }
      >
        <a href={href('/clues')} class="btn btn-ghost">
          ‹ {t('clue.back')}
        </a>
      </PageHeader>
      <div class="grid-side">
        <div class="stack">
          <Section title={t('intake.section.clue')} id="clue-info">
            <DL
              items={[
                [t('clue.reference'), <span class="mono">{clue.reference}</span>],
                [t('clue.source'), label('source', clue.source)],
                [t('clue.receivedAt'), fmtDateTime(clue.received_at)],
                [t('clue.unit'), unitLabel(clue.unit_id, clue.unit_name)],
                [t('clue.track'), label('track', clue.track)],
                [t('clue.deadline'), <span>{fmtDateTime(clue.review_deadline)} <DeadlineBadge state={clue.deadline_state} deadline={clue.review_deadline} compact /></span>],
                [t('clue.assignedTo'), clue.assigned_to_name ?? t('common.unassigned')],
                [t('clue.victim'), clue.victim_pseudonym],
                [t('clue.summary'), <span class="prewrap">{clue.summary}</span>],
                [t('clue.suspectDescription'), <span class="prewrap">{clue.suspect_description}</span>],
              ]}
            />
          </Section>
          <Section title={t('clue.facts')} id="clue-facts">
            <FactsList facts={clue.facts} />
          </Section>
          {!pending && (
            <Section title={t('decision.title')} id="clue-decision">
              <DL
                items={[
                  [t('clue.status'), label('clueStatus', clue.status)],
                  [t('clue.decidedAt'), fmtDateTime(clue.decided_at)],
                  [t('clue.decisionReason'), clue.decision_reason],
                  ...(transferredTo ? ([[t('clue.transferredTo'), loc(transferredTo.name, transferredTo.name_en)]] as [string, string][]) : []),
                  ...(clue.case_id
                    ? ([
                        [
                          t('clue.case'),
                          <a href={href(`/cases/${clue.case_id}`)} class="ref" data-testid="clue-case-link">
                            {t('common.open')} →
                          </a>,
                        ],
                      ] as [string, preact.ComponentChildren][])
                    : []),
                ]}
              />
            </Section>
          )}
        </div>
        <div class="stack">
          {pending && can('decide') && <DecisionPanel clue={clue} onDone={c.setData} />}
          {pending && !can('decide') && (
            <Section title={t('decision.title')} id="decision">
              <p class="muted">{t('decision.onlySupervisor')}</p>
            </Section>
          )}
          {pending && can('intake') && <TrackPanel clue={clue} onDone={c.setData} />}
          <Section title={t('clue.possibleDuplicates')} id="clue-dups">
            {clue.possible_duplicates?.length ? (
              <ul class="dup-list">
                {clue.possible_duplicates.map((d) => (
                  <li key={d.id}>
                    <a href={href(`/clues/${d.id}`)} class="ref">
                      {d.reference}
                    </a>
                    <span class="small muted"> {label('dupReason', d.reason)}</span>
                  </li>
                ))}
              </ul>
            ) : (
              <p class="muted">{t('clue.noDuplicates')}</p>
            )}
          </Section>
        </div>
      </div>
    </div>
  );
}
