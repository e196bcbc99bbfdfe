// Victim support on the case page: interviews (one comprehensive interview for a minor, further
// ones only with a supervisor's approval), contact preferences, consent and referrals to partner
// agencies, the survivor status code, and the notification outbox. Also the timeline details of
// these events and the stalled-referral alerts of the work list.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { Case, CaseEvent } from '../api';
import { colon, fmtDate, fmtDateTime, has, lang, loc, t } from '../i18n';
import type { MessageKey } from '../locales/zh';
import { href } from '../router';
import { session, unitById } from '../session';
import { Alert, Badge, Check, Empty, errorMessage, ErrorState, Field, Modal, Section, Select, Skeleton, toast, useAsync } from '../ui';
import { checkPhone, endOfLocalDay, fromLocalInput, toLocalInput } from '../validate';
import {
  ATTENDEES,
  CHANNELS,
  CONSENT_GIVERS,
  CONTACT_FIELDS,
  DAYS,
  INTERVIEW_LOCATIONS,
  REFERRAL_KINDS,
  victimApi,
  WHO_MAY_CONTACT,
  type CaseReferral,
  type ContactPreferences,
  type ReferralAlert,
  type VictimEntry,
  type VictimSupport,
} from '../victim-api';
import './victim.css';

/** Label of a victim-support enum value ("vsKind", "legal_aid"); unknown values as sent. */
export function vl(group: string, value: string | null | undefined): string {
  if (!value) return '';
  const key = `${group}.${value}`;
  return has(key) ? t(key as MessageKey) : value;
}

const refTone: Record<string, string> = {
  sent: 'info',
  accepted: 'accent',
  in_progress: 'accent',
  closed: 'success',
  declined: 'warn',
  withdrawn: 'muted',
};

export function ReferralStatusBadge({ status }: { status: string }) {
  return (
    <Badge tone={refTone[status] ?? 'neutral'}>
      <span data-referral-status={status}>{vl('vsRef', status)}</span>
    </Badge>
  );
}

export function StallBadge({ stall }: { stall: string }) {
  if (!stall || stall === 'none') return null;
  return (
    <Badge tone="danger">
      <span aria-hidden="true">● </span>
      <span data-stall={stall}>{vl('vsStall', stall)}</span>
    </Badge>
  );
}

function list(values: string[], group: string): string {
  return values.map((v) => vl(group, v)).join(lang() === 'zh' ? '、' : ', ');
}

