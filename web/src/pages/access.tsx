// Need-to-know access in the UI: the case page's sensitivity panel, banners (sealed, break-glass)
// and placeholders for sections left out for the caller; the calm "cannot open" page with the
// break-glass form (also reachable by case reference from the case list); break-glass alerts on
// the work list; and the break-glass review for supervisors and privacy officers (a tab of the
// audit page). The server decides everything; the UI only explains it.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  accessApi,
  BREAK_GLASS_MAX_REASON,
  BREAK_GLASS_MIN_REASON,
  CASE_SECTIONS,
  type BreakGlassGrant,
  type CaseSection,
  type SensitivityInput,
  type UserAlert,
} from '../access-api';
import { ApiError, api, type Case } from '../api';
import { colon, fmtDateTime, fmtTimeOfDay, label, lang, t } from '../i18n';
import type { MessageKey } from '../locales/zh';
import { href, navigate } from '../router';
import { can, purposeStore, session } from '../session';
import { useStore } from '../store';
import { LabelBadges } from '../tables';
import { Alert, Badge, Check, DL, Empty, errorMessage, ErrorState, Field, Modal, PageHeader, Section, Skeleton, toast, useAsync, useTitle } from '../ui';

/**
 * Form errors as functions, so that a message follows the UI language when it changes while shown.
 */
type Errors = Record<string, () => string>;

/** `errs` without `key` (the same object when it has none). */
function without(errs: Errors, key: string): Errors {
  if (!(key in errs)) return errs;
  const rest = { ...errs };
  delete rest[key];
  return rest;
}

/** Characters as the server counts them (code points, not UTF-16 units). */
function chars(s: string): number {
  return [...s].length;
}

function listSep(): string {
  return lang() === 'zh' ? '、' : ', ';
}

/** A translated sentence with components in place of its {placeholders}. */
function sentence(key: MessageKey, parts: Record<string, ComponentChildren>): ComponentChildren[] {
  return t(key)
    .split(/(\{\w+\})/)
    .filter(Boolean)
    .map((piece, i) => {
      const m = /^\{(\w+)\}$/.exec(piece);
      return m && m[1] in parts ? <span key={i}>{parts[m[1]]}</span> : piece;
    });
}

function LockIcon({ size = 20 }: { size?: number }) {
  return (
    <svg viewBox="0 0 24 24" width={size} height={size} aria-hidden="true" class="access-icon">
      <path d="M7 10V8a5 5 0 0 1 10 0v2h1v11H6V10h1Zm2 0h6V8a3 3 0 0 0-6 0v2Z" fill="currentColor" />
    </svg>
  );
}

function WarnIcon({ size = 22 }: { size?: number }) {
  return (
    <svg viewBox="0 0 24 24" width={size} height={size} aria-hidden="true" class="access-icon">
      <path d="M12 2 1 21h22L12 2Zm0 6 .9 7h-1.8L12 8Zm0 9.2a1.2 1.2 0 1 1 0 2.4 1.2 1.2 0 0 1 0-2.4Z" fill="currentColor" />
    </svg>
  );
}

// ------------------------------------------------------------------ case page

/** Whether the caller may change anything on the case: role, not sealed, not a break-glass view. */
export function mayEdit(c: Case): boolean {
  return can('editCase') && !c.read_only && !c.via_break_glass;
}

/** The prominent notices of a case opened by break-glass, or sealed by court order. */
export function CaseAccessBanners({ c }: { c: Case }) {
  return (
    <>
      {c.via_break_glass && (
        <div class="access-banner access-banner-danger" role="alert" data-testid="break-glass-banner">
          <WarnIcon />
          <div>
            <p class="access-banner-title">{t('bg.bannerTitle')}</p>
            <p>{t('bg.banner', { time: fmtTimeOfDay(c.break_glass_expires_at) })}</p>
          </div>
        </div>
      )}
      {c.read_only && (
        <div class="access-banner access-banner-sealed" role="note" data-testid="sealed-banner">
          <LockIcon />
          <div>
            <p class="access-banner-title">{t('sealed.bannerTitle')}</p>
            <p>{t('sealed.banner', { ref: c.seal_reference || '–' })}</p>
          </div>
        </div>
      )}
    </>
  );
}

