// Case page: header, persons (pseudonyms; audited identity reveal), checklist, actions, team,
// stage transitions, assistance, joint-team shares and the timeline.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, type Action, type Case, type CaseEvent, type Identity, type Person, type UserRef } from '../api';
import { FactsList } from '../facts';
import { colon, fmtDate, fmtDateTime, label, lang, loc, t } from '../i18n';
import { href } from '../router';
import { session, teamUsers, unitById, unitLabel } from '../session';
import { CaseFlags } from '../tables';
import {
  Alert,
  Badge,
  DeadlineBadge,
  DL,
  Empty,
  errorMessage,
  ErrorState,
  Field,
  Modal,
  Options,
  PageHeader,
  Section,
  Skeleton,
  StageBadge,
  toast,
  useAsync,
  useTitle, Select} from '../ui';
import { checkPhone, checkResidentId, endOfLocalDay, isoToLocalDate, parseIntStrict, validDate } from '../validate';
import { isVictimEvent, VictimEventDetail, VictimSupportPanel } from './victim-support';
import { CaseAccessBanners, CaseDenied, mayEdit, RestrictedSection, SensitivityPanel } from './access';
import type { CaseSection } from '../access-api';

type Update = (c: Case) => void;

function useTeamUsers(): UserRef[] | null {
  const [users, setUsers] = useState<UserRef[] | null>(null);
  useEffect(() => {
    teamUsers().then(setUsers, () => setUsers([]));
  }, []);
  return users;
}

/** Runs a mutation that returns the updated case; reports errors. */
function useMutation() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async <T,>(fn: () => Promise<T>, ok?: (v: T) => void): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      const v = await fn();
      ok?.(v);
      return true;
    } catch (e) {
      setError(errorMessage(e));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}

// ------------------------------------------------------------------ header

function CaseHeader({ c }: { c: Case }) {
  return (
    <div class="case-head card" data-testid="case-header">
      <div class="case-head-top">
        <div>
          <div class="case-ref mono" data-testid="case-reference">
            {c.reference}
          </div>
          <h1 id="page-title" tabIndex={-1} class="case-title">
            {c.title}
          </h1>
          <div class="flags" data-testid="case-flags">
            <StageBadge stage={c.stage} />
            <CaseFlags c={c} full />
          </div>
        </div>
        <div class="btn-row case-head-actions">
          {c.can_export && (
            <a href={href(`/cases/${c.id}/export`)} class="btn btn-secondary" data-testid="case-export">
              {t('export.action')}
            </a>
          )}
          <a href={href('/cases')} class="btn btn-ghost">
            ‹ {t('case.back')}
          </a>
        </div>
      </div>
      <dl class="case-facts">
        <div>
          <dt>{t('case.unit')}</dt>
          <dd>{unitLabel(c.unit_id, c.unit_name)}</dd>
        </div>
        <div>
          <dt>{t('case.filedAt')}</dt>
          <dd>{fmtDateTime(c.filed_at)}</dd>
        </div>
        <div>
          <dt>{t('case.offenceTime')}</dt>
          <dd>{c.offence_time ? fmtDateTime(c.offence_time) : <span class="muted">{t('common.unknown')}</span>}</dd>
        </div>
        <div>
          <dt>{t('case.lead')}</dt>
          <dd>{c.lead_investigator_name ?? <span class="muted">{t('common.unassigned')}</span>}</dd>
        </div>
        <div>
          <dt>{t('case.stageDeadline')}</dt>
          <dd data-testid="stage-deadline">
            {c.stage_deadline ? (
              <>
                {c.stage_deadline_label && <span>{c.stage_deadline_label} · </span>}
                {fmtDateTime(c.stage_deadline)} <DeadlineBadge state={c.deadline_state} deadline={c.stage_deadline} />
              </>
            ) : (
              <span class="muted">{t('case.noDeadline')}</span>
            )}
          </dd>
        </div>
        {c.solved_at && (
          <div>
            <dt>{t('case.solvedAt')}</dt>
            <dd>{fmtDateTime(c.solved_at)}</dd>
          </div>
        )}
        {c.closed_at && (
          <div>
            <dt>{t('case.closedAt')}</dt>
            <dd>{fmtDateTime(c.closed_at)}</dd>
          </div>
        )}
      </dl>
      {c.major && c.major_flags.length > 0 && (
        <div class="major-box" data-testid="major-flags">
          <h2 class="major-title">
            <span aria-hidden="true">▲ </span>
            {t('case.majorReasons')}
          </h2>
          <ul>
            {c.major_flags.map((f) => (
              <li key={f.rule_key}>{loc(f.label, f.label_en)}</li>
            ))}
          </ul>
          {c.rules_version && <p class="small muted">{t('case.rulesVersion', { v: c.rules_version })}</p>}
        </div>
      )}
    </div>
  );
}

// ------------------------------------------------------------------ stage transitions

/**
 * Why a transition is not available, in the UI language: derived from the lifecycle rules in /meta
 * and the case, falling back to the server's own text.
 */
function whyNot(c: Case, ns: Case['next_stages'][number]): string {
  const s = session();
  const rule = s.meta.transitions?.find((x) => x.from === c.stage && x.to === ns.to);
  if (rule) {
    if (!rule.allowed_roles.includes(s.user.role)) {
      return t('stage.whyRole', { roles: rule.allowed_roles.map((r) => label('role', r)).join(lang() === 'zh' ? '、' : ', ') });
    }
    if (rule.requires_suspect && !c.hidden_sections.includes('persons') && !c.persons.some((p) => p.role === 'suspect')) return t('stage.whySuspect');
    if (rule.requires_prosecution_checklist) {
      const missing = c.checklist.filter((i) => i.required_for_prosecution && !i.done_at);
      if (missing.length) return t('stage.whyChecklist', { items: missing.map((i) => loc(i.label, i.label_en)).join(lang() === 'zh' ? '、' : ', ') });
    }
  }
  return ns.reason ?? '';
}

