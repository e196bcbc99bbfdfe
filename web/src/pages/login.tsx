import { useState } from 'preact/hooks';
import { ApiError, api } from '../api';
import { langStore, setLang, t } from '../i18n';
import { loadSession } from '../session';
import { useStore } from '../store';
import { errorMessage, Field, useTitle } from '../ui';

export function LoginPage() {
  const l = useStore(langStore);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  // The one-time code field appears when the server asks for it (401 totp_required).
  const [needTotp, setNeedTotp] = useState(false);
  const [totp, setTotp] = useState('');
  // A thunk, so that the message follows a language switch.
  const [error, setErrorThunk] = useState<(() => string) | null>(null);
  const setError = (msg: (() => string) | null) => setErrorThunk(() => msg);
  const [busy, setBusy] = useState(false);
  useTitle(t('login.title'));

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!username.trim() || !password) {
      setError(() => t('login.required'));
      return;
    }
    if (needTotp && !/^\d{6}$/.test(totp.trim())) {
      setError(() => t('login.totpFormat'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const r = await api.login(username.trim(), password, needTotp ? totp.trim() : undefined);
      // The shell then leaves #/login for the page that was asked for (router.afterLogin), or
      // shows the second-factor enrolment when that must come first.
      await loadSession({ ...r.user, totp_enrolment_required: r.totp_enrolment_required });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401 && (err.code === 'totp_required' || err.code === 'totp_invalid')) {
        // The password was right: keep it and ask for the code.
        setError(err.code === 'totp_invalid' ? () => t('login.totpBad') : needTotp ? () => t('login.totpAsk') : null);
        setNeedTotp(true);
        setTotp('');
        setBusy(false);
        window.setTimeout(() => document.getElementById('login-totp')?.focus(), 0);
        return;
      }
      if (err instanceof ApiError && err.status === 401) setError(() => t('login.bad'));
      else if (err instanceof ApiError && err.status === 429)
        setError(() => (err.retryAfter ? t('login.lockedFor', { n: err.retryAfter }) : t('login.locked')));
      else setError(() => t('login.failed', { msg: errorMessage(err) }));
      setPassword('');
      setNeedTotp(false);
      setTotp('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="login-wrap">
      <div class="login-card card">
        <div class="login-brand">
          <svg viewBox="0 0 24 24" width="36" height="36" aria-hidden="true" class="brand-mark">
            <path d="M12 2 4 5v6c0 5 3.4 9.4 8 11 4.6-1.6 8-6 8-11V5l-8-3Z" fill="currentColor" />
            <path d="m8.5 12 2.5 2.5 4.5-5" stroke="#fff" stroke-width="1.8" fill="none" stroke-linecap="round" stroke-linejoin="round" />
          </svg>
          <div>
            <div class="login-product">{t('app.short')}</div>
            <div class="muted">{t('app.name')}</div>
          </div>
        </div>
        <h1 id="page-title" tabIndex={-1}>
          {t('login.title')}
        </h1>
        <p class="muted small">{t('login.subtitle')}</p>
        <form onSubmit={submit} noValidate data-testid="login-form">
          <Field id="login-username" label={t('login.username')} required>
            {(a) => (
              <input {...a} name="username" autoComplete="username" value={username} onInput={(e) => {
                setUsername(e.currentTarget.value);
                setNeedTotp(false);
              }} />
            )}
          </Field>
          <Field id="login-password" label={t('login.password')} required>
            {(a) => (
              <input
                {...a}
                name="password"
                type="password"
                autoComplete="current-password"
                value={password}
                onInput={(e) => setPassword(e.currentTarget.value)}
              />
            )}
          </Field>
          {needTotp && (
            <Field id="login-totp" label={t('login.totp')} required hint={t('login.totpHint')}>
              {(a) => (
                <input
                  {...a}
                  name="totp"
                  inputMode="numeric"
                  autoComplete="one-time-code"
                  maxLength={6}
                  pattern="[0-9]*"
                  value={totp}
                  onInput={(e) => setTotp(e.currentTarget.value.replace(/\D/g, ''))}
                  data-testid="login-totp"
                />
              )}
            </Field>
          )}
          <div class="login-error" aria-live="assertive">
            {error && (
              <p class="alert alert-error" role="alert" data-testid="login-error">
                {error()}
              </p>
            )}
          </div>
          <button type="submit" class="btn btn-primary btn-block" disabled={busy} data-testid="login-submit">
            {busy ? t('login.submitting') : t('login.submit')}
          </button>
        </form>
        <div class="login-foot">
          <button type="button" class="btn btn-ghost btn-sm" data-testid="lang-switch" onClick={() => setLang(l === 'zh' ? 'en' : 'zh')} aria-label={t('lang.switchAria')}>
            <span aria-hidden="true">文/A </span>
            {t('lang.switch')}
          </button>
        </div>
      </div>
    </div>
  );
}