/** Runs one mutation returning the fresh support view; reports errors in place. */
function useRun(onDone: (v: VictimSupport) => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (fn: () => Promise<VictimSupport>, okText?: string): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      const v = await fn();
      onDone(v);
      if (okText) toast(okText);
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

function Footer({ onClose, form, busy, label, testid, danger }: { onClose: () => void; form: string; busy: boolean; label: string; testid?: string; danger?: boolean }) {
  return (
    <>
      <button type="button" class="btn btn-ghost" onClick={onClose}>
        {t('common.cancel')}
      </button>
      <button type="submit" form={form} class={`btn ${danger ? 'btn-danger' : 'btn-primary'}`} disabled={busy} data-testid={testid}>
        {busy ? t('common.saving') : label}
      </button>
    </>
  );
}

// ------------------------------------------------------------------ interviews

function InterviewDialog({ c, v, onDone, onClose }: { c: Case; v: VictimEntry; onDone: (s: VictimSupport) => void; onClose: () => void }) {
  const [started, setStarted] = useState(toLocalInput(new Date(Date.now() - 3600e3)));
  const [duration, setDuration] = useState('45');
  const [location, setLocation] = useState(v.minor ? 'one_stop_room' : 'police_interview_room');
  const [note, setNote] = useState('');
  const [present, setPresent] = useState<string[]>(v.minor ? ['guardian'] : []);
  const [female, setFemale] = useState(false);
  const [recorded, setRecorded] = useState(true);
  const [notes, setNotes] = useState('');
  const [errs, setErrs] = useState<Record<string, string>>({});
  const m = useRun(onDone);
  const toggle = (a: string, on: boolean) => setPresent((p) => (on ? [...p.filter((x) => x !== a), a] : p.filter((x) => x !== a)));
  const submit = async (e: Event) => {
    e.preventDefault();
    const er: Record<string, string> = {};
    const iso = fromLocalInput(started);
    if (!iso) er.started = t('v.required');
    else if (new Date(iso).getTime() > Date.now() + 60e3) er.started = t('v.future');
    const d = Number(duration);
    if (!/^\d+$/.test(duration) || d < 1 || d > 600) er.duration = t('v.intRange', { min: 1, max: 600 });
    if (v.minor && !present.includes('guardian') && !present.includes('appropriate_adult')) er.present = t('vs.iv.presentHint');
    if (female && !present.includes('female_officer')) er.present = t('vs.femaleRequested');
    setErrs(er);
    if (Object.keys(er).length) return;
    const ok = await m.run(
      () =>
        victimApi.recordInterview(c.id, {
          person_id: v.person_id,
          started_at: iso!,
          duration_minutes: d,
          location,
          location_note: note.trim() || undefined,
          present,
          female_officer_requested: female,
          recorded,
          notes: notes.trim() || undefined,
        }),
      t('vs.iv.saved'),
    );
    if (ok) onClose();
  };
  return (
    <Modal title={`${t('vs.recordInterview')} · ${v.pseudonym}`} onClose={onClose} testid="interview-dialog" footer={<Footer onClose={onClose} form="iv-form" busy={m.busy} label={t('common.save')} testid="interview-save" />}>
      <form id="iv-form" onSubmit={submit} noValidate>
        {v.minor && <Alert kind="info">{t('vs.oneInterviewRule')}</Alert>}
        <div class="form-grid">
          <Field id="iv-started" label={t('vs.iv.started')} required error={errs.started}>
            {(a) => <input {...a} type="datetime-local" max={toLocalInput(new Date())} value={started} onInput={(e) => setStarted(e.currentTarget.value)} />}
          </Field>
          <Field id="iv-duration" label={t('vs.iv.duration')} required error={errs.duration}>
            {(a) => <input {...a} inputMode="numeric" value={duration} onInput={(e) => setDuration(e.currentTarget.value)} />}
          </Field>
          <Field id="iv-location" label={t('vs.iv.location')} required>
            {(a) => (
              <Select {...a} value={location} onChange={(e) => setLocation(e.currentTarget.value)}>
                {INTERVIEW_LOCATIONS.map((l) => (
                  <option key={l} value={l}>
                    {vl('vsLoc', l)}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <Field id="iv-note" label={t('vs.iv.locationNote')} hint={t('vs.iv.locationNoteHint')} optionalMark>
            {(a) => <input {...a} maxLength={200} value={note} onInput={(e) => setNote(e.currentTarget.value)} />}
          </Field>
        </div>
        <fieldset class="fieldset" aria-describedby="iv-present-hint">
          <legend>{t('vs.iv.present')}</legend>
          <div class="vs-checks" data-testid="interview-present">
            {ATTENDEES.map((a) => (
              <Check key={a} id={`iv-p-${a}`} checked={present.includes(a)} onChange={(on) => toggle(a, on)}>
                {vl('vsAtt', a)}
              </Check>
            ))}
          </div>
          <p class="field-hint" id="iv-present-hint">
            {t('vs.iv.presentHint')}
          </p>
          {errs.present && (
            <p class="field-error" role="alert">
              {errs.present}
            </p>
          )}
        </fieldset>
        <div class="vs-checks">
          <Check id="iv-female" checked={female} onChange={setFemale}>
            {t('vs.iv.femaleRequested')}
          </Check>
          <Check id="iv-recorded" checked={recorded} onChange={setRecorded}>
            {t('vs.iv.recorded')}
          </Check>
        </div>
        <Field id="iv-notes" label={t('vs.iv.notes')} optionalMark>
          {(a) => <textarea {...a} rows={2} maxLength={2000} value={notes} onInput={(e) => setNotes(e.currentTarget.value)} />}
        </Field>
        {m.error && <Alert kind="error">{m.error}</Alert>}
      </form>
    </Modal>
  );
}

function ReasonDialog({ title, label, required, danger, testid, onSubmit, onClose }: { title: string; label: string; required: boolean; danger?: boolean; testid: string; onSubmit: (text: string) => Promise<boolean>; onClose: () => void }) {
  const [text, setText] = useState('');
  const [err, setErr] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (required && !text.trim()) {
      setErr(t('v.required'));
      return;
    }
    setErr(null);
    setBusy(true);
    const ok = await onSubmit(text.trim());
    setBusy(false);
    if (ok) onClose();
  };
  return (
    <Modal title={title} onClose={onClose} testid={testid} size="sm" footer={<Footer onClose={onClose} form={`${testid}-form`} busy={busy} label={t('common.submit')} testid={`${testid}-submit`} danger={danger} />}>
      <form id={`${testid}-form`} onSubmit={submit} noValidate>
        <Field id={`${testid}-text`} label={label} required={required} optionalMark={!required} error={err}>
          {(a) => <textarea {...a} rows={3} value={text} onInput={(e) => setText(e.currentTarget.value)} />}
        </Field>
      </form>
    </Modal>
  );
}

function InterviewsBlock({ c, v, support, onDone }: { c: Case; v: VictimEntry; support: VictimSupport; onDone: (s: VictimSupport) => void }) {
  const me = session().user;
  const [dialog, setDialog] = useState<null | 'record' | 'request' | { decide: number; approve: boolean }>(null);
  const m = useRun(onDone);
  const pending = v.approvals.find((a) => a.status === 'requested');
  const canRecord = support.can_record_interview && (!v.next_interview_needs_approval || v.has_unused_approval);
  const canRequest = support.can_record_interview && v.next_interview_needs_approval && !v.has_unused_approval && !pending;
  return (
    <div class="vs-block" data-testid={`interviews-${v.pseudonym}`}>
      <div class="vs-block-head">
        <h4>{t('vs.interviews')}</h4>
        <span class={`vs-count ${v.minor && v.interview_count > 1 ? 'vs-count-warn' : ''}`} data-testid="interview-count" data-count={v.interview_count}>
          {t('vs.interviewCount', { n: v.interview_count })}
        </span>
      </div>
      {v.minor && <p class="small muted">{t('vs.oneInterviewRule')}</p>}
      {v.interviews.length === 0 ? (
        <p class="muted small">{t('vs.noInterviews')}</p>
      ) : (
        <ol class="vs-list" data-testid="interview-list">
          {v.interviews.map((i) => (
            <li key={i.id}>
              <div>
                <strong>{t('vs.interviewLine', { n: i.number, t: fmtDateTime(i.started_at), d: i.duration_minutes })}</strong> · {vl('vsLoc', i.location)}
                {i.location_note ? ` (${i.location_note})` : ''}
                {i.approval_id && (
                  <>
                    {' '}
                    <Badge tone="warn">{t('vs.viaApproval')}</Badge>
                  </>
                )}
              </div>
              <div class="small muted">
                {t('vs.conductedBy')}
                {colon()}
                {i.conducted_by_name} · {t('vs.present')}
                {colon()}
                {i.present.length ? list(i.present, 'vsAtt') : t('vs.presentNone')}
                {i.recorded && ` · ${t('vs.recorded')}`}
                {i.female_officer_requested && ` · ${t('vs.femaleRequested')}`}
              </div>
              {i.notes && <div class="small prewrap">{i.notes}</div>}
            </li>
          ))}
        </ol>
      )}
      {v.approvals.length > 0 && (
        <div class="vs-sub">
          <h5>{t('vs.approvals')}</h5>
          <ul class="vs-list" data-testid="approval-list">
            {v.approvals.map((a) => (
              <li key={a.id} data-approval-status={a.status}>
                <div>
                  <Badge tone={a.status === 'approved' ? 'success' : a.status === 'refused' ? 'danger' : a.status === 'used' ? 'muted' : 'warn'}>{vl('vsApproval', a.status)}</Badge> <span class="prewrap">{a.reason}</span>
                </div>
                <div class="small muted">
                  {t('vs.requestedBy', { name: a.requested_by_name, t: fmtDateTime(a.requested_at) })}
                  {a.decided_at && ` · ${t('vs.decidedBy', { name: a.decided_by_name, t: fmtDateTime(a.decided_at) })}`}
                  {a.decision_note && ` · ${a.decision_note}`}
                </div>
                {a.status === 'requested' && support.can_approve && (
                  a.requested_by === me.id ? (
                    <p class="small muted">{t('vs.ownRequest')}</p>
                  ) : (
                    <div class="btn-row">
                      <button type="button" class="btn btn-primary btn-sm" data-testid="approve-further" onClick={() => setDialog({ decide: a.id, approve: true })}>
                        {t('vs.approve')}
                      </button>
                      <button type="button" class="btn btn-secondary btn-sm" onClick={() => setDialog({ decide: a.id, approve: false })}>
                        {t('vs.refuse')}
                      </button>
                    </div>
                  )
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
      {v.next_interview_needs_approval && (
        <p class="small" data-testid="interview-rule-state">
          {v.has_unused_approval ? t('vs.approvalReady') : pending ? t('vs.approvalPending') : t('vs.needsApproval')}
        </p>
      )}
      <div class="btn-row">
        {canRecord && (
          <button type="button" class="btn btn-secondary btn-sm" data-testid="record-interview" onClick={() => setDialog('record')}>
            + {t('vs.recordInterview')}
          </button>
        )}
        {canRequest && (
          <button type="button" class="btn btn-secondary btn-sm" data-testid="request-further" onClick={() => setDialog('request')}>
            {t('vs.requestFurther')}
          </button>
        )}
      </div>
      {m.error && <Alert kind="error" onDismiss={() => m.setError(null)}>{m.error}</Alert>}
      {dialog === 'record' && <InterviewDialog c={c} v={v} onDone={onDone} onClose={() => setDialog(null)} />}
      {dialog === 'request' && (
        <ReasonDialog
          title={`${t('vs.requestFurther')} · ${v.pseudonym}`}
          label={t('vs.reasonLabel')}
          required
          testid="further-dialog"
          onClose={() => setDialog(null)}
          onSubmit={(text) => m.run(() => victimApi.requestFurther(c.id, v.person_id, text), t('vs.requested'))}
        />
      )}
      {dialog && typeof dialog === 'object' && (
        <ReasonDialog
          title={dialog.approve ? t('vs.approve') : t('vs.refuse')}
          label={t('vs.decisionNote')}
          required={!dialog.approve}
          danger={!dialog.approve}
          testid="decide-dialog"
          onClose={() => setDialog(null)}
          onSubmit={(text) => m.run(() => victimApi.decideFurther(c.id, dialog.decide, dialog.approve, text), t('vs.decided'))}
        />
      )}
    </div>
  );
}

// ------------------------------------------------------------------ contact preferences

const EMPTY_PREFS: ContactPreferences = {
  channels: [],
  phone: '',
  window_start: '09:00',
  window_end: '20:00',
  days: [...DAYS],
  who_may_contact: 'case_team_only',
  language: 'zh',
  notify_referrals: true,
  notify_case_progress: true,
  guardian_name: '',
  guardian_phone: '',
  notes: '',
};

function PreferencesDialog({ c, v, initial, onDone, onClose }: { c: Case; v: VictimEntry; initial: ContactPreferences; onDone: (s: VictimSupport) => void; onClose: () => void }) {
  const [p, setP] = useState<ContactPreferences>({ ...EMPTY_PREFS, ...initial });
  const [errs, setErrs] = useState<Record<string, string>>({});
  const m = useRun(onDone);
  const set = <K extends keyof ContactPreferences>(k: K, val: ContactPreferences[K]) => setP((x) => ({ ...x, [k]: val }));
  const toggleIn = (k: 'channels' | 'days', item: string, on: boolean, order: readonly string[]) =>
    set(k, order.filter((x) => (x === item ? on : p[k].includes(x))));
  const submit = async (e: Event) => {
    e.preventDefault();
    const er: Record<string, string> = {};
    const needsPhone = p.channels.includes('sms') || p.channels.includes('phone');
    if (needsPhone && !p.phone?.trim()) er.phone = t('v.required');
    else if (p.phone?.trim() && !checkPhone(p.phone)) er.phone = t('v.phone');
    if (p.channels.includes('through_guardian') && !p.guardian_phone?.trim()) er.guardian_phone = t('v.required');
    else if (p.guardian_phone?.trim() && !checkPhone(p.guardian_phone)) er.guardian_phone = t('v.phone');
    if (p.window_end <= p.window_start) er.window = t('vs.pf.timeOrder');
    setErrs(er);
    if (Object.keys(er).length) return;
    const ok = await m.run(() => victimApi.setPreferences(c.id, v.person_id, { ...p, phone: p.phone?.trim(), guardian_phone: p.guardian_phone?.trim() }), t('vs.pf.saved'));
    if (ok) onClose();
  };
  return (
    <Modal title={`${t('vs.prefs')} · ${v.pseudonym}`} onClose={onClose} testid="prefs-dialog" footer={<Footer onClose={onClose} form="pf-form" busy={m.busy} label={t('common.save')} testid="prefs-save" />}>
      <form id="pf-form" onSubmit={submit} noValidate>
        <fieldset class="fieldset">
          <legend>{t('vs.pf.channels')}</legend>
          <div class="vs-checks">
            {CHANNELS.map((ch) => (
              <Check key={ch} id={`pf-ch-${ch}`} checked={p.channels.includes(ch)} onChange={(on) => set('channels', on ? [...p.channels.filter((x) => x !== ch), ch] : p.channels.filter((x) => x !== ch))}>
                {vl('vsChan', ch)}
                {p.channels.includes(ch) && <span class="vs-order"> {p.channels.indexOf(ch) + 1}</span>}
              </Check>
            ))}
          </div>
          <p class="field-hint">{t('vs.pf.channelsHint')}</p>
        </fieldset>
        <div class="form-grid">
          <Field id="pf-phone" label={t('vs.pf.phone')} hint={t('vs.pf.phoneHint')} error={errs.phone}>
            {(a) => <input {...a} type="tel" autoComplete="off" value={p.phone ?? ''} onInput={(e) => set('phone', e.currentTarget.value)} />}
          </Field>
          <Field id="pf-who" label={t('vs.pf.who')}>
            {(a) => (
              <Select {...a} value={p.who_may_contact} onChange={(e) => set('who_may_contact', e.currentTarget.value)}>
                {WHO_MAY_CONTACT.map((w) => (
                  <option key={w} value={w}>
                    {vl('vsWho', w)}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <Field id="pf-from" label={`${t('vs.pf.window')} · ${t('vs.pf.from')}`} error={errs.window}>
            {(a) => <input {...a} type="time" value={p.window_start} onInput={(e) => set('window_start', e.currentTarget.value)} />}
          </Field>
          <Field id="pf-to" label={`${t('vs.pf.window')} · ${t('vs.pf.to')}`}>
            {(a) => <input {...a} type="time" value={p.window_end} onInput={(e) => set('window_end', e.currentTarget.value)} />}
          </Field>
        </div>
        <fieldset class="fieldset">
          <legend>{t('vs.pf.days')}</legend>
          <div class="vs-checks">
            {DAYS.map((d) => (
              <Check key={d} id={`pf-day-${d}`} checked={p.days.includes(d)} onChange={(on) => toggleIn('days', d, on, DAYS)}>
                {vl('vsDay', d)}
              </Check>
            ))}
          </div>
        </fieldset>
        <div class="form-grid">
          <Field id="pf-lang" label={t('vs.pf.language')} hint={t('vs.pf.languageHint')}>
            {(a) => <input {...a} maxLength={16} value={p.language} onInput={(e) => set('language', e.currentTarget.value.trim())} />}
          </Field>
          <div class="vs-checks vs-checks-col">
            <Check id="pf-notify-ref" checked={p.notify_referrals} onChange={(on) => set('notify_referrals', on)}>
              {t('vs.pf.notifyReferrals')}
            </Check>
            <Check id="pf-notify-case" checked={p.notify_case_progress} onChange={(on) => set('notify_case_progress', on)}>
              {t('vs.pf.notifyProgress')}
            </Check>
          </div>
          <Field id="pf-gname" label={t('vs.pf.guardianName')} optionalMark={!v.minor}>
            {(a) => <input {...a} maxLength={100} value={p.guardian_name ?? ''} onInput={(e) => set('guardian_name', e.currentTarget.value)} />}
          </Field>
          <Field id="pf-gphone" label={t('vs.pf.guardianPhone')} error={errs.guardian_phone} optionalMark={!v.minor}>
            {(a) => <input {...a} type="tel" autoComplete="off" value={p.guardian_phone ?? ''} onInput={(e) => set('guardian_phone', e.currentTarget.value)} />}
          </Field>
        </div>
        <Field id="pf-notes" label={t('vs.pf.notes')} hint={t('vs.pf.notesHint')} optionalMark>
          {(a) => <textarea {...a} rows={2} maxLength={1000} value={p.notes} onInput={(e) => set('notes', e.currentTarget.value)} />}
        </Field>
        {m.error && <Alert kind="error">{m.error}</Alert>}
      </form>
    </Modal>
  );
}

function PreferencesBlock({ c, v, support, onDone }: { c: Case; v: VictimEntry; support: VictimSupport; onDone: (s: VictimSupport) => void }) {
  const [initial, setInitial] = useState<ContactPreferences | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const open = async () => {
    setError(null);
    if (!v.preferences_updated_at || !support.can_read_preferences) {
      setInitial({ ...EMPTY_PREFS, guardian_name: '', notes: '' });
      return;
    }
    setLoading(true);
    try {
      setInitial(await victimApi.preferences(c.id, v.person_id));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setLoading(false);
    }
  };
  return (
    <div class="vs-block" data-testid={`prefs-${v.pseudonym}`}>
      <div class="vs-block-head">
        <h4>{t('vs.prefs')}</h4>
      </div>
      <p class={`small ${v.preferences_updated_at ? '' : 'vs-warn-text'}`} data-testid="prefs-state" data-set={v.preferences_updated_at ? 'true' : 'false'}>
        {v.preferences_updated_at ? t('vs.prefsSet', { t: fmtDateTime(v.preferences_updated_at) }) : t('vs.prefsMissing')}
      </p>
      {support.can_manage && (
        <>
          {v.preferences_updated_at && support.can_read_preferences && <p class="small muted">{t('vs.prefsReadNote')}</p>}
          <button type="button" class="btn btn-secondary btn-sm" data-testid="edit-prefs" onClick={open} disabled={loading}>
            {t('vs.prefsEdit')}
          </button>
        </>
      )}
      {error && <Alert kind="error" onDismiss={() => setError(null)}>{error}</Alert>}
      {initial && <PreferencesDialog c={c} v={v} initial={initial} onDone={onDone} onClose={() => setInitial(null)} />}
    </div>
  );
}

// ------------------------------------------------------------------ consent and referrals

function partnerUnits() {
  return session().units.filter((u) => u.type === 'partner');
}

function ConsentDialog({ c, v, onDone, onClose }: { c: Case; v: VictimEntry; onDone: (s: VictimSupport) => void; onClose: () => void }) {
  const [givenBy, setGivenBy] = useState(v.minor ? 'guardian' : 'victim');
  const [relationship, setRelationship] = useState('');
  const [agencies, setAgencies] = useState<number[]>([]);
  const [fields, setFields] = useState<string[]>(v.minor ? ['phone', 'guardian_contact'] : ['phone']);
  const [notes, setNotes] = useState('');
  const [errs, setErrs] = useState<Record<string, string>>({});
  const m = useRun(onDone);
  const givers = CONSENT_GIVERS.filter((g) => (v.minor ? g !== 'victim' : g !== 'guardian'));
  const submit = async (e: Event) => {
    e.preventDefault();
    const er: Record<string, string> = {};
    if (givenBy !== 'victim' && !relationship.trim()) er.relationship = t('v.required');
    if (!agencies.length) er.agencies = t('vs.cf.pickAgency');
    setErrs(er);
    if (Object.keys(er).length) return;
    const ok = await m.run(
      () => victimApi.recordConsent(c.id, { person_id: v.person_id, given_by: givenBy, giver_relationship: relationship.trim() || undefined, agency_unit_ids: agencies, fields, notes: notes.trim() || undefined }),
      t('vs.cf.saved'),
    );
    if (ok) onClose();
  };
  return (
    <Modal title={`${t('vs.recordConsent')} · ${v.pseudonym}`} onClose={onClose} testid="consent-dialog" footer={<Footer onClose={onClose} form="cf-form" busy={m.busy} label={t('common.save')} testid="consent-save" />}>
      <form id="cf-form" onSubmit={submit} noValidate>
        {v.minor && <Alert kind="info">{t('vs.cf.minorHint')}</Alert>}
        <div class="form-grid">
          <Field id="cf-given-by" label={t('vs.cf.givenBy')} required>
            {(a) => (
              <Select {...a} value={givenBy} onChange={(e) => setGivenBy(e.currentTarget.value)}>
                {givers.map((g) => (
                  <option key={g} value={g}>
                    {vl('vsGiver', g)}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          {givenBy !== 'victim' && (
            <Field id="cf-rel" label={t('vs.cf.relationship')} hint={t('vs.cf.relationshipHint')} required error={errs.relationship}>
              {(a) => <input {...a} maxLength={40} value={relationship} onInput={(e) => setRelationship(e.currentTarget.value)} />}
            </Field>
          )}
        </div>
        <fieldset class="fieldset" data-testid="consent-agencies">
          <legend>{t('vs.cf.agencies')}</legend>
          <div class="vs-checks vs-checks-col">
            {partnerUnits().map((u) => (
              <Check key={u.id} id={`cf-ag-${u.id}`} checked={agencies.includes(u.id)} onChange={(on) => setAgencies((x) => (on ? [...x, u.id] : x.filter((y) => y !== u.id)))}>
                {loc(u.name, u.name_en)}
              </Check>
            ))}
          </div>
          {errs.agencies && (
            <p class="field-error" role="alert">
              {errs.agencies}
            </p>
          )}
        </fieldset>
        <fieldset class="fieldset" data-testid="consent-fields">
          <legend>{t('vs.cf.fields')}</legend>
          <div class="vs-checks">
            {CONTACT_FIELDS.map((f) => (
              <Check key={f} id={`cf-f-${f}`} checked={fields.includes(f)} onChange={(on) => setFields((x) => (on ? [...x, f] : x.filter((y) => y !== f)))}>
                {vl('vsField', f)}
              </Check>
            ))}
          </div>
        </fieldset>
        <Field id="cf-notes" label={t('vs.cf.notes')} optionalMark>
          {(a) => <textarea {...a} rows={2} maxLength={1000} value={notes} onInput={(e) => setNotes(e.currentTarget.value)} />}
        </Field>
        {m.error && <Alert kind="error">{m.error}</Alert>}
      </form>
    </Modal>
  );
}

function ReferDialog({ c, v, onDone, onClose }: { c: Case; v: VictimEntry; onDone: (s: VictimSupport) => void; onClose: () => void }) {
  const active = v.consents.filter((x) => x.active);
  const [consentId, setConsentId] = useState(String(active[active.length - 1]?.id ?? ''));
  const consent = active.find((x) => String(x.id) === consentId);
  const [agency, setAgency] = useState(String(consent?.agencies[0]?.id ?? ''));
  const kinds = REFERRAL_KINDS.filter((k) => k !== 'education_support' || v.minor);
  const [kind, setKind] = useState<string>(kinds[0]);
  const [need, setNeed] = useState('');
  const [due, setDue] = useState('');
  const [errs, setErrs] = useState<Record<string, string>>({});
  const m = useRun(onDone);
  const submit = async (e: Event) => {
    e.preventDefault();
    const er: Record<string, string> = {};
    if (!consentId) er.consent = t('v.required');
    if (!agency) er.agency = t('v.required');
    if (!need.trim()) er.need = t('v.required');
    const dueIso = due ? endOfLocalDay(due) : null;
    if (due && !dueIso) er.due = t('v.date');
    setErrs(er);
    if (Object.keys(er).length) return;
    const ok = await m.run(
      () => victimApi.refer(c.id, { person_id: v.person_id, consent_id: Number(consentId), partner_unit_id: Number(agency), kind, need: need.trim(), due_at: dueIso ?? undefined }),
      t('vs.rf.saved'),
    );
    if (ok) onClose();
  };
  return (
    <Modal title={`${t('vs.refer')} · ${v.pseudonym}`} onClose={onClose} testid="refer-dialog" footer={<Footer onClose={onClose} form="rf-form" busy={m.busy} label={t('vs.refer')} testid="refer-save" />}>
      <form id="rf-form" onSubmit={submit} noValidate>
        <div class="form-grid">
          <Field id="rf-consent" label={t('vs.rf.consent')} required error={errs.consent}>
            {(a) => (
              <Select
                {...a}
                value={consentId}
                onChange={(e) => {
                  setConsentId(e.currentTarget.value);
                  const cs = active.find((x) => String(x.id) === e.currentTarget.value);
                  setAgency(String(cs?.agencies[0]?.id ?? ''));
                }}
              >
                {active.map((x) => (
                  <option key={x.id} value={String(x.id)}>
                    {vl('vsGiver', x.given_by)} · {fmtDate(x.given_at)}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <Field id="rf-agency" label={t('vs.rf.agency')} required error={errs.agency}>
            {(a) => (
              <Select {...a} value={agency} onChange={(e) => setAgency(e.currentTarget.value)}>
                {(consent?.agencies ?? []).map((u) => (
                  <option key={u.id} value={String(u.id)}>
                    {loc(u.name, u.name_en)}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <Field id="rf-kind" label={t('vs.rf.kind')} required>
            {(a) => (
              <Select {...a} value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
                {kinds.map((k) => (
                  <option key={k} value={k}>
                    {vl('vsKind', k)}
                  </option>
                ))}
              </Select>
            )}
          </Field>
          <Field id="rf-due" label={t('vs.rf.due')} hint={t('vs.rf.dueHint')} optionalMark error={errs.due}>
            {(a) => <input {...a} type="date" value={due} onInput={(e) => setDue(e.currentTarget.value)} />}
          </Field>
        </div>
        <Field id="rf-need" label={t('vs.rf.need')} hint={t('vs.rf.needHint')} required error={errs.need}>
          {(a) => <textarea {...a} rows={3} maxLength={1000} value={need} onInput={(e) => setNeed(e.currentTarget.value)} />}
        </Field>
        {m.error && <Alert kind="error">{m.error}</Alert>}
      </form>
    </Modal>
  );
}

/** A referral's steps. `viewer` words the unnamed side ("your agency" for the agency itself). */
export function ReferralHistory({ items, viewer }: { items: { at: string; from: string | null; to: string; note: string; by: string; actor_name: string }[]; viewer: 'police' | 'agency' }) {
  const side = (by: string) => (by === 'agency' ? (viewer === 'agency' ? t('ref.byAgency') : t('vs.byAgency')) : t('ref.byPolice'));
  return (
    <ol class="vs-history">
      {items.map((h, i) => (
        <li key={i}>
          <span class="small muted">{fmtDateTime(h.at)}</span> {h.from ? `${vl('vsRef', h.from)} → ` : ''}
          <strong>{vl('vsRef', h.to)}</strong>
          <span class="small muted">
            {' '}
            · {h.actor_name || side(h.by)}
          </span>
          {h.note && h.note !== 'consent withdrawn' && <div class="small prewrap">{h.note}</div>}
        </li>
      ))}
    </ol>
  );
}

function ReferralRow({ r }: { r: CaseReferral }) {
  const [open, setOpen] = useState(false);
  return (
    <li class="vs-referral" data-testid={`referral-${r.reference}`} data-status={r.status}>
      <div class="vs-referral-top">
        <span class="mono">{r.reference}</span>
        <span>{loc(r.partner.name, r.partner.name_en)}</span>
        <span class="muted">{vl('vsKind', r.kind)}</span>
        <ReferralStatusBadge status={r.status} />
        <StallBadge stall={r.stall} />
      </div>
      <p class="small prewrap">{r.need}</p>
      <div class="small muted">
        {t('vs.rf.dueShort')}
        {colon()}
        {fmtDate(r.due_at)}
        {r.partner_contact && (
          <>
            {' '}
            · {t('vs.rf.contact')}
            {colon()}
            <span class="vs-contact">{r.partner_contact}</span>
          </>
        )}
        {r.partner_note && ` · ${r.partner_note}`}
        {r.status === 'declined' && r.status_reason && ` · ${r.status_reason}`}
      </div>
      <button type="button" class="link-btn small" aria-expanded={open} onClick={() => setOpen(!open)}>
        {t('vs.rf.history')} ({r.history.length})
      </button>
      {open && <ReferralHistory items={r.history} viewer="police" />}
    </li>
  );
}

function ReferralsBlock({ c, v, support, onDone }: { c: Case; v: VictimEntry; support: VictimSupport; onDone: (s: VictimSupport) => void }) {
  const [dialog, setDialog] = useState<null | 'consent' | 'refer' | { withdraw: number }>(null);
  const m = useRun(onDone);
  const hasActive = v.consents.some((x) => x.active);
  return (
    <div class="vs-block" data-testid={`referrals-${v.pseudonym}`}>
      <div class="vs-block-head">
        <h4>{t('vs.referrals')}</h4>
        {support.can_manage && (
          <div class="btn-row">
            <button type="button" class="btn btn-secondary btn-sm" data-testid="record-consent" onClick={() => setDialog('consent')}>
              + {t('vs.recordConsent')}
            </button>
            <button type="button" class="btn btn-primary btn-sm" data-testid="refer" disabled={!hasActive} title={hasActive ? undefined : t('vs.referNeedsConsent')} onClick={() => setDialog('refer')}>
              {t('vs.refer')}
            </button>
          </div>
        )}
      </div>
      {v.consents.length === 0 ? (
        <p class="small muted">{t('vs.noConsent')}</p>
      ) : (
        <ul class="vs-list" data-testid="consent-list">
          {v.consents.map((x) => (
            <li key={x.id} data-active={x.active ? 'true' : 'false'}>
              <div>
                <strong>
                  {vl('vsGiver', x.given_by)}
                  {x.giver_relationship && `（${x.giver_relationship}）`}
                </strong>{' '}
                · {fmtDateTime(x.given_at)}{' '}
                {x.active ? <Badge tone="success">{t('vs.consentActive')}</Badge> : <Badge tone="muted">{t('vs.consentWithdrawn', { t: fmtDate(x.withdrawn_at) })}</Badge>}
              </div>
              <div class="small">
                {t('vs.consentAgencies')}
                {colon()}
                {x.agencies.map((u) => loc(u.name, u.name_en)).join(lang() === 'zh' ? '、' : ', ')}
              </div>
              <div class="small">
                {t('vs.consentFields')}
                {colon()}
                {x.fields.length ? list(x.fields, 'vsField') : t('vs.consentNoFields')}
              </div>
              {x.active && support.can_manage && (
                <button type="button" class="btn btn-ghost btn-sm" data-testid={`withdraw-${x.id}`} onClick={() => setDialog({ withdraw: x.id })}>
                  {t('vs.withdraw')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {v.referrals.length === 0 ? (
        <p class="small muted">{t('vs.noReferrals')}</p>
      ) : (
        <ul class="vs-referrals" data-testid="referral-list">
          {v.referrals.map((r) => (
            <ReferralRow key={r.id} r={r} />
          ))}
        </ul>
      )}
      {m.error && <Alert kind="error" onDismiss={() => m.setError(null)}>{m.error}</Alert>}
      {dialog === 'consent' && <ConsentDialog c={c} v={v} onDone={onDone} onClose={() => setDialog(null)} />}
      {dialog === 'refer' && <ReferDialog c={c} v={v} onDone={onDone} onClose={() => setDialog(null)} />}
      {dialog && typeof dialog === 'object' && (
        <Modal
          title={t('vs.withdraw')}
          onClose={() => setDialog(null)}
          size="sm"
          testid="withdraw-dialog"
          footer={<Footer onClose={() => setDialog(null)} form="wd-form" busy={m.busy} label={t('vs.withdraw')} testid="withdraw-submit" danger />}
        >
          <WithdrawForm
            onSubmit={async (note) => {
              const ok = await m.run(() => victimApi.withdrawConsent(c.id, dialog.withdraw, note), t('vs.withdrawn'));
              if (ok) setDialog(null);
            }}
          />
          {m.error && <Alert kind="error">{m.error}</Alert>}
        </Modal>
      )}
    </div>
  );
}

function WithdrawForm({ onSubmit }: { onSubmit: (note: string) => void }) {
  const [note, setNote] = useState('');
  return (
    <form
      id="wd-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit(note.trim());
      }}
    >
      <Alert kind="warn">{t('vs.withdrawIntro')}</Alert>
      <Field id="wd-note" label={t('vs.withdrawNote')} optionalMark>
        {(a) => <textarea {...a} rows={2} maxLength={1000} value={note} onInput={(e) => setNote(e.currentTarget.value)} />}
      </Field>
    </form>
  );
}

// ------------------------------------------------------------------ survivor code

function CodeBlock({ c, v, support, onDone }: { c: Case; v: VictimEntry; support: VictimSupport; onDone: (s: VictimSupport) => void }) {
  const [issued, setIssued] = useState<{ code: string; expires_at: string; uses_left: number } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const m = useRun(onDone);
  const issue = async () => {
    setBusy(true);
    setError(null);
    try {
      setIssued(await victimApi.issueCode(c.id, v.person_id));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const close = async () => {
    setIssued(null);
    try {
      onDone(await victimApi.support(c.id));
    } catch {
      /* the page reloads on the next action */
    }
  };
  const url = `${location.origin}${location.pathname}#/status`;
  const code = v.survivor_code;
  return (
    <div class="vs-block" data-testid={`code-${v.pseudonym}`}>
      <div class="vs-block-head">
        <h4>{t('vs.code')}</h4>
      </div>
      <p class="small muted">{t('vs.codeIntro')}</p>
      <p class="small" data-testid="code-state" data-active={code ? 'true' : 'false'} data-uses-left={code?.uses_left}>
        {code ? (
          <>
            {t('vs.codeActive', { t: fmtDate(code.expires_at), n: code.uses_left })}
            {code.last_used_at && ` · ${t('vs.codeLastUsed', { t: fmtDateTime(code.last_used_at) })}`}
          </>
        ) : (
          t('vs.codeNone')
        )}
      </p>
      {support.can_manage && (
        <div class="btn-row">
          <button type="button" class="btn btn-secondary btn-sm" data-testid="issue-code" onClick={issue} disabled={busy}>
            {code ? t('vs.reissueCode') : t('vs.issueCode')}
          </button>
          {code && (
            <button type="button" class="btn btn-ghost btn-sm" data-testid="revoke-code" onClick={() => m.run(() => victimApi.revokeCode(c.id, v.person_id), t('vs.codeRevoked'))} disabled={m.busy}>
              {t('vs.revokeCode')}
            </button>
          )}
        </div>
      )}
      {(error || m.error) && <Alert kind="error">{error ?? m.error}</Alert>}
      {issued && (
        <Modal
          title={t('vs.codeTitle')}
          onClose={close}
          size="sm"
          testid="code-dialog"
          footer={
            <button type="button" class="btn btn-primary" onClick={close} data-testid="code-done">
              {t('vs.codeDone')}
            </button>
          }
        >
          <p class="reveal-warning" role="alert">
            <span aria-hidden="true">⚠ </span>
            {t('vs.codeWarning')}
          </p>
          <dl class="vs-code-slip">
            <dt>{t('vs.codeRef')}</dt>
            <dd class="mono" data-testid="code-reference">
              {c.reference}
            </dd>
            <dt>{t('sv.code')}</dt>
            <dd class="mono vs-code" data-testid="code-value">
              {issued.code}
            </dd>
            <dt>{t('vs.codeUrl')}</dt>
            <dd class="mono small">{url}</dd>
          </dl>
          <p class="small">{t('vs.codeTerms', { t: fmtDate(issued.expires_at), n: issued.uses_left })}</p>
        </Modal>
      )}
    </div>
  );
}

// ------------------------------------------------------------------ outbox

function OutboxBlock({ v }: { v: VictimEntry }) {
  if (!v.notifications.length) return null;
  return (
    <details class="vs-block vs-outbox" data-testid={`outbox-${v.pseudonym}`}>
      <summary>
        <h4 class="vs-inline-h">{t('vs.outbox')}</h4> <span class="muted small">({v.notifications.length})</span>
      </summary>
      <p class="small muted">{t('vs.outboxIntro')}</p>
      <div class="table-wrap">
        <table class="table">
          <caption class="visually-hidden">{t('vs.outbox')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('vs.ob.when')}</th>
              <th scope="col">{t('vs.ob.kind')}</th>
              <th scope="col">{t('vs.ob.decision')}</th>
              <th scope="col">{t('vs.ob.message')}</th>
            </tr>
          </thead>
          <tbody>
            {v.notifications.map((n) => (
              <tr key={n.id} data-outbox-status={n.status}>
                <td class="nowrap small">{fmtDateTime(n.created_at)}</td>
                <td class="small">{vl('vsOutboxKind', n.kind)}</td>
                <td class="small">
                  <strong>{vl('vsOutbox', n.status)}</strong>
                  {n.channel && ` · ${vl('vsChan', n.channel)}`}
                  {(n.status === 'queued' || n.status === 'task') && ` · ${t('vs.ob.notBefore', { t: fmtDateTime(n.not_before) })}`}
                  {n.status === 'task' && ` · ${vl('vsWho', n.who)}`}
                  {n.reason && ` · ${vl('vsOutboxReason', n.reason)}`}
                </td>
                <td class="small muted">{n.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

// ------------------------------------------------------------------ the section

export function VictimSupportPanel({ c, onChange }: { c: Case; onChange: () => void }) {
  const loaded = useAsync(() => victimApi.support(c.id), [c.id]);
  // A sealed case, or one open only by break-glass, is read-only: no recording, no changes.
  const readOnly = c.read_only || c.via_break_glass;
  const s = readOnly && loaded.data
    ? { ...loaded, data: { ...loaded.data, can_record_interview: false, can_approve: false, can_manage: false } }
    : loaded;
  const done = (v: VictimSupport) => {
    s.setData(v);
    onChange(); // the case's checklist and timeline changed too
  };
  return (
    <Section title={t('vs.title')} id="victim-support" description={t('vs.intro')}>
      <div data-testid="victim-support">
        {s.error !== undefined && !s.data ? (
          <ErrorState error={s.error} onRetry={s.reload} />
        ) : !s.data ? (
          <Skeleton rows={4} />
        ) : s.data.victims.length === 0 ? (
          <Empty>{t('vs.noVictims')}</Empty>
        ) : (
          s.data.victims.map((v) => (
            <div key={v.person_id} class="vs-victim" data-testid={`victim-${v.pseudonym}`} data-person-id={v.person_id}>
              <h3 class="vs-victim-h">
                <span class="mono">{t('vs.victimHead', { p: v.pseudonym })}</span>
                {v.age_at_offence !== null && <span class="muted small"> · {t('common.yearsOld', { n: v.age_at_offence })}</span>}
                {v.minor && (
                  <>
                    {' '}
                    <Badge tone="warn">{t('vs.minor')}</Badge>
                  </>
                )}
              </h3>
              <div class="vs-grid">
                <InterviewsBlock c={c} v={v} support={s.data!} onDone={done} />
                <PreferencesBlock c={c} v={v} support={s.data!} onDone={done} />
                <ReferralsBlock c={c} v={v} support={s.data!} onDone={done} />
                <CodeBlock c={c} v={v} support={s.data!} onDone={done} />
              </div>
              <OutboxBlock v={v} />
            </div>
          ))
        )}
      </div>
    </Section>
  );
}

// ------------------------------------------------------------------ timeline and work list

const VICTIM_EVENTS = new Set([
  'interview_recorded',
  'further_interview_requested',
  'further_interview_decided',
  'contact_preferences_set',
  'contact_preferences_read',
  'consent_recorded',
  'consent_withdrawn',
  'referral_created',
  'referral_updated',
  'survivor_code_issued',
  'survivor_code_revoked',
]);

export function isVictimEvent(kind: string): boolean {
  return VICTIM_EVENTS.has(kind);
}

/** The particulars of a victim-support event on the case timeline. */
export function VictimEventDetail({ e }: { e: CaseEvent }) {
  const d = e.detail ?? {};
  const str = (k: string) => (typeof d[k] === 'string' && d[k] ? (d[k] as string) : null);
  const parts: ComponentChildren[] = [];
  const push = (node: ComponentChildren) => parts.push(<span key={parts.length}>{node}</span>);
  if (str('pseudonym')) push(<span class="mono">{str('pseudonym')}</span>);
  if (typeof d.number === 'number') push(t('vs.ev.number', { n: d.number }));
  if (str('location')) push(vl('vsLoc', str('location')));
  if (str('reference')) push(<span class="mono">{str('reference')}</span>);
  if (str('kind')) push(vl('vsKind', str('kind')));
  if (typeof d.unit_id === 'number') {
    const u = unitById(d.unit_id);
    if (u) push(loc(u.name, u.name_en));
  }
  if (str('from') && str('to')) push(`${vl('vsRef', str('from'))} → ${vl('vsRef', str('to'))}`);
  if (typeof d.approved === 'boolean') push(d.approved ? vl('vsApproval', 'approved') : vl('vsApproval', 'refused'));
  if (str('given_by')) push(vl('vsGiver', str('given_by')));
  if (Array.isArray(d.fields)) push(d.fields.length ? list(d.fields as string[], 'vsField') : t('vs.consentNoFields'));
  if (str('expires_at')) push(t('vs.ev.expires', { t: fmtDate(str('expires_at')) }));
  if (str('reason')) push(<span class="prewrap">{str('reason')}</span>);
  if (str('note')) push(<span class="prewrap">{str('note')}</span>);
  if (!parts.length) return null;
  return <div class="event-detail small">{parts.map((p, i) => [i ? ' · ' : '', p])}</div>;
}

/** Stalled referrals on the work list (a separate section, shown when there are any). */
export function ReferralAlertsSection({ items }: { items: ReferralAlert[] | undefined }) {
  if (!items || !items.length) return null;
  return (
    <Section title={t('vs.alerts')} id="work-referral-alerts" description={t('vs.alertsHint')}>
      <div class="table-wrap">
        <table class="table" data-testid="referral-alerts">
          <caption class="visually-hidden">{t('vs.alerts')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('vs.alert.case')}</th>
              <th scope="col">{t('vs.alert.victim')}</th>
              <th scope="col">{t('vs.rf.agency')}</th>
              <th scope="col">{t('vs.rf.kind')}</th>
              <th scope="col">{t('vs.rf.status')}</th>
              <th scope="col">{t('vs.alert.since')}</th>
              <th scope="col">{t('vs.alert.reason')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((a) => (
              <tr key={a.referral_id} data-referral={a.reference}>
                <td class="nowrap">
                  <a class="ref mono" href={href(`/cases/${a.case_id}`)}>
                    {a.case_reference}
                  </a>
                </td>
                <td class="mono">{a.pseudonym}</td>
                <td>{loc(a.partner.name, a.partner.name_en)}</td>
                <td>{vl('vsKind', a.kind)}</td>
                <td>
                  <ReferralStatusBadge status={a.status} />
                </td>
                <td class="nowrap">{fmtDate(a.stall === 'no_progress' ? a.updated_at : a.due_at)}</td>
                <td>
                  <StallBadge stall={a.stall} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Section>
  );
}