/** Page id of each case section (the case page's anchors). */
export const SECTION_ID: Record<CaseSection, string> = {
  persons: 'persons',
  victim_support: 'victim-support',
  actions: 'actions',
  timeline: 'timeline',
};

/** Stands in for a section the server left out for this caller, saying why (never an empty list). */
export function RestrictedSection({ c, section }: { c: Case; section: CaseSection }) {
  const purpose = useStore(purposeStore);
  const aboutPeople = section === 'persons' || section === 'victim_support';
  const why =
    aboutPeople && purpose === 'analysis'
      ? 'analysis'
      : c.restricted_sections.includes(section)
        ? 'team'
        : aboutPeople && (c.labels ?? []).includes('minor_victim')
          ? 'minor'
          : 'team';
  return (
    <Section title={label('section', section)} id={SECTION_ID[section]} class="restricted-section">
      <div class="restricted-note" role="note" data-testid={`restricted-${section}`} data-reason={why}>
        <LockIcon />
        <div>
          <p class="restricted-title">{why === 'analysis' ? t('restricted.analysisTitle') : t('restricted.title')}</p>
          <p class="small">{t(`restricted.${why}` as MessageKey)}</p>
        </div>
      </div>
    </Section>
  );
}

/** Labels and restricted sections of a case, for supervisors over the owning unit (can_label). */
export function SensitivityPanel({ c, onUpdate }: { c: Case; onUpdate: (c: Case) => void }) {
  const [open, setOpen] = useState(false);
  const labels = c.labels ?? [];
  return (
    <Section
      title={t('sens.title')}
      id="sensitivity"
      description={t('sens.intro')}
      actions={
        <button type="button" class="btn btn-secondary btn-sm" onClick={() => setOpen(true)} data-testid="sensitivity-change">
          {t('sens.change')}
        </button>
      }
    >
      <div data-testid="sensitivity-panel">
        <DL
          items={[
            [
              t('sens.labels'),
              labels.length ? (
                <span class="flags">
                  <LabelBadges labels={labels} sealReference={c.seal_reference} />
                </span>
              ) : (
                <span class="muted">{t('sens.none')}</span>
              ),
            ],
            [
              t('sens.sections'),
              c.restricted_sections.length ? c.restricted_sections.map((s) => label('section', s)).join(listSep()) : <span class="muted">{t('sens.noSections')}</span>,
            ],
          ]}
        />
      </div>
      {open && <SensitivityDialog c={c} onUpdate={onUpdate} onClose={() => setOpen(false)} />}
    </Section>
  );
}

