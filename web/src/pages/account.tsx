// Account security (账户安全): password change, the TOTP second factor and the user's sessions.
// Also the enrolment page shown instead of the application while a session may only enrol a
// second factor (administrators and supervisors who have none yet).
import { useState } from 'preact/hooks';
import { ApiError, api, type SessionInfo, type TotpEnrolment, type User } from '../api';
import { fmtDateTime, label, langStore, setLang, t } from '../i18n';
import type { MessageKey } from '../locales/zh';
import { enrolStore, loadSession, sessionStore } from '../session';
import { useStore } from '../store';
import { Alert, Badge, Empty, ErrorState, Field, PageHeader, Section, Skeleton, errorMessage, toast, useAsync, useTitle } from '../ui';

// The server's reasons (English) for refusing a new password, and their translations.
const passwordRules: [RegExp, MessageKey][] = [
  [/at least 12/, 'account.rule.length'],
  [/two kinds/, 'account.rule.classes'],
  [/username/, 'account.rule.username'],
  [/too common/, 'account.rule.common'],
  [/differ/, 'account.rule.same'],
];

/** A field's error, in the UI language, when the API named that field; else null. */
function fieldError(e: unknown, field: string): string | null {
  if (!(e instanceof ApiError) || e.field !== field) return null;
  const detail = e.problem.detail ?? '';
  if (detail === 'is required') return t('account.required');
  if (field === 'current_password') return t('account.wrongPassword');
  if (field === 'code') return t('account.codeBad');
  if (field === 'new_password') {
    for (const [re, key] of passwordRules) if (re.test(detail)) return t(key);
  }
  return errorMessage(e);
}

/** The secret in groups of four, as authenticator apps show it. */
function grouped(secret: string): string {
  return secret.replace(/(.{4})/g, '$1 ').trim();
}

/** Enrolment: the password, then the secret and URI, then a code from the app to confirm. */
export function TotpSetup({ onDone }: { onDone: () => void }) {
  const [password, setPassword] = useState('');
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const start = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setEnrolment(await api.enrolTotp(password));
      setPassword('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const confirm = async (e: Event) => {
    e.preventDefault();
    if (!/^\d{6}$/.test(code)) {
      setError(new ApiError(400, { code: 'invalid_argument', field: 'code', detail: 'format' }));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.confirmTotp(code);
      toast(t('account.totpOn'));
      onDone();
    } catch (err) {
      setError(err);
      setCode('');
    } finally {
      setBusy(false);
    }
  };

  if (!enrolment) {
    return (
      <form onSubmit={start} noValidate data-testid="totp-start">
        <p class="small">{t('account.totpIntro')}</p>
        <Field id="totp-password" label={t('account.currentPassword')} required error={fieldError(error, 'current_password')}>
          {(a) => (
            <input {...a} type="password" autoComplete="current-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
          )}
        </Field>
        {error !== null && !fieldError(error, 'current_password') && <ErrorState error={error} />}
        <div class="btn-row">
          <button type="submit" class="btn btn-primary" disabled={busy || !password} data-testid="totp-start-submit">
            {t('account.totpStart')}
          </button>
        </div>
      </form>
    );
  }
  return (
    <form onSubmit={confirm} noValidate data-testid="totp-confirm">
      <ol class="steps small">
        <li>{t('account.totpStep1')}</li>
        <li>{t('account.totpStep2')}</li>
      </ol>
      <dl class="dl">
        <div class="dl-row">
          <dt>{t('account.totpSecret')}</dt>
          <dd>
            <code class="mono totp-secret" data-testid="totp-secret" data-secret={enrolment.secret}>
              {grouped(enrolment.secret)}
            </code>
          </dd>
        </div>
        <div class="dl-row">
          <dt>{t('account.totpUri')}</dt>
          <dd>
            <code class="mono totp-uri" data-testid="totp-uri">
              {enrolment.otpauth_uri}
            </code>
          </dd>
        </div>
        <div class="dl-row">
          <dt>{t('account.totpParams')}</dt>
          <dd>{t('account.totpParamsValue', { alg: enrolment.algorithm, digits: enrolment.digits, period: enrolment.period })}</dd>
        </div>
      </dl>
      <Field id="totp-code" label={t('account.code')} required hint={t('account.codeHint')} error={fieldError(error, 'code')}>
        {(a) => (
          <input
            {...a}
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={6}
            value={code}
            onInput={(e) => setCode(e.currentTarget.value.replace(/\D/g, ''))}
            data-testid="totp-code"
          />
        )}
      </Field>
      {error !== null && !fieldError(error, 'code') && <ErrorState error={error} />}
      <div class="btn-row">
        <button type="submit" class="btn btn-primary" disabled={busy} data-testid="totp-confirm-submit">
          {t('account.totpConfirm')}
        </button>
      </div>
    </form>
  );
}

