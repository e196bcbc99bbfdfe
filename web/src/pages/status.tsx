// The survivor status page (no sign-in): with the case reference and the code from the officer, a
// survivor or guardian sees the stage of the case in plain words, the evidence kit and the contacts
// of the support arranged for them. Nothing typed here is kept (no storage, no URL).
import { useState } from 'preact/hooks';
import { ApiError } from '../api';
import { colon, fmtDate, langStore, loc, setLang, t } from '../i18n';
import type { MessageKey } from '../locales/zh';
import { useStore } from '../store';
import { Field, useTitle } from '../ui';
import { victimApi, type SurvivorStatus } from '../victim-api';
import { vl } from './victim-support';
import './victim.css';

// The usual path of a case, for the step indicator; "paused" is shown on its own.
const STEPS = ['registered', 'investigating', 'investigation_concluded', 'with_prosecutor', 'in_court', 'closed'];

function Steps({ stage }: { stage: string }) {
  if (stage === 'paused') return null;
  const at = STEPS.indexOf(stage);
  return (
    <ol class="sv-steps" data-testid="survivor-steps">
      {STEPS.map((s, i) => (
        <li key={s} class={i < at ? 'done' : i === at ? 'current' : ''} aria-current={i === at ? 'step' : undefined}>
          <span class="sv-dot" aria-hidden="true" />
          {vl('svStage', s)}
        </li>
      ))}
    </ol>
  );
}

function Result({ r }: { r: SurvivorStatus }) {
  return (
    <div data-testid="survivor-result">
      <section class="sv-card" aria-labelledby="sv-stage-h">
        <h2 id="sv-stage-h">{t('sv.stageTitle')}</h2>
        <p class="sv-stage-text" data-testid="survivor-stage" data-stage={r.stage}>
          <strong>{vl('svStage', r.stage)}</strong>
        </p>
        <Steps stage={r.stage} />
        <p class="sv-stage-text">{t(`svStageText.${r.stage}` as MessageKey)}</p>
      </section>
      <section class="sv-card" aria-labelledby="sv-kit-h">
        <h2 id="sv-kit-h">{t('sv.kitTitle')}</h2>
        <ul class="sv-kit" data-testid="survivor-kit">
          <li data-collected={r.evidence_kit.collected ? 'true' : 'false'}>
            <span aria-hidden="true">{r.evidence_kit.collected ? '✓ ' : '○ '}</span>
            {r.evidence_kit.collected ? t('sv.kitCollected', { d: fmtDate(r.evidence_kit.collected_on) }) : t('sv.kitNotCollected')}
          </li>
          <li data-examined={r.evidence_kit.examined ? 'true' : 'false'}>
            <span aria-hidden="true">{r.evidence_kit.examined ? '✓ ' : '○ '}</span>
            {r.evidence_kit.examined ? t('sv.kitExamined', { d: fmtDate(r.evidence_kit.examined_on) }) : t('sv.kitNotExamined')}
          </li>
        </ul>
      </section>
      <section class="sv-card" aria-labelledby="sv-support-h">
        <h2 id="sv-support-h">{t('sv.supportTitle')}</h2>
        {r.referrals.length === 0 ? (
          <p>{t('sv.noSupport')}</p>
        ) : (
          r.referrals.map((x, i) => (
            <div key={i} class="sv-ref" data-testid="survivor-referral" data-status={x.status}>
              <div class="sv-ref-name">{loc(x.agency.name, x.agency.name_en)}</div>
              <div class="muted">
                {vl('vsKind', x.kind)} · {vl('svRef', x.status)}
              </div>
              <div class="sv-contact">
                {x.contact ? (
                  <>
                    {t('sv.contact')}
                    {colon()}
                    <strong data-testid="survivor-contact">{x.contact}</strong>
                  </>
                ) : (
                  (x.status === 'sent') && <span class="muted">{t('sv.contactPending')}</span>
                )}
              </div>
            </div>
          ))
        )}
      </section>
      <p class="small muted" data-testid="survivor-code-left">
        {t('sv.codeLeft', { n: r.code.uses_left, d: fmtDate(r.code.expires_at) })}
      </p>
    </div>
  );
}

export function SurvivorStatusPage() {
  const l = useStore(langStore);
  useTitle(t('sv.title'));
  const [reference, setReference] = useState('');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<SurvivorStatus | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!reference.trim() || !code.trim()) {
      setError(t('sv.required'));
      return;
    }
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await victimApi.survivorStatus(reference.trim(), code.trim()));
      setCode('');
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) setError(t('sv.notFound'));
      else if (err instanceof ApiError && err.status === 429)
        setError(t('sv.tooMany', { n: Math.max(1, Math.ceil((err.retryAfter ?? 60) / 60)) }));
      else setError(t('sv.failed'));
    } finally {
      setBusy(false);
    }
  };
  const clear = () => {
    setReference('');
    setCode('');
    setResult(null);
    setError(null);
    // Leave no trace in the tab's history either.
    location.replace(`${location.pathname}#/status`);
  };

  return (
    <div class="sv-main" data-testid="survivor-page">
      <div class="sv-wrap">
        <div class="sv-top">
          <div class="sv-brand">
            <svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true">
              <path d="M12 21s-7.5-4.6-9.3-9.1C1.3 8.3 3.6 4.5 7.4 4.5c2 0 3.4 1.1 4.6 2.6 1.2-1.5 2.6-2.6 4.6-2.6 3.8 0 6.1 3.8 4.7 7.4C19.5 16.4 12 21 12 21Z" fill="currentColor" />
            </svg>
            <span>{t('sv.title')}</span>
          </div>
          <button type="button" class="btn btn-ghost btn-sm" data-testid="lang-switch" onClick={() => setLang(l === 'zh' ? 'en' : 'zh')} aria-label={t('lang.switchAria')}>
            <span aria-hidden="true">文/A </span>
            {t('lang.switch')}
          </button>
        </div>
        <section class="sv-card" aria-labelledby="page-title">
          <h1 id="page-title" tabIndex={-1}>
            {t('sv.title')}
          </h1>
          <p class="sv-lead">{t('sv.intro')}</p>
          <form onSubmit={submit} noValidate data-testid="survivor-form" autoComplete="off">
            <Field id="sv-reference" label={t('sv.reference')} hint={t('sv.referenceHint')} required>
              {(a) => <input {...a} autoComplete="off" autoCapitalize="characters" spellcheck={false} value={reference} onInput={(e) => setReference(e.currentTarget.value)} />}
            </Field>
            <Field id="sv-code" label={t('sv.code')} hint={t('sv.codeHint')} required>
              {(a) => <input {...a} autoComplete="off" autoCapitalize="characters" spellcheck={false} value={code} onInput={(e) => setCode(e.currentTarget.value)} />}
            </Field>
            <div aria-live="assertive">
              {error && (
                <p class="alert alert-warn" role="alert" data-testid="survivor-error">
                  {error}
                </p>
              )}
            </div>
            <div class="btn-row">
              <button type="submit" class="btn btn-primary" disabled={busy} data-testid="survivor-submit">
                {busy ? t('sv.checking') : t('sv.submit')}
              </button>
              <button type="button" class="btn btn-secondary" onClick={clear} data-testid="survivor-clear">
                {t('sv.clear')}
              </button>
            </div>
          </form>
        </section>
        {result && <Result r={result} />}
        <p class="sv-safety">{t('sv.safety')}</p>
        <p class="sv-foot">{t('sv.privacy')}</p>
        <p class="sv-foot">
          <a href="#/login">{t('sv.signIn')}</a>
        </p>
      </div>
    </div>
  );
}
