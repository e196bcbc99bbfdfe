// Clue intake: client validation, debounced duplicate check, explicit "not a duplicate" confirmation.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, api, type ClueInput, type DuplicateRef, type UserRef } from '../api';
import { label, loc, t } from '../i18n';
import { href, navigate } from '../router';
import { loadIntakePrefs, saveIntakePrefs, session, teamUsers } from '../session';
import { Alert, Check, errorMessage, Field, Options, PageHeader, Spinner, toast, useTitle, Select} from '../ui';
import { checkPhone, checkResidentId, fromLocalInput, parseIntStrict, parseNum, toLocalInput, validDate } from '../validate';

interface Form {
  source: string;
  received_at: string;
  summary: string;
  track: string;
  assigned_to: string;
  offence_time: string;
  place: string;
  latitude: string;
  longitude: string;
  youngest_victim_age: string;
  victim_count: string;
  offender_count: string;
  duty_of_care: string;
  weapon: boolean;
  serious_injury: boolean;
  online_dating: boolean;
  repeat_offender: boolean;
  victim_sex: string;
  victim_age: string;
  id_name: string;
  id_number: string;
  id_phone: string;
  id_address: string;
  id_dob: string;
  suspect_description: string;
}

type Errors = Partial<Record<string, string>>;

// API field path -> the form control that shows its error.
const FIELD_IDS: Record<string, string> = {
  source: 'f-source',
  received_at: 'f-received_at',
  summary: 'f-summary',
  track: 'f-track',
  assigned_to: 'f-assigned_to',
  'facts.offence_time': 'f-offence_time',
  'facts.place': 'f-place',
  'facts.latitude': 'f-latitude',
  'facts.longitude': 'f-longitude',
  'facts.youngest_victim_age': 'f-youngest_victim_age',
  'facts.victim_count': 'f-victim_count',
  'facts.offender_count': 'f-offender_count',
  'facts.duty_of_care': 'f-duty_of_care',
  'victim.sex': 'f-victim_sex',
  'victim.age': 'f-victim_age',
  'victim.identity.name': 'f-id_name',
  'victim.identity.id_number': 'f-id_number',
  'victim.identity.phone': 'f-id_phone',
  'victim.identity.address': 'f-id_address',
  'victim.identity.date_of_birth': 'f-id_dob',
  suspect_description: 'f-suspect_description',
};

/** Maps a server `field` to one of ours: exact path, or the unique path ending with it. */
export function resolveField(field: string | undefined): string | null {
  if (!field) return null;
  if (field in FIELD_IDS) return field;
  const f = field.replace(/\[\d+\]/g, '');
  const hits = Object.keys(FIELD_IDS).filter((k) => k === f || k.endsWith(`.${f}`));
  return hits.length >= 1 ? hits[0] : null;
}

function defaults(): Form {
  const s = session();
  const prefs = loadIntakePrefs();
  const sources = s.meta.clue_sources;
  const tracks = s.meta.review_tracks.map((x) => x.track);
  return {
    source: prefs.source && sources.includes(prefs.source) ? prefs.source : '',
    received_at: toLocalInput(new Date()),
    summary: '',
    track: prefs.track && tracks.includes(prefs.track) ? prefs.track : tracks.includes('standard') ? 'standard' : (tracks[0] ?? ''),
    assigned_to: prefs.assigned_to ? String(prefs.assigned_to) : s.user.role === 'officer' ? String(s.user.id) : '',
    offence_time: '',
    place: '',
    latitude: '',
    longitude: '',
    youngest_victim_age: '',
    victim_count: '1',
    offender_count: '1',
    duty_of_care: s.meta.duty_of_care.includes('none') ? 'none' : (s.meta.duty_of_care[0] ?? ''),
    weapon: false,
    serious_injury: false,
    online_dating: false,
    repeat_offender: false,
    victim_sex: s.meta.sexes.includes('female') ? 'female' : (s.meta.sexes[0] ?? ''),
    victim_age: '',
    id_name: '',
    id_number: '',
    id_phone: '',
    id_address: '',
    id_dob: '',
    suspect_description: '',
  };
}