function StagePanel({ c, onUpdate }: { c: Case; onUpdate: Update }) {
  const s = session();
  const [target, setTarget] = useState<Case['next_stages'][number] | null>(null);
  const [reason, setReason] = useState('');
  const [proc, setProc] = useState('');
  const [errs, setErrs] = useState<Record<string, string>>({});
  const m = useMutation();
  const procs = s.units.filter((u) => u.type === 'procuratorate');

  const open = (ns: Case['next_stages'][number]) => {
    setTarget(ns);
    setReason('');
    setProc(c.procuratorate_unit_id ? String(c.procuratorate_unit_id) : '');
    setErrs({});
    m.setError(null);
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!target) return;
    const er: Record<string, string> = {};
    if (target.requires_reason && !reason.trim()) er.reason = t('v.required');
    if (target.requires_procuratorate && !proc) er.proc = t('v.required');
    setErrs(er);
    if (Object.keys(er).length) return;
    const body: { to: string; reason?: string; procuratorate_unit_id?: number } = { to: target.to };
    if (reason.trim()) body.reason = reason.trim();
    if (proc && target.requires_procuratorate) body.procuratorate_unit_id = Number(proc);
    const ok = await m.run(
      () => api.transition(c.id, body),
      (nc) => {
        toast(t('stage.moved', { s: label('stage', target.to) }));
        onUpdate(nc);
      },
    );
    if (ok) setTarget(null);
  };

  return (
    <Section title={t('stage.title')} id="stage">
      <p class="stage-current">
        <span class="muted">{t('stage.current')}{colon()}</span>
        <StageBadge stage={c.stage} />
      </p>
      {c.read_only || c.via_break_glass ? (
        <p class="muted" data-testid="stage-read-only">{t('stage.readOnly')}</p>
      ) : c.next_stages.length === 0 ? (
        <p class="muted">{t('stage.none')}</p>
      ) : (
        <ul class="transitions" data-testid="transitions">
          {c.next_stages.map((ns) => {
            const rid = `ns-why-${ns.to}`;
            const why = ns.allowed ? '' : whyNot(c, ns);
            return (
              <li key={ns.to}>
                <button
                  type="button"
                  class={`btn ${ns.allowed ? 'btn-secondary' : 'btn-disabled'} btn-block`}
                  disabled={!ns.allowed}
                  aria-describedby={why ? rid : undefined}
                  title={why || undefined}
                  onClick={() => open(ns)}
                  data-testid={`transition-${ns.to}`}
                  data-allowed={ns.allowed ? 'true' : 'false'}
                >
                  → {t('stage.moveTo', { s: label('stage', ns.to) })}
                </button>
                {why && (
                  <p class="small muted why" id={rid} data-testid={`why-${ns.to}`}>
                    {t('stage.notAllowed', { r: why })}
                  </p>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {target && (
        <Modal
          title={t('stage.confirmTitle', { s: label('stage', target.to) })}
          onClose={() => setTarget(null)}
          testid="transition-dialog"
          footer={
            <>
              <button type="button" class="btn btn-ghost" onClick={() => setTarget(null)}>
                {t('common.cancel')}
              </button>
              <button type="submit" form="transition-form" class="btn btn-primary" disabled={m.busy} data-testid="transition-confirm">
                {m.busy ? t('common.saving') : t('common.confirm')}
              </button>
            </>
          }
        >
          <form id="transition-form" onSubmit={submit} noValidate>
            {target.requires_procuratorate && (
              <Field id="tr-proc" label={t('stage.procuratorate')} required error={errs.proc}>
                {(a) => (
                  <Select {...a} value={proc} onChange={(e) => setProc(e.currentTarget.value)}>
                    <option value="">{t('common.select')}</option>
                    {procs.map((u) => (
                      <option key={u.id} value={String(u.id)}>
                        {loc(u.name, u.name_en)}
                      </option>
                    ))}
                  </Select>
                )}
              </Field>
            )}
            <Field id="tr-why" label={t('stage.reason')} required={target.requires_reason} optionalMark={!target.requires_reason} error={errs.reason}>
              {(a) => <textarea {...a} rows={3} value={reason} onInput={(e) => setReason(e.currentTarget.value)} data-testid="transition-reason" />}
            </Field>
            {m.error && <Alert kind="error">{m.error}</Alert>}
          </form>
        </Modal>
      )}
    </Section>
  );
}

// ------------------------------------------------------------------ persons

const emptyIdentity: Identity = { name: '', id_number: '', phone: '', address: '', date_of_birth: '' };

function AddPersonForm({ c, onUpdate, onClose }: { c: Case; onUpdate: Update; onClose: () => void }) {
  const s = session();
  const [role, setRole] = useState(s.meta.person_roles.includes('suspect') ? 'suspect' : (s.meta.person_roles[0] ?? ''));
  const [sex, setSex] = useState('unknown');
  const [age, setAge] = useState('');
  const [duty, setDuty] = useState('none');
  const [notes, setNotes] = useState('');
  const [idn, setIdn] = useState<Identity>(emptyIdentity);
  const [errs, setErrs] = useState<Record<string, string>>({});
  const m = useMutation();
  const submit = async (e: Event) => {
    e.preventDefault();
    const er: Record<string, string> = {};
    if (!role) er.role = t('v.required');
    if (age.trim()) {
      const v = parseIntStrict(age);
      if (v === null || v < 0 || v > 120) er.age = t('v.intRange', { min: 0, max: 120 });
    }
    if (idn.id_number.trim() && !checkResidentId(idn.id_number)) er.id_number = t('v.idNumber');
    if (idn.phone.trim() && !checkPhone(idn.phone)) er.phone = t('v.phone');
    if (idn.date_of_birth && !validDate(idn.date_of_birth)) er.date_of_birth = t('v.date');
    setErrs(er);
    if (Object.keys(er).length) return;
    const identity: Partial<Identity> = {};
    for (const [k, v] of Object.entries(idn) as [keyof Identity, string][]) if (v.trim()) identity[k] = v.trim();
    const body: Parameters<typeof api.addPerson>[1] = { role, sex };
    if (age.trim()) body.age_at_offence = Number(age);
    if (duty && duty !== 'none') body.duty_of_care = duty;
    if (notes.trim()) body.notes = notes.trim();
    if (Object.keys(identity).length) body.identity = identity;
    const ok = await m.run(
      () => api.addPerson(c.id, body),
      (nc) => {
        toast(t('persons.added'));
        onUpdate(nc);
      },
    );
    if (ok) onClose();
  };
  const idField = (k: keyof Identity, key: Parameters<typeof t>[0], type: 'text' | 'tel' | 'date' = 'text') => (
    <Field id={`p-${k}`} label={t(key)} error={errs[k]}>
      {(a) => (
        <input
          {...a}
          {...({ type } as { type: 'text' })}
          autoComplete="off"
          value={idn[k]}
          onInput={(e) => {
            const v = e.currentTarget.value;
            setIdn((x) => ({ ...x, [k]: v }));
          }}
        />
      )}
    </Field>
  );
  return (
    <Modal
      title={t('persons.add')}
      onClose={onClose}
      testid="person-dialog"
      footer={
        <>
          <button type="button" class="btn btn-ghost" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" form="person-form" class="btn btn-primary" disabled={m.busy}>
            {m.busy ? t('common.saving') : t('common.save')}
          </button>
        </>
      }
    >
      <form id="person-form" onSubmit={submit} noValidate>
        <div class="form-grid">
          <Field id="p-role" label={t('persons.role')} required error={errs.role}>
            {(a) => (
              <Select {...a} value={role} onChange={(e) => setRole(e.currentTarget.value)}>
                <Options values={s.meta.person_roles} group="personRole" />
              </Select>
            )}
          </Field>
          <Field id="p-sex" label={t('persons.sex')}>
            {(a) => (
              <Select {...a} value={sex} onChange={(e) => setSex(e.currentTarget.value)}>
                <Options values={s.meta.sexes} group="sex" />
              </Select>
            )}
          </Field>
          <Field id="p-age" label={t('persons.age')} error={errs.age}>
            {(a) => <input {...a} type="number" min={0} max={120} value={age} onInput={(e) => setAge(e.currentTarget.value)} />}
          </Field>
          <Field id="p-duty" label={t('persons.duty')}>
            {(a) => (
              <Select {...a} value={duty} onChange={(e) => setDuty(e.currentTarget.value)}>
                <Options values={s.meta.duty_of_care} group="duty" />
              </Select>
            )}
          </Field>
          <Field id="p-notes" class="span-2" label={t('persons.notes')}>
            {(a) => <textarea {...a} rows={2} value={notes} onInput={(e) => setNotes(e.currentTarget.value)} />}
          </Field>
        </div>
        <div class="protected-box">
          <h3 class="protected-title">
            <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true">
              <path d="M7 10V8a5 5 0 0 1 10 0v2h1v11H6V10h1Zm2 0h6V8a3 3 0 0 0-6 0v2Z" fill="currentColor" />
            </svg>
            {t('persons.identityOptional')}
          </h3>
          <div class="form-grid">
            {idField('name', 'intake.idName')}
            {idField('id_number', 'intake.idNumber')}
            {idField('phone', 'intake.phone', 'tel')}
            {idField('date_of_birth', 'intake.dob', 'date')}
            {idField('address', 'intake.address')}
          </div>
        </div>
        {m.error && <Alert kind="error">{m.error}</Alert>}
      </form>
    </Modal>
  );
}

function PersonsPanel({ c, onUpdate, reload }: { c: Case; onUpdate: Update; reload: () => void }) {
  const [revealed, setRevealed] = useState<{ person: Person; identity: Identity } | null>(null);
  const [loadingId, setLoadingId] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const reveal = async (p: Person) => {
    setLoadingId(p.id);
    setError(null);
    try {
      const identity = await api.revealIdentity(c.id, p.id);
      setRevealed({ person: p, identity });
      reload(); // the audited access appears on the timeline
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setLoadingId(null);
    }
  };
  const canEdit = mayEdit(c);
  return (
    <Section
      title={t('persons.title')}
      id="persons"
      description={t('persons.intro')}
      actions={
        canEdit && (
          <button type="button" class="btn btn-secondary btn-sm" onClick={() => setAdding(true)} data-testid="add-person">
            + {t('persons.add')}
          </button>
        )
      }
    >
      {revealed && (
        <div class="reveal-panel" role="region" aria-labelledby="reveal-h" data-testid="identity-panel">
          <div class="reveal-head">
            <h3 id="reveal-h">{t('persons.revealTitle', { p: revealed.person.pseudonym })}</h3>
            <button type="button" class="btn btn-secondary btn-sm" onClick={() => setRevealed(null)} data-testid="identity-hide">
              {t('persons.hide')}
            </button>
          </div>
          <p class="reveal-warning" role="alert">
            <span aria-hidden="true">⚠ </span>
            {t('persons.revealWarning')}
          </p>
          <DL
            items={[
              [t('intake.idName'), revealed.identity.name],
              [t('intake.idNumber'), <span class="mono">{revealed.identity.id_number}</span>],
              [t('intake.phone'), revealed.identity.phone],
              [t('intake.dob'), revealed.identity.date_of_birth ? fmtDate(revealed.identity.date_of_birth) : ''],
              [t('intake.address'), revealed.identity.address],
            ]}
          />
        </div>
      )}
      {error && (
        <Alert kind="error" onDismiss={() => setError(null)}>
          {error}
        </Alert>
      )}
      {c.persons.length === 0 ? (
        <Empty>{t('persons.empty')}</Empty>
      ) : (
        <div class="table-wrap">
          <table class="table" data-testid="persons-table">
            <caption class="visually-hidden">{t('persons.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('persons.pseudonym')}</th>
                <th scope="col">{t('persons.role')}</th>
                <th scope="col">{t('persons.sex')}</th>
                <th scope="col">{t('persons.age')}</th>
                <th scope="col">{t('persons.duty')}</th>
                <th scope="col">{t('persons.notes')}</th>
                <th scope="col">
                  <span class="visually-hidden">{t('common.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {c.persons.map((p) => (
                <tr key={p.id}>
                  <td class="nowrap">
                    <strong class="mono">{p.pseudonym}</strong>
                    {p.identity_protected && (
                      <span class="lock" title={t('persons.protected')}>
                        <svg viewBox="0 0 24 24" width="14" height="14" aria-hidden="true">
                          <path d="M7 10V8a5 5 0 0 1 10 0v2h1v11H6V10h1Zm2 0h6V8a3 3 0 0 0-6 0v2Z" fill="currentColor" />
                        </svg>
                        <span class="visually-hidden">{t('persons.protected')}</span>
                      </span>
                    )}
                  </td>
                  <td>{label('personRole', p.role)}</td>
                  <td>{label('sex', p.sex)}</td>
                  <td>{p.age_at_offence ?? '–'}</td>
                  <td>{p.duty_of_care && p.duty_of_care !== 'none' ? label('duty', p.duty_of_care) : '–'}</td>
                  <td class="cell-summary">{p.notes}</td>
                  <td class="nowrap">
                    {c.can_reveal_identity && p.has_identity ? (
                      <button type="button" class="btn btn-secondary btn-sm" onClick={() => reveal(p)} disabled={loadingId === p.id} data-testid={`reveal-${p.id}`}>
                        {loadingId === p.id ? t('persons.revealing') : t('persons.reveal')}
                      </button>
                    ) : !p.has_identity ? (
                      <span class="muted small">{t('persons.noIdentity')}</span>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {adding && <AddPersonForm c={c} onUpdate={onUpdate} onClose={() => setAdding(false)} />}
    </Section>
  );
}

// ------------------------------------------------------------------ checklist

function ChecklistPanel({ c, onUpdate }: { c: Case; onUpdate: Update }) {
  // Optimistic: the box shows the wanted state while the request runs.
  const [pending, setPending] = useState<Record<string, boolean>>({});
  const [error, setError] = useState<string | null>(null);
  const done = c.checklist.filter((i) => i.done_at).length;
  const total = c.checklist.length;
  const toggle = async (key: string, v: boolean) => {
    setPending((p) => ({ ...p, [key]: v }));
    setError(null);
    try {
      onUpdate(await api.setChecklist(c.id, key, v));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setPending((p) => {
        const n = { ...p };
        delete n[key];
        return n;
      });
    }
  };
  const stages: string[] = [];
  for (const i of c.checklist) if (!stages.includes(i.stage)) stages.push(i.stage);
  const editable = mayEdit(c);
  return (
    <Section
      title={t('checklist.title')}
      id="checklist"
      actions={
        <span class="progress-text" data-testid="checklist-progress">
          {t('checklist.progress', { done, total })}
        </span>
      }
    >
      <div class="progress" role="progressbar" aria-valuemin={0} aria-valuemax={total} aria-valuenow={done} aria-label={t('checklist.title')}>
        <div class="progress-bar" style={{ width: total ? `${(done / total) * 100}%` : '0%' }} />
      </div>
      {error && (
        <Alert kind="error" onDismiss={() => setError(null)}>
          {error}
        </Alert>
      )}
      {total === 0 ? (
        <Empty>{t('checklist.empty')}</Empty>
      ) : (
        stages.map((st) => (
          <div key={st} class="checklist-group">
            <h3 class="group-title">{t('checklist.stage', { stage: label('stage', st) })}</h3>
            <ul class="checklist" data-testid="checklist">
              {c.checklist
                .filter((i) => i.stage === st)
                .map((i) => {
                  const isDone = !!i.done_at;
                  const id = `ck-${i.key}`;
                  return (
                    <li key={i.key} class={isDone ? 'done' : 'missing'} data-key={i.key} data-done={isDone ? 'true' : 'false'}>
                      <input
                        id={id}
                        type="checkbox"
                        checked={pending[i.key] ?? isDone}
                        disabled={!editable || i.key in pending}
                        aria-busy={i.key in pending ? 'true' : undefined}
                        onChange={(e) => toggle(i.key, e.currentTarget.checked)}
                      />
                      <label for={id} class="ck-label">
                        <span class="ck-text">{loc(i.label, i.label_en)}</span>
                        {i.required_for_prosecution && (
                          <Badge tone="info" title={t('checklist.requiredForProsecution')}>
                            {t('checklist.requiredForProsecution')}
                          </Badge>
                        )}
                      </label>
                      <span class={`ck-state ${isDone ? 'ok-text' : 'muted'}`}>
                        {isDone ? (
                          <>
                            <span aria-hidden="true">✓ </span>
                            {t('checklist.done')}
                            {i.done_by_name || i.done_at ? (
                              <span class="small muted"> · {[i.done_by_name, fmtDate(i.done_at)].filter(Boolean).join(' · ')}</span>
                            ) : null}
                          </>
                        ) : (
                          <>
                            <span aria-hidden="true">○ </span>
                            {t('checklist.missing')}
                          </>
                        )}
                      </span>
                    </li>
                  );
                })}
            </ul>
          </div>
        ))
      )}
    </Section>
  );
}

// ------------------------------------------------------------------ actions

const NEXT_STATUS: Record<string, string[]> = {
  allocated: ['in_progress', 'completed', 'cancelled'],
  in_progress: ['completed', 'cancelled'],
  completed: ['reviewed', 'in_progress'],
  reviewed: [],
  cancelled: [],
};

function ActionDialog({ c, action, users, onUpdate, onClose }: { c: Case; action: Action | null; users: UserRef[] | null; onUpdate: Update; onClose: () => void }) {
  const isNew = action === null;
  const [title, setTitle] = useState('');
  const [desc, setDesc] = useState('');
  const [owner, setOwner] = useState(action?.owner_id ? String(action.owner_id) : '');
  const [due, setDue] = useState(isoToLocalDate(action?.due_at));
  const [status, setStatus] = useState(action?.status ?? 'allocated');
  const [result, setResult] = useState(action?.result ?? '');
  const [errs, setErrs] = useState<Record<string, string>>({});
  const m = useMutation();
  const isSupervisor = session().user.role === 'supervisor';
  const statuses = action ? [action.status, ...(NEXT_STATUS[action.status] ?? []).filter((x) => x !== 'reviewed' || isSupervisor)] : [];

  const submit = async (e: Event) => {
    e.preventDefault();
    const er: Record<string, string> = {};
    if (isNew && !title.trim()) er.title = t('v.required');
    if (due && !validDate(due)) er.due = t('v.date');
    if (action && status === 'completed' && status !== action.status && !result.trim()) er.result = t('actions.resultRequired');
    setErrs(er);
    if (Object.keys(er).length) return;
    const ok = await m.run(
      () => {
        if (isNew) {
          const body: Parameters<typeof api.addAction>[1] = { title: title.trim() };
          if (desc.trim()) body.description = desc.trim();
          if (owner) body.owner_id = Number(owner);
          const d = endOfLocalDay(due);
          if (d) body.due_at = d;
          return api.addAction(c.id, body);
        }
        const body: Parameters<typeof api.updateAction>[2] = {};
        if (status !== action.status) body.status = status;
        if (result !== (action.result ?? '')) body.result = result;
        if (owner !== (action.owner_id ? String(action.owner_id) : '')) body.owner_id = owner ? Number(owner) : null;
        if (due !== isoToLocalDate(action.due_at)) body.due_at = due ? endOfLocalDay(due) : null;
        return api.updateAction(c.id, action.id, body);
      },
      (nc) => {
        toast(isNew ? t('actions.created') : t('actions.updated'));
        onUpdate(nc);
      },
    );
    if (ok) onClose();
  };

  return (
    <Modal
      title={isNew ? t('actions.new') : action.title}
      onClose={onClose}
      testid="action-dialog"
      footer={
        <>
          <button type="button" class="btn btn-ghost" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" form="action-form" class="btn btn-primary" disabled={m.busy} data-testid="action-save">
            {m.busy ? t('common.saving') : t('common.save')}
          </button>
        </>
      }
    >
      <form id="action-form" onSubmit={submit} noValidate>
        {isNew && (
          <>
            <Field id="a-title" label={t('actions.taskTitle')} required error={errs.title}>
              {(a) => <input {...a} value={title} maxLength={200} onInput={(e) => setTitle(e.currentTarget.value)} data-testid="action-title" />}
            </Field>
            <Field id="a-desc" label={t('actions.description')}>
              {(a) => <textarea {...a} rows={3} value={desc} onInput={(e) => setDesc(e.currentTarget.value)} />}
            </Field>
          </>
        )}
        {!isNew && (
          <Field id="a-status" label={t('actions.status')}>
            {(a) => (
              <Select {...a} value={status} onChange={(e) => setStatus(e.currentTarget.value)} data-testid="action-status">
                <Options values={statuses} group="actionStatus" />
              </Select>
            )}
          </Field>
        )}
        <div class="form-grid">
          <Field id="a-owner" label={t('actions.owner')}>
            {(a) => (
              <Select {...a} value={owner} onChange={(e) => setOwner(e.currentTarget.value)} disabled={users === null}>
                <option value="">{t('common.unassigned')}</option>
                {action?.owner_id && users && !users.some((u) => u.id === action.owner_id) && <option value={String(action.owner_id)}>{action.owner_name ?? action.owner_id}</option>}
                {(users ?? []).map((u) => (
                  <option key={u.id} value={String(u.id)}>
                    {u.display_name} · {label('role', u.role)}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <Field id="a-due" label={t('actions.due')} error={errs.due}>
            {(a) => <input {...a} type="date" value={due} onInput={(e) => setDue(e.currentTarget.value)} />}
          </Field>
        </div>
        {!isNew && (
          <Field id="a-result" label={t('actions.result')} error={errs.result} required={status === 'completed' && status !== action.status}>
            {(a) => <textarea {...a} rows={3} value={result} onInput={(e) => setResult(e.currentTarget.value)} />}
          </Field>
        )}
        {m.error && <Alert kind="error">{m.error}</Alert>}
      </form>
    </Modal>
  );
}

const actionTone: Record<string, string> = { allocated: 'neutral', in_progress: 'info', completed: 'success', reviewed: 'success', cancelled: 'muted' };

function ActionsPanel({ c, onUpdate, users }: { c: Case; onUpdate: Update; users: UserRef[] | null }) {
  const [editing, setEditing] = useState<Action | null | 'new'>(null);
  const editable = mayEdit(c);
  return (
    <Section
      title={t('actions.title')}
      id="actions"
      actions={
        editable && (
          <button type="button" class="btn btn-secondary btn-sm" onClick={() => setEditing('new')} data-testid="new-action">
            + {t('actions.new')}
          </button>
        )
      }
    >
      {c.actions.length === 0 ? (
        <Empty>{t('actions.empty')}</Empty>
      ) : (
        <ul class="action-list" data-testid="actions-list">
          {c.actions.map((a) => (
            <li key={a.id} class="action-item">
              <div class="action-main">
                <span class="action-title">{a.title}</span>
                <Badge tone={actionTone[a.status] ?? 'neutral'}>{label('actionStatus', a.status)}</Badge>
                {a.overdue && (
                  <span class="deadline deadline-overdue">
                    <span aria-hidden="true" class="deadline-icon">
                      ●
                    </span>
                    <span class="deadline-label">{t('actions.overdue')}</span>
                  </span>
                )}
              </div>
              <div class="action-meta small muted">
                <span>
                  {t('actions.owner')}{colon()}{a.owner_name ?? t('common.unassigned')}
                </span>
                <span>
                  {t('actions.due')}{colon()}{a.due_at ? fmtDate(a.due_at) : t('common.notSet')}
                </span>
              </div>
              {a.description && <p class="small prewrap">{a.description}</p>}
              {a.result && (
                <p class="small prewrap">
                  <strong>{t('actions.result')}{colon()}</strong>
                  {a.result}
                </p>
              )}
              {editable && (
                <button type="button" class="btn btn-ghost btn-sm action-edit" onClick={() => setEditing(a)} aria-label={`${t('common.edit')}${colon()}${a.title}`}>
                  {t('common.edit')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {editing !== null && <ActionDialog c={c} action={editing === 'new' ? null : editing} users={users} onUpdate={onUpdate} onClose={() => setEditing(null)} />}
    </Section>
  );
}

// ------------------------------------------------------------------ team

function TeamPanel({ c, onUpdate, users }: { c: Case; onUpdate: Update; users: UserRef[] | null }) {
  const init = () => ({
    case_manager: c.team?.case_manager?.id ? String(c.team.case_manager.id) : '',
    lead_investigator: c.team?.lead_investigator?.id ? String(c.team.lead_investigator.id) : '',
    file_coordinator: c.team?.file_coordinator?.id ? String(c.team.file_coordinator.id) : '',
  });
  const [v, setV] = useState(init);
  useEffect(() => setV(init()), [c.team?.case_manager?.id, c.team?.lead_investigator?.id, c.team?.file_coordinator?.id]);
  const m = useMutation();
  const editable = mayEdit(c);
  const roles = ['case_manager', 'lead_investigator', 'file_coordinator'] as const;
  const dirty = JSON.stringify(v) !== JSON.stringify(init());
  const submit = async (e: Event) => {
    e.preventDefault();
    await m.run(
      () =>
        api.setTeam(c.id, {
          case_manager_id: v.case_manager ? Number(v.case_manager) : null,
          lead_investigator_id: v.lead_investigator ? Number(v.lead_investigator) : null,
          file_coordinator_id: v.file_coordinator ? Number(v.file_coordinator) : null,
        }),
      (nc) => {
        toast(t('team.saved'));
        onUpdate(nc);
      },
    );
  };
  return (
    <Section title={t('team.title')} id="team">
      <form onSubmit={submit} noValidate data-testid="team-form">
        {roles.map((r) => {
          const cur = c.team?.[r];
          return (
            <Field key={r} id={`team-${r}`} label={t(`team.${r}`)}>
              {(a) => (
                <Select {...a} value={v[r]} disabled={!editable || users === null} onChange={(e) => {
                  const val = e.currentTarget.value;
                  setV((x) => ({ ...x, [r]: val }));
                }}>
                  <option value="">{t('common.unassigned')}</option>
                  {cur && users && !users.some((u) => u.id === cur.id) && <option value={String(cur.id)}>{cur.display_name}</option>}
                  {(users ?? []).map((u) => (
                    <option key={u.id} value={String(u.id)}>
                      {u.display_name} · {label('role', u.role)}
                    </option>
                  ))}
                </Select>
              )}
            </Field>
          );
        })}
        {m.error && <Alert kind="error">{m.error}</Alert>}
        {editable && (
          <button type="submit" class="btn btn-secondary" disabled={m.busy || !dirty}>
            {m.busy ? t('common.saving') : t('team.save')}
          </button>
        )}
      </form>
    </Section>
  );
}

// ------------------------------------------------------------------ assistance and shares

const assistTone: Record<string, string> = { requested: 'warn', accepted: 'success', declined: 'muted', completed: 'success' };

export function AnswerDialog({ id, accept, onClose, onDone }: { id: number; accept: boolean; onClose: () => void; onDone: () => void }) {
  const [response, setResponse] = useState('');
  const [err, setErr] = useState<string | null>(null);
  const m = useMutation();
  const submit = async (e: Event) => {
    e.preventDefault();
    // A reason is required when declining; accepting may go without a note.
    if (!accept && !response.trim()) {
      setErr(t('assist.responseRequired'));
      return;
    }
    setErr(null);
    const ok = await m.run(() => api.answerAssistance(id, accept, response.trim()), () => toast(t('assist.answered')));
    if (ok) {
      onDone();
      onClose();
    }
  };
  return (
    <Modal
      title={`${t('assist.answerTitle')} · ${accept ? t('assist.accept') : t('assist.decline')}`}
      onClose={onClose}
      testid="answer-dialog"
      size="sm"
      footer={
        <>
          <button type="button" class="btn btn-ghost" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" form="answer-form" class={`btn ${accept ? 'btn-primary' : 'btn-danger'}`} disabled={m.busy} data-testid="answer-submit">
            {accept ? t('assist.accept') : t('assist.decline')}
          </button>
        </>
      }
    >
      <form id="answer-form" onSubmit={submit} noValidate>
        <Field id="ans-response" label={t('assist.response')} required={!accept} optionalMark={accept} error={err}>
          {(a) => <textarea {...a} rows={3} value={response} onInput={(e) => setResponse(e.currentTarget.value)} />}
        </Field>
        {m.error && <Alert kind="error">{m.error}</Alert>}
      </form>
    </Modal>
  );
}

function AssistancePanel({ c, onUpdate, reload }: { c: Case; onUpdate: Update; reload: () => void }) {
  const s = session();
  const [open, setOpen] = useState(false);
  const [unit, setUnit] = useState('');
  const [req, setReq] = useState('');
  const [errs, setErrs] = useState<Record<string, string>>({});
  const [answer, setAnswer] = useState<{ id: number; accept: boolean } | null>(null);
  const m = useMutation();
  const units = s.units.filter((u) => u.id !== c.unit_id && u.type !== 'partner' && u.type !== 'procuratorate');
  const editable = mayEdit(c);
  const submit = async (e: Event) => {
    e.preventDefault();
    const er: Record<string, string> = {};
    if (!unit) er.unit = t('v.required');
    if (!req.trim()) er.req = t('v.required');
    setErrs(er);
    if (Object.keys(er).length) return;
    const ok = await m.run(
      () => api.requestAssistance(c.id, Number(unit), req.trim()),
      (nc) => {
        toast(t('assist.sent'));
        onUpdate(nc);
      },
    );
    if (ok) {
      setOpen(false);
      setUnit('');
      setReq('');
    }
  };
  return (
    <Section
      title={t('assist.title')}
      id="assistance"
      actions={
        editable && (
          <button type="button" class="btn btn-secondary btn-sm" onClick={() => setOpen(true)} data-testid="new-assistance">
            + {t('assist.new')}
          </button>
        )
      }
    >
      {c.assistance.length === 0 ? (
        <p class="muted">{t('assist.empty')}</p>
      ) : (
        <ul class="assist-list">
          {c.assistance.map((a) => (
            <li key={a.id} class="assist-item">
              <div class="assist-top">
                <span>
                  {unitLabel(a.from_unit_id, a.from_unit_name)} → {unitLabel(a.to_unit_id, a.to_unit_name)}
                </span>
                <Badge tone={assistTone[a.status] ?? 'neutral'}>{label('assistStatus', a.status)}</Badge>
              </div>
              <p class="small prewrap">{a.request}</p>
              {a.response && (
                <p class="small prewrap muted">
                  {t('assist.response')}{colon()}{a.response}
                </p>
              )}
              <p class="small muted">{fmtDateTime(a.created_at)}</p>
              {editable && a.status === 'requested' && a.to_unit_id === s.user.unit?.id && s.user.role === 'supervisor' && (
                <div class="btn-row">
                  <button type="button" class="btn btn-primary btn-sm" onClick={() => setAnswer({ id: a.id, accept: true })}>
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
      )}
      {open && (
        <Modal
          title={t('assist.new')}
          onClose={() => setOpen(false)}
          testid="assistance-dialog"
          footer={
            <>
              <button type="button" class="btn btn-ghost" onClick={() => setOpen(false)}>
                {t('common.cancel')}
              </button>
              <button type="submit" form="assist-form" class="btn btn-primary" disabled={m.busy}>
                {t('common.submit')}
              </button>
            </>
          }
        >
          <form id="assist-form" onSubmit={submit} noValidate>
            <Field id="as-unit" label={t('assist.to')} required error={errs.unit}>
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
            <Field id="as-req" label={t('assist.request')} required error={errs.req}>
              {(a) => <textarea {...a} rows={4} value={req} onInput={(e) => setReq(e.currentTarget.value)} />}
            </Field>
            {m.error && <Alert kind="error">{m.error}</Alert>}
          </form>
        </Modal>
      )}
      {answer && <AnswerDialog id={answer.id} accept={answer.accept} onClose={() => setAnswer(null)} onDone={reload} />}
    </Section>
  );
}

function SharesPanel({ c, onUpdate }: { c: Case; onUpdate: Update }) {
  const s = session();
  const [unit, setUnit] = useState('');
  const [err, setErr] = useState<string | null>(null);
  const m = useMutation();
  const taken = new Set([c.unit_id, ...c.shared_with_units.map((u) => u.id)]);
  const units = s.units.filter((u) => !taken.has(u.id) && u.type !== 'partner' && u.type !== 'procuratorate');
  const editable = mayEdit(c);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!unit) {
      setErr(t('v.required'));
      return;
    }
    setErr(null);
    const u = s.units.find((x) => String(x.id) === unit);
    const ok = await m.run(
      () => api.share(c.id, Number(unit)),
      (nc) => {
        toast(t('share.done', { name: u ? loc(u.name, u.name_en) : unit }));
        onUpdate(nc);
      },
    );
    if (ok) setUnit('');
  };
  return (
    <Section title={t('share.title')} id="shares" description={t('share.intro')}>
      {c.shared_with_units.length === 0 ? (
        <p class="muted">{t('share.empty')}</p>
      ) : (
        <ul class="chip-list">
          {c.shared_with_units.map((u) => (
            <li key={u.id} class="chip">
              {loc(u.name, u.name_en)}
            </li>
          ))}
        </ul>
      )}
      {editable && (
        <form onSubmit={submit} noValidate class="inline-form">
          <Field id="share-unit" label={t('share.unit')} error={err}>
            {(a) => (
              <div class="input-row">
                <Select {...a} value={unit} onChange={(e) => setUnit(e.currentTarget.value)}>
                  <option value="">{t('common.select')}</option>
                  {units.map((u) => (
                    <option key={u.id} value={String(u.id)}>
                      {loc(u.name, u.name_en)}
                    </option>
                  ))}
                </Select>
                <button type="submit" class="btn btn-secondary" disabled={m.busy}>
                  {t('share.add')}
                </button>
              </div>
            )}
          </Field>
          {m.error && <Alert kind="error">{m.error}</Alert>}
        </form>
      )}
    </Section>
  );
}

// ------------------------------------------------------------------ timeline

type Names = { users: UserRef[] | null };

function EventDetail({ c, e, names }: { c: Case; e: CaseEvent; names: Names }) {
  if (isVictimEvent(e.kind)) return <VictimEventDetail e={e} />;
  const d = e.detail;
  if (!d || typeof d !== 'object') return null;
  const meta = session().meta;
  const parts: ComponentChildren[] = [];
  const push = (key: Parameters<typeof t>[0], val: ComponentChildren) => parts.push(
    <span key={parts.length}>
      {t(key)}{colon()}{val}
    </span>,
  );
  const userName = (id: unknown) => {
    if (typeof id !== 'number') return null;
    const u = names.users?.find((x) => x.id === id);
    return u ? u.display_name : null;
  };
  const unitName = (id: unknown) => {
    const u = typeof id === 'number' ? unitById(id) : undefined;
    return u ? loc(u.name, u.name_en) : null;
  };
  const str = (v: unknown) => (typeof v === 'string' && v ? v : null);

  if (str(d.from) && str(d.to)) {
    const group = e.kind === 'action_updated' ? 'actionStatus' : e.kind === 'clue_track' ? 'track' : 'stage';
    parts.push(
      <span key="ft">
        {label(group, d.from as string)} → {label(group, d.to as string)}
      </span>,
    );
  }
  if (str(d.clue_reference)) push('eventDetail.clue_reference', <span class="mono">{d.clue_reference as string}</span>);
  if (str(d.source)) push('eventDetail.source', label('source', d.source as string));
  if (d.historic === true) parts.push(<span key="hist">{t('case.historic')}</span>);
  if (Array.isArray(d.rules)) {
    const labels = (d.rules as unknown[]).map((k) => {
      const r = meta.major_rules.rules.find((x) => x.key === k) ?? c.major_flags.map((f) => ({ key: f.rule_key, label: f.label, label_en: f.label_en })).find((x) => x.key === k);
      return r ? loc(r.label, r.label_en) : null;
    }).filter(Boolean);
    if (labels.length) parts.push(<span key="rules">{labels.join(lang() === 'zh' ? '、' : ', ')}</span>);
  }
  if (str(d.key)) {
    const item = c.checklist.find((i) => i.key === d.key);
    if (item) push('eventDetail.key', loc(item.label, item.label_en));
  }
  if (typeof d.done === 'boolean') parts.push(<span key="done">{d.done ? t('checklist.done') : t('checklist.missing')}</span>);
  if (str(d.pseudonym)) push('eventDetail.pseudonym', <span class="mono">{d.pseudonym as string}</span>);
  if (str(d.role)) push('eventDetail.role', label('personRole', d.role as string));
  if (str(d.title)) push('eventDetail.title', d.title as string);
  if (str(d.status)) push('eventDetail.status', label('actionStatus', d.status as string));
  const owner = userName(d.owner_id);
  if (owner) push('eventDetail.owner', owner);
  for (const r of ['case_manager', 'lead_investigator', 'file_coordinator'] as const) {
    const n = userName(d[`${r}_id`]);
    if (n) push(`team.${r}`, n);
  }
  const unit = unitName(d.to_unit_id) ?? unitName(d.unit_id);
  if (unit) push('eventDetail.unit', unit);
  if (typeof d.accepted === 'boolean') parts.push(<span key="acc">{d.accepted ? t('assistStatus.accepted') : t('assistStatus.declined')}</span>);
  if (str(d.deadline)) push('case.stageDeadline', `${str(d.deadline_label) ? `${d.deadline_label as string} ` : ''}${fmtDateTime(d.deadline as string)}`);
  if (Array.isArray(d.labels)) {
    const names = (d.labels as unknown[]).filter((x): x is string => typeof x === 'string').map((x) => label('caseLabel', x));
    push('eventDetail.labels', names.length ? names.join(lang() === 'zh' ? '、' : ', ') : t('common.none'));
  }
  if (Array.isArray(d.restricted_sections)) {
    const names = (d.restricted_sections as unknown[]).filter((x): x is string => typeof x === 'string').map((x) => label('section', x));
    push('eventDetail.sections', names.length ? names.join(lang() === 'zh' ? '、' : ', ') : t('common.none'));
  }
  if (str(d.reason)) push('eventDetail.reason', <span class="prewrap">{d.reason as string}</span>);
  if (e.kind === 'exported' && str(d.audience)) push('eventDetail.audience', label('exportAudience', d.audience as string));
  if (!parts.length) return null;
  return <div class="event-detail small">{parts.map((p, i) => [i ? ' · ' : '', p])}</div>;
}

function TimelinePanel({ c, users }: { c: Case; users: UserRef[] | null }) {
  const events = [...c.timeline].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : b.id - a.id));
  return (
    <Section title={t('timeline.title')} id="timeline">
      {events.length === 0 ? (
        <Empty>{t('timeline.empty')}</Empty>
      ) : (
        <ol class="timeline" data-testid="timeline">
          {events.map((e) => (
            <li key={e.id} class={`tl-item tl-${e.kind}`} data-kind={e.kind}>
              <span class="tl-dot" aria-hidden="true" />
              <div class="tl-body">
                <div class="tl-head">
                  <strong>{label('event', e.kind)}</strong>
                  <span class="muted small">
                    <time dateTime={e.at}>{fmtDateTime(e.at)}</time> · {e.actor_name || t('timeline.system')}
                  </span>
                </div>
                <EventDetail c={c} e={e} names={{ users }} />
              </div>
            </li>
          ))}
        </ol>
      )}
    </Section>
  );
}

// ------------------------------------------------------------------ page

const SECTIONS: [string, Parameters<typeof t>[0]][] = [
  ['sensitivity', 'sens.title'],
  ['persons', 'persons.title'],
  ['checklist', 'checklist.title'],
  ['victim-support', 'vs.title'],
  ['actions', 'actions.title'],
  ['stage', 'stage.title'],
  ['team', 'team.title'],
  ['assistance', 'assist.title'],
  ['shares', 'share.title'],
  ['timeline', 'timeline.title'],
];

function jump(id: string) {
  const el = document.getElementById(id);
  if (!el) return;
  el.scrollIntoView({ behavior: 'smooth', block: 'start' });
  const h = el.querySelector<HTMLElement>('h2');
  if (h) {
    h.tabIndex = -1;
    h.focus({ preventScroll: true });
  }
}

export function CasePage({ id }: { id: number }) {
  const c = useAsync(() => api.case(id), [id]);
  const users = useTeamUsers();
  const data = c.data;
  const denied = c.error instanceof ApiError && c.error.status === 404 && !data;
  useTitle(data ? `${data.reference}` : denied ? t('denied.title') : t('case.listTitle'));

  if (c.error !== undefined && !data) {
    // Unknown and out-of-scope cases answer alike (404): say so calmly and offer break-glass.
    if (denied) return <CaseDenied id={id} onOpened={c.reload} />;
    const nf = c.error instanceof ApiError && c.error.status === 403;
    return (
      <div>
        <PageHeader title={t('case.listTitle')} />
        {nf ? <Alert kind="error">{t('case.notFound')}</Alert> : <ErrorState error={c.error} onRetry={c.reload} />}
        <a href={href('/cases')} class="btn btn-secondary">
          {t('case.back')}
        </a>
      </div>
    );
  }
  if (!data) {
    return (
      <div aria-busy="true">
        <div class="case-head card">
          <Skeleton rows={3} height={22} />
        </div>
        <div class="grid-side">
          <div class="card">
            <Skeleton rows={10} />
          </div>
          <div class="card">
            <Skeleton rows={6} />
          </div>
        </div>
      </div>
    );
  }
  const update = (nc: Case) => c.setData(nc);
  const hidden = (s: CaseSection) => data.hidden_sections.includes(s);
  const sections = SECTIONS.filter(([sid]) => sid !== 'sensitivity' || data.can_label);
  return (
    <div
      data-testid="case-page"
      data-case-id={data.id}
      data-stage={data.stage}
      data-read-only={data.read_only ? 'true' : 'false'}
      data-break-glass={data.via_break_glass ? 'true' : 'false'}
    >
      <CaseHeader c={data} />
      <CaseAccessBanners c={data} />
      <nav class="section-nav" aria-label={t('case.sections')}>
        {sections.map(([sid, key]) => (
          <button type="button" key={sid} class="link-btn" onClick={() => jump(sid)}>
            {t(key)}
          </button>
        ))}
      </nav>
      <div class="grid-side">
        <div class="stack">
          <Section title={t('case.summary')} id="summary">
            {data.summary && <p class="prewrap">{data.summary}</p>}
            <FactsList facts={data.facts} />
            {data.clue_id && (
              <p class="small">
                {t('case.fromClue')}{colon()}
                <a href={href(`/clues/${data.clue_id}`)} class="ref">
                  {t('common.open')} →
                </a>
              </p>
            )}
          </Section>
          {hidden('persons') ? <RestrictedSection c={data} section="persons" /> : <PersonsPanel c={data} onUpdate={update} reload={c.reload} />}
          <ChecklistPanel c={data} onUpdate={update} />
          {hidden('victim_support') ? <RestrictedSection c={data} section="victim_support" /> : <VictimSupportPanel c={data} onChange={c.reload} />}
          {hidden('actions') ? <RestrictedSection c={data} section="actions" /> : <ActionsPanel c={data} onUpdate={update} users={users} />}
          {hidden('timeline') ? <RestrictedSection c={data} section="timeline" /> : <TimelinePanel c={data} users={users} />}
        </div>
        <div class="stack">
          {data.can_label && <SensitivityPanel c={data} onUpdate={update} />}
          <StagePanel c={data} onUpdate={update} />
          <TeamPanel c={data} onUpdate={update} users={users} />
          <AssistancePanel c={data} onUpdate={update} reload={c.reload} />
          <SharesPanel c={data} onUpdate={update} />
        </div>
      </div>
    </div>
  );
}