function SensitivityDialog({ c, onUpdate, onClose }: { c: Case; onUpdate: (c: Case) => void; onClose: () => void }) {
  const labels = c.labels ?? [];
  const wasRestricted = labels.includes('restricted');
  const wasSealed = labels.includes('sealed');
  const [restricted, setRestricted] = useState(wasRestricted);
  const [sealed, setSealed] = useState(wasSealed);
  const [sealRef, setSealRef] = useState(c.seal_reference ?? '');
  const [sections, setSections] = useState<string[]>(c.restricted_sections);
  const [reason, setReason] = useState('');
  const [step, setStep] = useState<'edit' | 'confirm'>('edit');
  const [errs, setErrs] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const ordered = CASE_SECTIONS.filter((s) => sections.includes(s));
  const sameSections = ordered.join() === CASE_SECTIONS.filter((s) => c.restricted_sections.includes(s)).join();
  const ref = sealRef.trim();
  const changes: string[] = [];
  if (restricted !== wasRestricted) changes.push(restricted ? t('sens.will.restrict') : t('sens.will.unrestrict'));
  if (sealed && !wasSealed) changes.push(t('sens.will.seal', { ref }));
  else if (sealed && ref !== c.seal_reference) changes.push(t('sens.will.reseal', { ref }));
  else if (!sealed && wasSealed) changes.push(t('sens.will.unseal'));
  if (!sameSections) changes.push(t('sens.will.sections', { list: ordered.length ? ordered.map((s) => label('section', s)).join(listSep()) : t('sens.noSections') }));

  const next = (e: Event) => {
    e.preventDefault();
    const er: Errors = {};
    if (sealed && !ref) er.sealRef = () => t('v.required');
    if (!reason.trim()) er.reason = () => t('v.required');
    if (!changes.length) er.form = () => t('sens.nothing');
    setErrs(er);
    setError(null);
    if (Object.keys(er).length === 0) setStep('confirm');
  };
  const apply = async () => {
    const body: SensitivityInput = { reason: reason.trim() };
    if (restricted !== wasRestricted) body.restricted = restricted;
    if (sealed !== wasSealed || (sealed && ref !== c.seal_reference)) {
      body.sealed = sealed;
      if (sealed) body.seal_reference = ref;
    }
    if (!sameSections) body.restricted_sections = ordered;
    setBusy(true);
    setError(null);
    try {
      const nc = await accessApi.setSensitivity(c.id, body);
      toast(t('sens.saved'));
      onUpdate(nc);
      onClose();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const toggleSection = (s: string, on: boolean) => setSections((xs) => (on ? [...xs.filter((x) => x !== s), s] : xs.filter((x) => x !== s)));

  return (
    <Modal
      title={step === 'edit' ? t('sens.dialogTitle') : t('sens.confirmTitle')}
      onClose={onClose}
      testid="sensitivity-dialog"
      footer={
        step === 'edit' ? (
          <>
            <button type="button" class="btn btn-ghost" onClick={onClose}>
              {t('common.cancel')}
            </button>
            <button key="next" type="submit" form="sensitivity-form" class="btn btn-primary" data-testid="sensitivity-next">
              {t('sens.next')}
            </button>
          </>
        ) : (
          <>
            <button type="button" class="btn btn-ghost" onClick={() => setStep('edit')} disabled={busy}>
              {t('sens.back')}
            </button>
            <button key="apply" type="button" class="btn btn-danger" onClick={apply} disabled={busy} data-testid="sensitivity-apply">
              {busy ? t('common.saving') : t('sens.apply')}
            </button>
          </>
        )
      }
    >
      {step === 'edit' ? (
        <form id="sensitivity-form" onSubmit={next} noValidate>
          <div class="checks sens-checks">
            <Check id="sens-restricted" checked={restricted} onChange={setRestricted}>
              {t('sens.restricted')}
            </Check>
            <Check id="sens-sealed" checked={sealed} onChange={setSealed}>
              {t('sens.sealed')}
            </Check>
          </div>
          {sealed && (
            <Field id="sens-seal-ref" label={t('sens.sealReference')} required hint={t('sens.sealReferenceHint')} error={errs.sealRef?.()}>
              {(a) => <input {...a} value={sealRef} maxLength={200} autoComplete="off" onInput={(e) => setSealRef(e.currentTarget.value)} data-testid="sensitivity-seal-ref" />}
            </Field>
          )}
          <fieldset class="fieldset">
            <legend>{t('sens.sectionsLegend')}</legend>
            <div class="checks">
              {CASE_SECTIONS.map((s) => (
                <Check key={s} id={`sens-sec-${s}`} checked={sections.includes(s)} onChange={(v) => toggleSection(s, v)}>
                  {label('section', s)}
                </Check>
              ))}
            </div>
          </fieldset>
          <p class="small muted">{t('sens.minorNote')}</p>
          <Field id="sens-reason" label={t('sens.reason')} required hint={t('sens.reasonHint')} error={errs.reason?.()}>
            {(a) => <textarea {...a} rows={3} maxLength={1000} value={reason} onInput={(e) => setReason(e.currentTarget.value)} data-testid="sensitivity-reason" />}
          </Field>
          {errs.form && <Alert kind="warn">{errs.form()}</Alert>}
        </form>
      ) : (
        <div data-testid="sensitivity-confirm">
          <ul class="change-list">
            {changes.map((x) => (
              <li key={x}>{x}</li>
            ))}
          </ul>
          <p class="small">
            <span class="muted">
              {t('sens.reason')}
              {colon()}
            </span>
            <span class="prewrap">{reason.trim()}</span>
          </p>
          {error && <Alert kind="error">{error}</Alert>}
        </div>
      )}
    </Modal>
  );
}

// ------------------------------------------------------------------ break-glass

/**
 * The emergency-access form: a reason of at least 10 characters (with a counter), what happens
 * next, and an explicit confirmation. By case id (the case page) or by a reference the user types.
 */
export function BreakGlassForm({
  caseId,
  reference: initialReference = '',
  onGranted,
  onAlreadyOpen,
  onCancel,
  idPrefix = 'bg',
}: {
  caseId?: number;
  reference?: string;
  onGranted: (g: BreakGlassGrant) => void;
  onAlreadyOpen?: () => void;
  onCancel?: () => void;
  idPrefix?: string;
}) {
  const [reference, setReference] = useState(initialReference);
  const [reason, setReason] = useState('');
  const [confirmed, setConfirmed] = useState(false);
  const [errs, setErrs] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const first = useRef<HTMLTextAreaElement>(null);
  // An error goes away as soon as what it asked for is there.
  const clear = (key: string) => setErrs((e) => without(e, key));
  useEffect(() => {
    if (caseId || initialReference) first.current?.focus();
  }, []);
  const n = chars(reason.trim());
  const submit = async (e: Event) => {
    e.preventDefault();
    const er: Errors = {};
    if (!caseId && !reference.trim()) er.reference = () => t('v.required');
    if (n < BREAK_GLASS_MIN_REASON) er.reason = () => t('bg.tooShort', { n: BREAK_GLASS_MIN_REASON });
    if (!confirmed) er.confirm = () => t('bg.confirmRequired');
    setErrs(er);
    setError(null);
    if (Object.keys(er).length) return;
    setBusy(true);
    try {
      const g = await accessApi.breakGlass(caseId ? { case_id: caseId, reason: reason.trim() } : { reference: reference.trim().toUpperCase(), reason: reason.trim() });
      toast(t('bg.granted', { time: fmtTimeOfDay(g.expires_at) }));
      onGranted(g);
    } catch (ex) {
      if (ex instanceof ApiError && ex.status === 404) setError(t('bg.notPossible'));
      else if (ex instanceof ApiError && ex.status === 409) {
        if (onAlreadyOpen) onAlreadyOpen();
        else setError(t('bg.alreadyOpen'));
      } else if (ex instanceof ApiError && ex.status === 400 && (ex.field === 'reason' || ex.field === 'reference')) {
        setErrs({ [ex.field]: () => errorMessage(ex) });
      } else setError(errorMessage(ex));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} noValidate class="bg-form" data-testid="break-glass-form">
      {!caseId && (
        <Field id={`${idPrefix}-reference`} label={t('bg.reference')} required hint={t('bg.referenceHint')} error={errs.reference?.()}>
          {(a) => (
            <input
              {...a}
              class="mono"
              value={reference}
              maxLength={40}
              autoComplete="off"
              spellcheck={false}
              onInput={(e) => {
                setReference(e.currentTarget.value);
                if (e.currentTarget.value.trim()) clear('reference');
              }}
              data-testid="break-glass-reference"
            />
          )}
        </Field>
      )}
      <Field id={`${idPrefix}-reason`} label={t('bg.reason')} required hint={t('bg.reasonHint', { n: BREAK_GLASS_MIN_REASON })} error={errs.reason?.()}>
        {(a) => (
          <>
            <textarea
              {...a}
              ref={first}
              rows={3}
              maxLength={BREAK_GLASS_MAX_REASON}
              value={reason}
              onInput={(e) => {
                setReason(e.currentTarget.value);
                if (chars(e.currentTarget.value.trim()) >= BREAK_GLASS_MIN_REASON) clear('reason');
              }}
              data-testid="break-glass-reason"
            />
            <span class={`counter ${n >= BREAK_GLASS_MIN_REASON ? 'counter-ok' : ''}`} data-testid="break-glass-counter" data-count={n}>
              {n >= BREAK_GLASS_MIN_REASON ? <span aria-hidden="true">✓ </span> : null}
              {t('bg.counter', { n, min: BREAK_GLASS_MIN_REASON })}
            </span>
          </>
        )}
      </Field>
      <div class="bg-warning" role="note">
        <WarnIcon size={18} />
        <div>
          <p>
            <strong>{t('bg.warnTitle')}</strong>
          </p>
          <ul>
            <li>{t('bg.warn1')}</li>
            <li>{t('bg.warn2')}</li>
            <li>{t('bg.warn3')}</li>
          </ul>
        </div>
      </div>
      <Check
        id={`${idPrefix}-confirm`}
        checked={confirmed}
        onChange={(v) => {
          setConfirmed(v);
          if (v) clear('confirm');
        }}
      >
        {t('bg.confirm')}
      </Check>
      <p class="field-error" role={errs.confirm ? 'alert' : undefined} data-testid={errs.confirm ? 'error-confirm' : undefined}>
        {errs.confirm?.() ?? ''}
      </p>
      {error && <Alert kind="error">{error}</Alert>}
      <div class="btn-row">
        <button type="submit" class="btn btn-danger" disabled={busy} data-testid="break-glass-submit">
          {busy ? t('bg.submitting') : t('bg.submit')}
        </button>
        {onCancel && (
          <button type="button" class="btn btn-ghost" onClick={onCancel} disabled={busy}>
            {t('common.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}

/**
 * What a case page shows when the case cannot be opened (404: unknown, or out of the caller's
 * scope — the two are not told apart). Users who may break glass get the emergency form.
 */
export function CaseDenied({ id, onOpened }: { id: number; onOpened: () => void }) {
  const [open, setOpen] = useState(false);
  return (
    <div data-testid="case-denied" data-case-id={id}>
      <PageHeader title={t('denied.title')} sub={t('denied.caseNo', { id })} />
      <div class="card denied-card">
        <span class="denied-icon">
          <LockIcon size={28} />
        </span>
        <div>
          <p>{t('denied.body')}</p>
          <p class="muted">{t('denied.next')}</p>
          <a href={href('/cases')} class="btn btn-secondary">
            ‹ {t('case.back')}
          </a>
        </div>
      </div>
      {can('breakGlass') && (
        <Section title={t('bg.title')} id="break-glass" description={t('bg.intro')}>
          {open ? (
            <BreakGlassForm caseId={id} onGranted={onOpened} onAlreadyOpen={onOpened} onCancel={() => setOpen(false)} />
          ) : (
            <button type="button" class="btn btn-secondary" onClick={() => setOpen(true)} data-testid="break-glass-start">
              {t('bg.start')}
            </button>
          )}
        </Section>
      )}
    </div>
  );
}

/**
 * "Open by reference" (case list): opens the case when it is open to the caller; otherwise says so
 * and offers break-glass with the reference filled in.
 */
export function OpenByReference({ onClose, initial = '' }: { onClose: () => void; initial?: string }) {
  const [reference, setReference] = useState(initial);
  const [err, setErr] = useState<(() => string) | null>(null);
  const [busy, setBusy] = useState(false);
  const [missing, setMissing] = useState<string | null>(null);
  const find = async (e: Event) => {
    e.preventDefault();
    const r = reference.trim().toUpperCase();
    if (!r) {
      setErr(() => () => t('v.required'));
      return;
    }
    setErr(null);
    setBusy(true);
    try {
      const list = await api.cases({ q: r, limit: 10 });
      const hit = list.items.find((c) => c.reference.toUpperCase() === r);
      if (hit) {
        onClose();
        navigate(`/cases/${hit.id}`);
      } else setMissing(r);
    } catch (ex) {
      setErr(() => () => errorMessage(ex));
    } finally {
      setBusy(false);
    }
  };
  const opened = (g: BreakGlassGrant) => {
    onClose();
    navigate(`/cases/${g.case_id}`);
  };
  return (
    <Modal
      title={t('openRef.title')}
      onClose={onClose}
      testid="open-ref-dialog"
      footer={
        missing === null ? (
          <>
            <button type="button" class="btn btn-ghost" onClick={onClose}>
              {t('common.cancel')}
            </button>
            <button type="submit" form="open-ref-form" class="btn btn-primary" disabled={busy} data-testid="open-ref-submit">
              {busy ? t('openRef.searching') : t('openRef.open')}
            </button>
          </>
        ) : undefined
      }
    >
      {missing === null ? (
        <form id="open-ref-form" onSubmit={find} noValidate>
          <Field id="open-ref" label={t('bg.reference')} required hint={t('bg.referenceHint')} error={err?.()}>
            {(a) => <input {...a} class="mono" value={reference} maxLength={40} autoComplete="off" spellcheck={false} onInput={(e) => setReference(e.currentTarget.value)} data-testid="open-ref-input" />}
          </Field>
        </form>
      ) : (
        <div data-testid="open-ref-missing">
          <Alert kind="info">{t('openRef.notVisible', { ref: missing })}</Alert>
          {can('breakGlass') ? (
            <>
              <h3 class="group-title">{t('bg.title')}</h3>
              <p class="small muted">{t('bg.intro')}</p>
              <BreakGlassForm reference={missing} idPrefix="bg-ref" onGranted={opened} onCancel={onClose} />
            </>
          ) : (
            <div class="btn-row">
              <button type="button" class="btn btn-secondary" onClick={onClose}>
                {t('common.close')}
              </button>
            </div>
          )}
        </div>
      )}
    </Modal>
  );
}

// ------------------------------------------------------------------ work list alerts

/** Unread alerts (break-glass on my cases): who, which case, why, when; each can be marked read. */
export function AccessAlertsSection({ items }: { items: UserAlert[] | undefined }) {
  const [read, setRead] = useState<number[]>([]);
  const [busy, setBusy] = useState<number | null>(null);
  const list = (items ?? []).filter((a) => !read.includes(a.id));
  if (!list.length) return null;
  const markRead = async (a: UserAlert) => {
    setBusy(a.id);
    try {
      await accessApi.markRead(a.id);
      setRead((r) => [...r, a.id]);
      toast(t('alerts.marked'));
    } catch (e) {
      toast(errorMessage(e), 'error');
    } finally {
      setBusy(null);
    }
  };
  return (
    <Section
      title={
        <>
          {t('alerts.title')} <Badge tone="danger">{list.length}</Badge>
        </>
      }
      id="work-alerts"
      class="alerts-card"
      description={t('alerts.hint')}
    >
      <ul class="alert-list" data-testid="access-alerts">
        {list.map((a) => {
          const ref = a.case_reference || a.detail.reference || '';
          return (
            <li key={a.id} class="alert-item" data-alert-id={a.id} data-kind={a.kind} data-case-reference={ref}>
              <div class="alert-item-main">
                <p class="alert-item-head">
                  <Badge tone="danger">
                    <span aria-hidden="true">⚠ </span>
                    {a.kind === 'break_glass' ? t('alerts.kind.break_glass') : a.kind}
                  </Badge>{' '}
                  {sentence('alerts.openedBy', {
                    who: <strong>{a.detail.by || '–'}</strong>,
                    ref: a.case_id ? (
                      <a class="ref mono" href={href(`/cases/${a.case_id}`)}>
                        {ref}
                      </a>
                    ) : (
                      <span class="mono">{ref}</span>
                    ),
                  })}
                </p>
                {a.detail.reason && (
                  <p class="small prewrap">
                    <span class="muted">
                      {t('alerts.reason')}
                      {colon()}
                    </span>
                    {a.detail.reason}
                  </p>
                )}
                <p class="small muted">
                  <time dateTime={a.created_at}>{fmtDateTime(a.created_at)}</time>
                </p>
              </div>
              <div class="btn-row">
                {a.kind === 'break_glass' && can('reviewBreakGlass') && (
                  <a class="btn btn-secondary btn-sm" href={href('/audit/break-glass')} data-testid="alert-review">
                    {t('alerts.review')}
                  </a>
                )}
                <button
                  type="button"
                  class="btn btn-ghost btn-sm"
                  onClick={() => markRead(a)}
                  disabled={busy === a.id}
                  aria-label={`${t('alerts.markRead')}${colon()}${ref}`}
                  data-testid="alert-mark-read"
                >
                  {t('alerts.markRead')}
                </button>
              </div>
            </li>
          );
        })}
      </ul>
    </Section>
  );
}

// ------------------------------------------------------------------ break-glass review

/** Tabs of the audit area: the audit trail and the break-glass review. */
export function AuditTabs({ active }: { active: 'audit' | 'break-glass' }) {
  if (!can('reviewBreakGlass') || !can('audit')) return null;
  const tab = (key: 'audit' | 'break-glass', path: string, text: string) => (
    <a href={href(path)} class={`tab ${active === key ? 'is-active' : ''}`} aria-current={active === key ? 'page' : undefined} data-testid={`tab-${key}`}>
      {text}
    </a>
  );
  return (
    <nav class="tabs" aria-label={t('audit.tabs')}>
      {tab('audit', '/audit', t('audit.tab'))}
      {tab('break-glass', '/audit/break-glass', t('review.tab'))}
    </nav>
  );
}

function ReviewState({ g }: { g: BreakGlassGrant }) {
  if (g.reviewed_at === null) return <Badge tone="warn">{t('review.pending')}</Badge>;
  return (
    <div>
      {g.justified ? <Badge tone="success">✓ {t('review.justified')}</Badge> : <Badge tone="danger">✗ {t('review.notJustified')}</Badge>}
      <div class="small muted">{t('review.by', { name: g.reviewer_name || '–', time: fmtDateTime(g.reviewed_at) })}</div>
      {g.review_note && <div class="small prewrap">{g.review_note}</div>}
    </div>
  );
}

function ReviewDialog({ g, onClose, onDone }: { g: BreakGlassGrant; onClose: () => void; onDone: (g: BreakGlassGrant) => void }) {
  const [finding, setFinding] = useState<'' | 'yes' | 'no'>('');
  const [note, setNote] = useState('');
  const [errs, setErrs] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    const er: Errors = {};
    if (!finding) er.finding = () => t('v.required');
    if (finding === 'no' && chars(note.trim()) < 5) er.note = () => t('review.noteRequired');
    setErrs(er);
    if (Object.keys(er).length) return;
    setBusy(true);
    setError(null);
    try {
      const r = await accessApi.review(g.id, finding === 'yes', note.trim());
      toast(t('review.saved'));
      onDone(r);
      onClose();
    } catch (ex) {
      setError(errorMessage(ex));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      title={t('review.dialogTitle', { ref: g.case_reference })}
      onClose={onClose}
      testid="review-dialog"
      footer={
        <>
          <button type="button" class="btn btn-ghost" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button type="submit" form="review-form" class="btn btn-primary" disabled={busy} data-testid="review-submit">
            {busy ? t('common.saving') : t('review.save')}
          </button>
        </>
      }
    >
      <form id="review-form" onSubmit={submit} noValidate>
        <DL
          items={[
            [t('review.who'), `${g.user_name}${g.user_unit_name ? ` · ${g.user_unit_name}` : ''}`],
            [t('review.when'), fmtDateTime(g.granted_at)],
            [t('review.reason'), g.reason ? <span class="prewrap">{g.reason}</span> : <span class="muted">{t('review.reasonHidden')}</span>],
          ]}
        />
        <fieldset class={`fieldset ${errs.finding ? 'has-error' : ''}`} aria-describedby={errs.finding ? 'review-finding-err' : undefined}>
          <legend>
            {t('review.finding')}
            <span class="req" aria-hidden="true">
              {' '}*
            </span>
          </legend>
          <div class="radios">
            <label class="radio" for="review-yes">
              <input
                id="review-yes"
                type="radio"
                name="finding"
                checked={finding === 'yes'}
                onChange={() => {
                  setFinding('yes');
                  setErrs({});
                }}
                data-testid="review-justified"
              />
              <span>{t('review.justifiedLong')}</span>
            </label>
            <label class="radio" for="review-no">
              <input
                id="review-no"
                type="radio"
                name="finding"
                checked={finding === 'no'}
                onChange={() => {
                  setFinding('no');
                  setErrs((e) => without(e, 'finding'));
                }}
                data-testid="review-not-justified"
              />
              <span>{t('review.notJustifiedLong')}</span>
            </label>
          </div>
          <p class="field-error" id="review-finding-err" role={errs.finding ? 'alert' : undefined}>
            {errs.finding?.() ?? ''}
          </p>
        </fieldset>
        <Field id="review-note" label={t('review.note')} required={finding === 'no'} optionalMark={finding !== 'no'} hint={t('review.noteHint')} error={errs.note?.()}>
          {(a) => (
            <textarea
              {...a}
              rows={3}
              maxLength={1000}
              value={note}
              onInput={(e) => {
                setNote(e.currentTarget.value);
                if (chars(e.currentTarget.value.trim()) >= 5) setErrs((x) => without(x, 'note'));
              }}
              data-testid="review-note"
            />
          )}
        </Field>
        {error && <Alert kind="error">{error}</Alert>}
      </form>
    </Modal>
  );
}

/** Break-glass review: grants on cases of, or by users of, the caller's unit subtree. */
export function BreakGlassReviewPage({ query }: { query: URLSearchParams }) {
  useTitle(t('review.title'));
  const all = query.get('all') === 'true';
  const list = useAsync(() => accessApi.grants(!all), [all]);
  const [reviewing, setReviewing] = useState<BreakGlassGrant | null>(null);
  const me = session().user;
  const mayOpenCases = can('cases');
  const now = Date.now();
  const show = (v: boolean) => navigate('/audit/break-glass', { all: v || undefined }, true);
  return (
    <div data-testid="break-glass-review">
      <PageHeader
        title={t('review.title')}
        sub={list.data ? t('common.total', { n: list.data.items.length }) : <span class="skeleton skeleton-inline" style={{ width: '5em' }} />}
      />
      <AuditTabs active="break-glass" />
      <p class="muted audit-intro">{t('review.intro')}</p>
      <ul class="chip-list audit-presets" aria-label={t('review.filter')}>
        <li>
          <button type="button" class={`chip audit-preset ${!all ? 'is-active' : ''}`} aria-pressed={!all} onClick={() => show(false)} data-testid="review-unreviewed">
            {t('review.unreviewed')}
          </button>
        </li>
        <li>
          <button type="button" class={`chip audit-preset ${all ? 'is-active' : ''}`} aria-pressed={all} onClick={() => show(true)} data-testid="review-all">
            {t('review.all')}
          </button>
        </li>
      </ul>
      <Section title={all ? t('review.all') : t('review.unreviewed')} id="review-results" class="results">
        {list.error !== undefined ? (
          <ErrorState error={list.error} onRetry={list.reload} />
        ) : list.loading && !list.data ? (
          <Skeleton rows={5} />
        ) : list.data && list.data.items.length ? (
          <div class={`table-wrap ${list.loading ? 'is-reloading' : ''}`} aria-busy={list.loading ? 'true' : undefined}>
            <table class="table review-table" data-testid="review-table">
              <caption class="visually-hidden">{t('review.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('review.when')}</th>
                  <th scope="col">{t('review.who')}</th>
                  <th scope="col">{t('review.case')}</th>
                  <th scope="col">{t('review.reason')}</th>
                  <th scope="col">{t('review.access')}</th>
                  <th scope="col">{t('review.state')}</th>
                  <th scope="col">
                    <span class="visually-hidden">{t('common.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((g) => {
                  const active = new Date(g.expires_at).getTime() > now;
                  return (
                    <tr key={g.id} data-testid="review-row" data-grant-id={g.id} data-case-reference={g.case_reference} data-reviewed={g.reviewed_at ? 'true' : 'false'}>
                      <td class="nowrap">{fmtDateTime(g.granted_at)}</td>
                      <td>
                        {g.user_name}
                        {g.user_unit_name && <div class="muted small">{g.user_unit_name}</div>}
                      </td>
                      <td class="nowrap">
                        {mayOpenCases ? (
                          <a href={href(`/cases/${g.case_id}`)} class="ref">
                            {g.case_reference}
                          </a>
                        ) : (
                          <span class="mono">{g.case_reference}</span>
                        )}
                      </td>
                      <td class="cell-summary">{g.reason ? <span class="prewrap">{g.reason}</span> : <span class="muted small">{t('review.reasonHidden')}</span>}</td>
                      <td class="nowrap">
                        {active ? (
                          <Badge tone="danger">{t('review.activeUntil', { time: fmtTimeOfDay(g.expires_at) })}</Badge>
                        ) : (
                          <span class="muted small">{t('review.expired', { time: fmtDateTime(g.expires_at) })}</span>
                        )}
                      </td>
                      <td>
                        <ReviewState g={g} />
                      </td>
                      <td class="nowrap">
                        {g.reviewed_at === null &&
                          (g.user_id === me.id ? (
                            <span class="muted small">{t('review.own')}</span>
                          ) : (
                            <button type="button" class="btn btn-secondary btn-sm" onClick={() => setReviewing(g)} aria-label={`${t('review.do')}${colon()}${g.case_reference}`} data-testid="review-open">
                              {t('review.do')}
                            </button>
                          ))}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        ) : (
          <Empty>{all ? t('review.emptyAll') : t('review.empty')}</Empty>
        )}
      </Section>
      {reviewing && <ReviewDialog g={reviewing} onClose={() => setReviewing(null)} onDone={() => list.reload()} />}
    </div>
  );
}