function TotpOff({ onDone }: { onDone: () => void }) {
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.disableTotp(password, code);
      toast(t('account.totpOff'));
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} noValidate data-testid="totp-disable" class="form-grid">
      <Field id="totp-off-password" label={t('account.currentPassword')} required error={fieldError(error, 'current_password')}>
        {(a) => <input {...a} type="password" autoComplete="current-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} />}
      </Field>
      <Field id="totp-off-code" label={t('account.code')} required error={fieldError(error, 'code')}>
        {(a) => (
          <input {...a} inputMode="numeric" autoComplete="one-time-code" maxLength={6} value={code} onInput={(e) => setCode(e.currentTarget.value.replace(/\D/g, ''))} />
        )}
      </Field>
      {error !== null && !fieldError(error, 'current_password') && !fieldError(error, 'code') && (
        <div class="span-2">
          <ErrorState error={error} />
        </div>
      )}
      <div class="btn-row span-2">
        <button type="submit" class="btn btn-secondary" disabled={busy || !password || !code}>
          {t('account.totpDisable')}
        </button>
      </div>
    </form>
  );
}

function PasswordChange() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [mismatch, setMismatch] = useState(false);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (next !== repeat) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    setBusy(true);
    setError(null);
    try {
      const r = await api.changePassword(current, next);
      toast(t('account.passwordChanged', { n: r.sessions_ended }));
      setCurrent('');
      setNext('');
      setRepeat('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} noValidate data-testid="password-form" class="form-grid">
      <Field id="pw-current" label={t('account.currentPassword')} required error={fieldError(error, 'current_password')} class="span-2">
        {(a) => <input {...a} type="password" autoComplete="current-password" value={current} onInput={(e) => setCurrent(e.currentTarget.value)} />}
      </Field>
      <Field id="pw-new" label={t('account.newPassword')} required hint={t('account.passwordRules')} error={fieldError(error, 'new_password')}>
        {(a) => <input {...a} type="password" autoComplete="new-password" value={next} onInput={(e) => setNext(e.currentTarget.value)} />}
      </Field>
      <Field id="pw-repeat" label={t('account.repeatPassword')} required error={mismatch ? t('account.passwordMismatch') : null}>
        {(a) => <input {...a} type="password" autoComplete="new-password" value={repeat} onInput={(e) => setRepeat(e.currentTarget.value)} />}
      </Field>
      {error !== null && !fieldError(error, 'current_password') && !fieldError(error, 'new_password') && (
        <div class="span-2">
          <ErrorState error={error} />
        </div>
      )}
      <div class="btn-row span-2">
        <button type="submit" class="btn btn-primary" disabled={busy || !current || !next || !repeat} data-testid="password-submit">
          {t('account.changePassword')}
        </button>
      </div>
    </form>
  );
}