function validate(f: Form): Errors {
  const e: Errors = {};
  const now = Date.now() + 60_000;
  if (!f.source) e.source = t('v.required');
  const rec = fromLocalInput(f.received_at);
  if (!f.received_at || !rec) e.received_at = t('v.required');
  else if (new Date(rec).getTime() > now) e.received_at = t('v.future');
  if (!f.summary.trim()) e.summary = t('v.required');
  else if (f.summary.trim().length < 4) e.summary = t('v.minLength', { n: 4 });
  else if (f.summary.length > 4000) e.summary = t('v.tooLong', { n: 4000 });
  if (!f.track) e.track = t('v.required');
  if (f.offence_time) {
    const off = fromLocalInput(f.offence_time);
    if (!off) e['facts.offence_time'] = t('v.date');
    else if (new Date(off).getTime() > now) e['facts.offence_time'] = t('v.future');
    else if (rec && new Date(off).getTime() > new Date(rec).getTime()) e['facts.offence_time'] = t('v.afterReceived');
  }
  if (f.place.length > 500) e['facts.place'] = t('v.tooLong', { n: 500 });
  const lat = f.latitude.trim();
  const lon = f.longitude.trim();
  if (lat) {
    const v = parseNum(lat);
    if (v === null || v < -90 || v > 90) e['facts.latitude'] = t('v.numRange', { min: -90, max: 90 });
  }
  if (lon) {
    const v = parseNum(lon);
    if (v === null || v < -180 || v > 180) e['facts.longitude'] = t('v.numRange', { min: -180, max: 180 });
  }
  if (lat && !lon && !e['facts.latitude']) e['facts.longitude'] = t('v.latlonPair');
  if (lon && !lat && !e['facts.longitude']) e['facts.latitude'] = t('v.latlonPair');
  const intIn = (key: string, s: string, min: number, max: number, required = false) => {
    if (!s.trim()) {
      if (required) e[key] = t('v.required');
      return null;
    }
    const v = parseIntStrict(s);
    if (v === null || v < min || v > max) {
      e[key] = t('v.intRange', { min, max });
      return null;
    }
    return v;
  };
  const youngest = intIn('facts.youngest_victim_age', f.youngest_victim_age, 0, 120);
  intIn('facts.victim_count', f.victim_count, 1, 999, true);
  intIn('facts.offender_count', f.offender_count, 1, 999, true);
  const vage = intIn('victim.age', f.victim_age, 0, 120);
  if (youngest !== null && vage !== null && youngest > vage) e['facts.youngest_victim_age'] = t('v.youngest');
  if (f.id_number.trim()) {
    const r = checkResidentId(f.id_number);
    if (!r) e['victim.identity.id_number'] = t('v.idNumber');
    else if (f.id_dob && validDate(f.id_dob) && f.id_dob !== r.dob) e['victim.identity.date_of_birth'] = t('v.idDob');
  }
  if (f.id_phone.trim() && !checkPhone(f.id_phone)) e['victim.identity.phone'] = t('v.phone');
  if (f.id_dob) {
    if (!validDate(f.id_dob)) e['victim.identity.date_of_birth'] = t('v.date');
    else if (new Date(`${f.id_dob}T00:00:00`).getTime() > now) e['victim.identity.date_of_birth'] = t('v.future');
  }
  return e;
}

function buildBody(f: Form, confirm: boolean): ClueInput {
  const num = (s: string) => (s.trim() ? Number(s.trim()) : null);
  const body: ClueInput = {
    source: f.source,
    summary: f.summary.trim(),
    facts: {
      offence_time: fromLocalInput(f.offence_time),
      place: f.place.trim(),
      latitude: num(f.latitude),
      longitude: num(f.longitude),
      youngest_victim_age: num(f.youngest_victim_age),
      victim_count: num(f.victim_count) ?? 1,
      offender_count: num(f.offender_count) ?? 1,
      duty_of_care: f.duty_of_care || 'none',
      weapon: f.weapon,
      serious_injury: f.serious_injury,
      online_dating: f.online_dating,
      linked_series: false,
      repeat_offender: f.repeat_offender,
    },
  };
  // Optional members are left out rather than sent as null.
  for (const k of ['offence_time', 'latitude', 'longitude', 'youngest_victim_age'] as const) {
    if (body.facts[k] === null) delete body.facts[k];
  }
  const rec = fromLocalInput(f.received_at);
  if (rec) body.received_at = rec;
  if (f.track) body.track = f.track;
  if (f.assigned_to) body.assigned_to = Number(f.assigned_to);
  const identity: Record<string, string> = {};
  if (f.id_name.trim()) identity.name = f.id_name.trim();
  if (f.id_number.trim()) identity.id_number = f.id_number.trim().toUpperCase();
  if (f.id_phone.trim()) identity.phone = f.id_phone.trim();
  if (f.id_address.trim()) identity.address = f.id_address.trim();
  if (f.id_dob) identity.date_of_birth = f.id_dob;
  body.victim = { sex: f.victim_sex || 'unknown' };
  if (f.victim_age.trim()) body.victim.age = Number(f.victim_age.trim());
  if (Object.keys(identity).length) body.victim.identity = identity;
  if (f.suspect_description.trim()) body.suspect_description = f.suspect_description.trim();
  if (confirm) body.confirm_not_duplicate = true;
  return body;
}