function Sessions() {
  const list = useAsync(() => api.sessions(), []);
  const [busy, setBusy] = useState<number | null>(null);
  const revoke = async (s: SessionInfo) => {
    setBusy(s.id);
    try {
      await api.revokeSession(s.id);
      toast(t('account.sessionEnded'));
      list.reload();
    } catch (err) {
      toast(errorMessage(err), 'error');
    } finally {
      setBusy(null);
    }
  };
  if (list.error !== undefined) return <ErrorState error={list.error} onRetry={list.reload} />;
  if (list.loading && !list.data) return <Skeleton rows={2} />;
  const items = list.data?.items ?? [];
  if (!items.length) return <Empty>{t('account.noSessions')}</Empty>;
  return (
    <div class="table-wrap">
      <table class="table" data-testid="session-table">
        <caption class="visually-hidden">{t('account.sessions')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('account.sessionCreated')}</th>
            <th scope="col">{t('account.sessionLastSeen')}</th>
            <th scope="col">{t('account.sessionRemote')}</th>
            <th scope="col">{t('account.sessionExpires')}</th>
            <th scope="col">
              <span class="visually-hidden">{t('account.sessionActions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((s) => (
            <tr key={s.id} data-testid={s.current ? 'session-current' : 'session-other'}>
              <td class="nowrap">{fmtDateTime(s.created_at)}</td>
              <td class="nowrap">{fmtDateTime(s.last_seen)}</td>
              <td class="mono">{s.remote || '–'}</td>
              <td class="nowrap">{fmtDateTime(s.expires_at)}</td>
              <td class="nowrap">
                {s.current ? (
                  <Badge tone="info">{t('account.thisSession')}</Badge>
                ) : (
                  <button type="button" class="btn btn-secondary btn-sm" disabled={busy === s.id} onClick={() => void revoke(s)} data-testid="session-revoke">
                    {t('account.sessionRevoke')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function AccountPage({ user }: { user: User }) {
  useTitle(t('account.title'));
  const sec = useAsync(() => api.security(), []);
  const [setup, setSetup] = useState(false);
  const s = sec.data;
  return (
    <div data-testid="account-page">
      <PageHeader title={t('account.title')} sub={`${user.display_name} · ${label('role', user.role)} · ${user.username}`} />
      {sec.error !== undefined && <ErrorState error={sec.error} onRetry={sec.reload} />}
      <div class="grid-2">
        <Section title={t('account.password')} id="account-password" description={t('account.passwordHint')}>
          <PasswordChange />
          {s?.password_changed_at && <p class="muted small">{t('account.passwordChangedAt', { at: fmtDateTime(s.password_changed_at) })}</p>}
        </Section>
        <Section title={t('account.totp')} id="account-totp" description={t('account.totpHint')}>
          {!s ? (
            <Skeleton rows={2} />
          ) : s.totp_enabled ? (
            <>
              <Alert kind="success" testid="totp-status">
                {t('account.totpIsOn')}
              </Alert>
              {s.totp_required ? <p class="muted small">{t('account.totpRequired')}</p> : <TotpOff onDone={sec.reload} />}
            </>
          ) : setup ? (
            <TotpSetup
              onDone={() => {
                setSetup(false);
                sec.reload();
              }}
            />
          ) : (
            <>
              <Alert kind={s.totp_required ? 'warn' : 'info'} testid="totp-status">
                {s.totp_required ? t('account.totpMissingRequired') : t('account.totpIsOff')}
              </Alert>
              <div class="btn-row">
                <button type="button" class="btn btn-primary" onClick={() => setSetup(true)} data-testid="totp-setup">
                  {t('account.totpSetUp')}
                </button>
              </div>
            </>
          )}
        </Section>
      </div>
      <Section title={t('account.sessions')} id="account-sessions" description={t('account.sessionsHint')}>
        <Sessions />
      </Section>
    </div>
  );
}

/** Shown instead of the application while the session may only enrol a second factor. */
export function EnrolmentPage({ user }: { user: User }) {
  const l = useStore(langStore);
  useTitle(t('account.enrolTitle'));
  const [busy, setBusy] = useState(false);
  const signOut = async () => {
    setBusy(true);
    try {
      await api.logout();
    } catch {
      /* the session ends locally anyway */
    }
    enrolStore.set(null);
    sessionStore.set(null);
  };
  const done = () => {
    // The same session is now a full one.
    loadSession().catch(() => {
      enrolStore.set(null);
      sessionStore.set(null);
    });
  };
  return (
    <div class="login-wrap enrol-wrap" data-testid="enrol-page">
      <div class="login-card card">
        <h1 id="page-title" tabIndex={-1}>
          {t('account.enrolTitle')}
        </h1>
        <p class="muted small">{t('account.enrolWhy', { name: user.display_name, role: label('role', user.role) })}</p>
        <TotpSetup onDone={done} />
        <div class="login-foot">
          <button type="button" class="btn btn-ghost btn-sm" data-testid="lang-switch" onClick={() => setLang(l === 'zh' ? 'en' : 'zh')} aria-label={t('lang.switchAria')}>
            <span aria-hidden="true">文/A </span>
            {t('lang.switch')}
          </button>
          <button type="button" class="btn btn-ghost btn-sm" onClick={() => void signOut()} disabled={busy} data-testid="enrol-sign-out">
            {t('nav.signOut')}
          </button>
        </div>
      </div>
    </div>
  );
}