/** Only fields that could make a clue a duplicate trigger a new check. */
function dupKey(f: Form): string {
  return JSON.stringify([f.summary.trim(), f.place.trim(), f.offence_time, f.received_at, f.source, f.id_name.trim(), f.id_number.trim(), f.id_phone.trim(), f.id_dob, f.victim_age, f.latitude, f.longitude]);
}

function worthChecking(f: Form): boolean {
  return f.summary.trim().length >= 4 || f.id_number.trim().length >= 15 || f.id_phone.trim().length >= 7 || (f.place.trim().length >= 2 && !!f.offence_time);
}

type DupState = 'idle' | 'checking' | 'done' | 'error';

export function IntakePage() {
  useTitle(t('intake.title'));
  const s = session();
  const [form, setForm] = useState<Form>(defaults);
  const [errors, setErrors] = useState<Errors>({});
  const [touched, setTouched] = useState(false);
  const [banner, setBanner] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [dups, setDups] = useState<DuplicateRef[]>([]);
  const [dupState, setDupState] = useState<DupState>('idle');
  const [confirmNotDup, setConfirmNotDup] = useState(false);
  const [officers, setOfficers] = useState<UserRef[] | null>(null);
  const remembered = useMemo(() => {
    const p = loadIntakePrefs();
    return !!(p.source || p.track);
  }, []);
  const dupGen = useRef(0);
  const dupPanel = useRef<HTMLDivElement>(null);

  useEffect(() => {
    teamUsers().then(
      (u) => setOfficers(u.filter((x) => x.role === 'officer' || x.role === 'supervisor')),
      () => setOfficers([]),
    );
  }, []);

  const set = <K extends keyof Form>(k: K, v: Form[K]) => {
    setForm((f) => {
      const next = { ...f, [k]: v };
      if (touched) setErrors(validate(next));
      return next;
    });
  };

  // Debounced duplicate check.
  const key = dupKey(form);
  useEffect(() => {
    if (!worthChecking(form)) {
      setDupState('idle');
      return undefined;
    }
    const my = ++dupGen.current;
    const timer = window.setTimeout(() => {
      void runDupCheck(my);
    }, 700);
    return () => window.clearTimeout(timer);
  }, [key]);

  const applyDups = (list: DuplicateRef[]) => {
    setDups((prev) => {
      const same = prev.length === list.length && prev.every((p, i) => p.id === list[i].id);
      if (!same) setConfirmNotDup(false);
      return list;
    });
  };

  async function runDupCheck(my: number): Promise<DuplicateRef[] | null> {
    setDupState('checking');
    try {
      const r = await api.checkDuplicates(buildBody(form, false));
      if (my !== dupGen.current) return null;
      applyDups(r.duplicates ?? []);
      setDupState('done');
      return r.duplicates ?? [];
    } catch (e) {
      if (my !== dupGen.current) return null;
      // 400: the form is not complete enough for the server to check yet.
      setDupState(e instanceof ApiError && e.status === 400 ? 'idle' : 'error');
      return null;
    }
  }

  const focusField = (path: string) => {
    const id = FIELD_IDS[path];
    const el = id ? document.getElementById(id) : null;
    el?.focus();
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    setTouched(true);
    setBanner(null);
    const v = validate(form);
    setErrors(v);
    const bad = Object.keys(v);
    if (bad.length) {
      const first = Object.keys(FIELD_IDS).find((k) => v[k]);
      if (first) focusField(first);
      return;
    }
    setSaving(true);
    try {
      // Always check again right before saving.
      const my = ++dupGen.current;
      const found = await runDupCheck(my);
      const list = found ?? dups;
      if (list.length && !confirmNotDup) {
        setBanner(t('intake.dupNeedConfirm'));
        dupPanel.current?.focus();
        return;
      }
      const clue = await api.createClue(buildBody(form, list.length > 0 && confirmNotDup));
      saveIntakePrefs({ source: form.source, track: form.track, assigned_to: form.assigned_to ? Number(form.assigned_to) : undefined });
      toast(t('intake.saved', { ref: clue.reference }));
      navigate(`/clues/${clue.id}`);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'possible_duplicate') {
        applyDups(err.problem.duplicates ?? []);
        setDupState('done');
        setConfirmNotDup(false);
        setBanner(t('intake.dupNeedConfirm'));
        dupPanel.current?.focus();
      } else if (err instanceof ApiError && err.status === 400 && err.field) {
        const path = resolveField(err.field);
        const msg = err.problem.detail || t('problem.invalid_argument');
        if (path) {
          setErrors((x) => ({ ...x, [path]: msg }));
          focusField(path);
        } else {
          setBanner(errorMessage(err));
        }
      } else {
        setBanner(errorMessage(err));
      }
    } finally {
      setSaving(false);
    }
  };

  const reset = () => {
    setForm(defaults());
    setErrors({});
    setTouched(false);
    setBanner(null);
    setDups([]);
    setDupState('idle');
    setConfirmNotDup(false);
  };

  const err = (path: string) => errors[path] ?? null;
  // The summary of problems follows the fields as they are corrected.
  const errorCount = Object.values(errors).filter(Boolean).length;
  const trackMeta = s.meta.review_tracks.find((x) => x.track === form.track);
  const isSupervisor = s.user.role === 'supervisor';
  const inp = (k: keyof Form) => ({
    value: form[k] as string,
    onInput: (e: Event) => set(k, (e.currentTarget as HTMLInputElement).value as never),
  });

  return (
    <div data-testid="intake">
      <PageHeader title={t('intake.title')} sub={t('intake.intro')} />
      <form class="intake" onSubmit={submit} noValidate data-testid="intake-form">
        <div class="intake-main">
          {errorCount > 0 ? (
            <Alert kind="error" testid="intake-banner">
              {t('intake.fixErrors', { n: errorCount })}
            </Alert>
          ) : (
            banner && (
              <Alert kind="error" testid="intake-banner" onDismiss={() => setBanner(null)}>
                {banner}
              </Alert>
            )
          )}
          {remembered && !touched && <p class="muted small">{t('intake.remembered')}</p>}

          <fieldset class="card fieldset">
            <legend>{t('intake.section.clue')}</legend>
            <div class="form-grid">
              <Field id="f-source" label={t('clue.source')} required error={err('source')}>
                {(a) => (
                  <Select {...a} value={form.source} onChange={(e) => set('source', e.currentTarget.value)} data-testid="f-source">
                    <Options values={s.meta.clue_sources} group="source" placeholder={t('common.select')} />
                  </Select>
                )}
              </Field>
              <Field id="f-received_at" label={t('clue.receivedAt')} required error={err('received_at')}>
                {(a) => (
                  <div class="input-row">
                    <input {...a} type="datetime-local" max={toLocalInput(new Date())} {...inp('received_at')} />
                    <button type="button" class="btn btn-secondary btn-sm" onClick={() => set('received_at', toLocalInput(new Date()))}>
                      {t('intake.receivedNow')}
                    </button>
                  </div>
                )}
              </Field>
              <Field id="f-summary" class="span-2" label={t('clue.summary')} required error={err('summary')}>
                {(a) => <textarea {...a} rows={4} maxLength={4000} {...inp('summary')} data-testid="f-summary" />}
              </Field>
              <Field id="f-track" label={t('clue.track')} required error={err('track')} hint={trackMeta ? loc(trackMeta.basis, trackMeta.basis_en) : undefined}>
                {(a) => (
                  <Select {...a} value={form.track} onChange={(e) => set('track', e.currentTarget.value)}>
                    {s.meta.review_tracks.map((tr) => (
                      <option key={tr.track} value={tr.track} disabled={tr.requires_approval && !isSupervisor}>
                        {t('intake.trackDays', { label: label('track', tr.track), days: tr.days })}
                        {tr.requires_approval ? ` · ${t('intake.trackApproval')}` : ''}
                      </option>
                    ))}
                  </Select>
                )}
              </Field>
              <Field id="f-assigned_to" label={t('clue.assignedTo')} error={err('assigned_to')}>
                {(a) => (
                  <Select {...a} value={form.assigned_to} onChange={(e) => set('assigned_to', e.currentTarget.value)} disabled={officers === null}>
                    <option value="">{t('common.unassigned')}</option>
                    {form.assigned_to && officers !== null && !officers.some((o) => String(o.id) === form.assigned_to) && String(s.user.id) === form.assigned_to && (
                      <option value={String(s.user.id)}>{`${s.user.display_name}${t('intake.assignSelf')}`}</option>
                    )}
                    {(officers ?? []).map((o) => (
                      <option key={o.id} value={String(o.id)}>
                        {o.display_name}
                        {o.id === s.user.id ? t('intake.assignSelf') : ''} · {label('role', o.role)}
                      </option>
                    ))}
                  </Select>
                )}
              </Field>
            </div>
          </fieldset>

          <fieldset class="card fieldset">
            <legend>{t('intake.section.facts')}</legend>
            <div class="form-grid">
              <Field id="f-offence_time" label={t('intake.offenceTime')} hint={t('intake.offenceTimeHint')} error={err('facts.offence_time')}>
                {(a) => <input {...a} type="datetime-local" {...inp('offence_time')} />}
              </Field>
              <Field id="f-place" label={t('intake.place')} hint={t('intake.placeHint')} error={err('facts.place')}>
                {(a) => <input {...a} maxLength={500} {...inp('place')} />}
              </Field>
              <Field id="f-latitude" label={t('intake.latitude')} hint={t('intake.coordsHint')} error={err('facts.latitude')} optionalMark>
                {(a) => <input {...a} inputMode="decimal" {...inp('latitude')} />}
              </Field>
              <Field id="f-longitude" label={t('intake.longitude')} hint={t('intake.coordsHint')} error={err('facts.longitude')} optionalMark>
                {(a) => <input {...a} inputMode="decimal" {...inp('longitude')} />}
              </Field>
              <Field id="f-youngest_victim_age" label={t('intake.youngestAge')} hint={t('intake.youngestAgeHint')} error={err('facts.youngest_victim_age')}>
                {(a) => <input {...a} type="number" min={0} max={120} step={1} inputMode="numeric" {...inp('youngest_victim_age')} />}
              </Field>
              <div class="field-pair">
                <Field id="f-victim_count" label={t('intake.victimCount')} required error={err('facts.victim_count')}>
                  {(a) => <input {...a} type="number" min={1} max={999} step={1} inputMode="numeric" {...inp('victim_count')} />}
                </Field>
                <Field id="f-offender_count" label={t('intake.offenderCount')} required error={err('facts.offender_count')}>
                  {(a) => <input {...a} type="number" min={1} max={999} step={1} inputMode="numeric" {...inp('offender_count')} />}
                </Field>
              </div>
              <Field id="f-duty_of_care" label={t('intake.dutyOfCare')} hint={t('intake.dutyOfCareHint')} error={err('facts.duty_of_care')}>
                {(a) => (
                  <Select {...a} value={form.duty_of_care} onChange={(e) => set('duty_of_care', e.currentTarget.value)}>
                    <Options values={s.meta.duty_of_care} group="duty" />
                  </Select>
                )}
              </Field>
              <fieldset class="checks">
                <legend class="field-label">{t('intake.flags')}</legend>
                <Check id="f-weapon" checked={form.weapon} onChange={(v) => set('weapon', v)}>
                  {t('intake.weapon')}
                </Check>
                <Check id="f-serious_injury" checked={form.serious_injury} onChange={(v) => set('serious_injury', v)}>
                  {t('intake.seriousInjury')}
                </Check>
                <Check id="f-online_dating" checked={form.online_dating} onChange={(v) => set('online_dating', v)}>
                  {t('intake.onlineDating')}
                </Check>
                <Check id="f-repeat_offender" checked={form.repeat_offender} onChange={(v) => set('repeat_offender', v)}>
                  {t('intake.repeatOffender')}
                </Check>
              </fieldset>
            </div>
          </fieldset>

          <fieldset class="card fieldset">
            <legend>{t('intake.section.victim')}</legend>
            <div class="form-grid">
              <Field id="f-victim_sex" label={t('intake.victimSex')} error={err('victim.sex')}>
                {(a) => (
                  <Select {...a} value={form.victim_sex} onChange={(e) => set('victim_sex', e.currentTarget.value)}>
                    <Options values={s.meta.sexes} group="sex" />
                  </Select>
                )}
              </Field>
              <Field id="f-victim_age" label={t('intake.victimAge')} error={err('victim.age')}>
                {(a) => <input {...a} type="number" min={0} max={120} step={1} inputMode="numeric" {...inp('victim_age')} />}
              </Field>
            </div>
            <div class="protected-box" role="group" aria-labelledby="identity-h" data-testid="identity-box">
              <h3 id="identity-h" class="protected-title">
                <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true">
                  <path d="M7 10V8a5 5 0 0 1 10 0v2h1v11H6V10h1Zm2 0h6V8a3 3 0 0 0-6 0v2Z" fill="currentColor" />
                </svg>
                {t('intake.section.identity')}
              </h3>
              <p class="small protected-note">{t('intake.identityNote')}</p>
              <div class="form-grid">
                <Field id="f-id_name" label={t('intake.idName')} error={err('victim.identity.name')}>
                  {(a) => <input {...a} autoComplete="off" {...inp('id_name')} />}
                </Field>
                <Field id="f-id_number" label={t('intake.idNumber')} hint={t('intake.idNumberHint')} error={err('victim.identity.id_number')}>
                  {(a) => <input {...a} autoComplete="off" maxLength={18} spellcheck={false} class="mono" {...inp('id_number')} />}
                </Field>
                <Field id="f-id_phone" label={t('intake.phone')} error={err('victim.identity.phone')}>
                  {(a) => <input {...a} type="tel" autoComplete="off" {...inp('id_phone')} />}
                </Field>
                <Field id="f-id_dob" label={t('intake.dob')} error={err('victim.identity.date_of_birth')}>
                  {(a) => <input {...a} type="date" autoComplete="off" {...inp('id_dob')} />}
                </Field>
                <Field id="f-id_address" class="span-2" label={t('intake.address')} error={err('victim.identity.address')}>
                  {(a) => <input {...a} autoComplete="off" {...inp('id_address')} />}
                </Field>
              </div>
            </div>
          </fieldset>

          <fieldset class="card fieldset">
            <legend>{t('intake.section.suspect')}</legend>
            <Field id="f-suspect_description" label={t('clue.suspectDescription')} hint={t('intake.suspectHint')} error={err('suspect_description')}>
              {(a) => <textarea {...a} rows={3} {...inp('suspect_description')} />}
            </Field>
          </fieldset>
        </div>

        <aside class="intake-side">
          <div class="card side-card" ref={dupPanel} tabIndex={-1} data-testid="dup-panel" aria-labelledby="dup-h">
            <h2 id="dup-h" class="side-title">
              {t('intake.dupCheck')}
            </h2>
            <div class="dup-status" aria-live="polite" data-testid="dup-status" data-state={dupState} data-count={dups.length}>
              {dupState === 'checking' && (
                <span class="muted">
                  <Spinner label={t('intake.checking')} /> {t('intake.checking')}
                </span>
              )}
              {dupState === 'done' && dups.length > 0 && <span class="muted">{t('intake.dupChecked')}</span>}
              {dupState === 'done' && dups.length === 0 && (
                <span class="ok-text">
                  <span aria-hidden="true">✓ </span>
                  {t('intake.noDup')}
                </span>
              )}
              {dupState === 'error' && <span class="muted">{t('intake.dupFailed')}</span>}
              {dupState === 'idle' && <span class="muted">{t('intake.dupIdle')}</span>}
            </div>
            {dups.length > 0 && (
              <div class="dup-box" data-testid="dup-warning">
                <p class="dup-title">
                  <span aria-hidden="true">⚠ </span>
                  {t('intake.dupTitle', { n: dups.length })}
                </p>
                <p class="small">{t('intake.dupIntro')}</p>
                <ul class="dup-list">
                  {dups.map((d) => (
                    <li key={d.id}>
                      <a href={href(`/clues/${d.id}`)} target="_blank" rel="noopener" class="ref">
                        {d.reference}
                      </a>
                      <span class="small muted"> {label('dupReason', d.reason)}</span>
                    </li>
                  ))}
                </ul>
                <Check id="f-confirm-not-dup" checked={confirmNotDup} onChange={setConfirmNotDup}>
                  {t('intake.dupConfirm')}
                </Check>
              </div>
            )}
            <div class="side-actions">
              <button type="submit" class="btn btn-primary btn-block" disabled={saving} data-testid="intake-save">
                {saving ? t('intake.saving') : t('intake.save')}
              </button>
              <button type="button" class="btn btn-ghost btn-block" onClick={reset} disabled={saving}>
                {t('intake.clear')}
              </button>
            </div>
          </div>
        </aside>
      </form>
    </div>
  );
}
