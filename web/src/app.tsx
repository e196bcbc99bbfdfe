// Application shell: session bootstrap, sign-in gate, header navigation and the route table.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, setUnauthorizedHandler } from './api';
import { langStore, label, setLang, t } from './i18n';
import { AccountPage, EnrolmentPage } from './pages/account';
import { AuditPage } from './pages/audit';
import { BoardPage } from './pages/board';
import { CasePage } from './pages/case';
import { CaseListPage } from './pages/cases';
import { ClueDetailPage } from './pages/clue';
import { ClueListPage } from './pages/clues';
import { DashboardPage } from './pages/dashboard';
import { ExportPage } from './pages/export';
import { IntakePage } from './pages/intake';
import { LoginPage } from './pages/login';
import { PartnerReferralPage, PartnerReferralsPage } from './pages/referrals';
import { SurvivorStatusPage } from './pages/status';
import { WorklistPage } from './pages/worklist';
import { afterLogin, currentPath, href, navigate, rememberReturn, routeStore, type Route } from './router';
import { BreakGlassReviewPage } from './pages/access';
import { can, choosePurpose, enrolStore, forgetPurpose, loadSession, purposeStore, sessionStore, type Capability, type Session } from './session';
import { useStore } from './store';
import { ErrorState, PageHeader, Select, Spinner, toast, Toasts } from './ui';
import type { MessageKey } from './locales/zh';

setUnauthorizedHandler(() => {
  enrolStore.set(null);
  if (sessionStore.get()) {
    rememberReturn(currentPath());
    sessionStore.set(null);
  }
});

interface NavItem {
  path: string;
  key: MessageKey;
  cap?: Capability;
  match: (r: Route) => boolean;
}

const navItems: NavItem[] = [
  { path: '/', key: 'nav.worklist', match: (r) => r.path === '/' },
  { path: '/intake', key: 'nav.intake', cap: 'intake', match: (r) => r.segments[0] === 'intake' },
  { path: '/clues', key: 'nav.clues', cap: 'clues', match: (r) => r.segments[0] === 'clues' },
  { path: '/cases', key: 'nav.cases', cap: 'cases', match: (r) => r.segments[0] === 'cases' },
  { path: '/board', key: 'nav.board', cap: 'board', match: (r) => r.segments[0] === 'board' },
  { path: '/dashboard', key: 'nav.dashboard', cap: 'dashboard', match: (r) => r.segments[0] === 'dashboard' },
  { path: '/audit', key: 'nav.audit', cap: 'audit', match: (r) => r.segments[0] === 'audit' },
  { path: '/referrals', key: 'nav.referrals', cap: 'referrals', match: (r) => r.segments[0] === 'referrals' },
];

function LangSwitch() {
  const l = useStore(langStore);
  return (
    <button
      type="button"
      class="btn btn-ghost btn-sm lang-switch"
      data-testid="lang-switch"
      aria-label={t('lang.switchAria')}
      lang={l === 'zh' ? 'en' : 'zh-CN'}
      onClick={() => setLang(l === 'zh' ? 'en' : 'zh')}
    >
      <span aria-hidden="true">文/A </span>
      {t('lang.switch')}
    </button>
  );
}

function Header({ s, route }: { s: Session; route: Route }) {
  const [busy, setBusy] = useState(false);
  const signOut = async () => {
    setBusy(true);
    try {
      await api.logout();
    } catch {
      /* the session ends locally anyway */
    }
    setBusy(false);
    rememberReturn(null);
    forgetPurpose();
    sessionStore.set(null);
    navigate('/login', undefined, true);
  };
  // A partner agency's start page is its referral list: no separate work list entry.
  const items = navItems.filter((n) => (!n.cap || can(n.cap)) && !(n.path === '/' && can('referrals')));
  return (
    <header class="topbar">
      <div class="topbar-inner">
        <a class="brand" href="#/" aria-label={`${t('app.short')} · ${t('app.name')}`}>
          <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" class="brand-mark">
            <path d="M12 2 4 5v6c0 5 3.4 9.4 8 11 4.6-1.6 8-6 8-11V5l-8-3Z" fill="currentColor" />
            <path d="m8.5 12 2.5 2.5 4.5-5" stroke="#fff" stroke-width="1.8" fill="none" stroke-linecap="round" stroke-linejoin="round" />
          </svg>
          <span class="brand-text">
            <strong>{t('app.short')}</strong>
            <span class="brand-sub">{t('app.name')}</span>
          </span>
        </a>
        <nav aria-label={t('nav.main')} class="mainnav">
          <ul>
            {items.map((n) => {
              const active = n.match(route);
              return (
                <li key={n.path}>
                  <a href={href(n.path)} aria-current={active ? 'page' : undefined} class={active ? 'active' : ''} data-testid={`nav-${n.path.slice(1) || 'worklist'}`}>
                    {t(n.key)}
                  </a>
                </li>
              );
            })}
          </ul>
        </nav>
        <div class="topbar-user">
          {/* The user's name opens the account security page (password, second factor, sessions). */}
          <a
            href={href('/account')}
            class="user-chip-link"
            aria-current={route.segments[0] === 'account' ? 'page' : undefined}
            title={t('account.nav')}
            data-testid="nav-account"
          >
            <span class="user-chip" data-testid="current-user">
              <span class="user-name">{s.user.display_name}</span>
              <span class="user-role">
                {label('role', s.user.role)} · {langStore.get() === 'en' ? s.user.unit?.name_en || s.user.unit?.name : s.user.unit?.name}
              </span>
            </span>
            <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" class="user-chip-icon">
              <path d="M7 10V7a5 5 0 0 1 10 0v3M5 10h14v10H5z" stroke="currentColor" stroke-width="1.8" fill="none" stroke-linejoin="round" />
            </svg>
            <span class="visually-hidden">{` · ${t('account.nav')}`}</span>
          </a>
          <LangSwitch />
          <button type="button" class="btn btn-ghost btn-sm" onClick={signOut} disabled={busy} data-testid="sign-out">
            {t('nav.signOut')}
          </button>
        </div>
      </div>
      <PurposeBar s={s} />
    </header>
  );
}

/**
 * The purpose of access (X-Aegis-Purpose) under the top bar: what the user states as the reason for
 * looking, sent with every request and recorded in each audit record. Users whose role allows one
 * purpose see it as text.
 */
function PurposeBar({ s }: { s: Session }) {
  const current = useStore(purposeStore);
  const purposes = s.user.purposes ?? [];
  if (!purposes.length || !current) return null;
  const change = (p: string) => {
    if (p === current) return;
    choosePurpose(p);
    toast(t('purposeUi.changed', { p: label('purpose', p) }), 'info');
  };
  const note = current === 'analysis' ? t('purposeUi.note.analysis') : '';
  return (
    <div class="purpose-bar" data-testid="purpose-bar" data-purpose={current}>
      <div class="purpose-inner">
        {purposes.length > 1 ? (
          <>
            <label for="purpose-select" class="purpose-label">
              {t('purposeUi.label')}
              {t('common.colon')}
            </label>
            <Select id="purpose-select" class="purpose-select" value={current} aria-describedby="purpose-hint" onChange={(e) => change(e.currentTarget.value)} data-testid="purpose-select">
              {purposes.map((p) => (
                <option key={p} value={p}>
                  {label('purpose', p)}
                </option>
              ))}
            </Select>
          </>
        ) : (
          <span class="purpose-label">
            {t('purposeUi.label')}
            {t('common.colon')}
            <strong class="purpose-fixed" data-testid="purpose-fixed">
              {label('purpose', current)}
            </strong>
          </span>
        )}
        <span id="purpose-hint" class="purpose-hint">
          {t('purposeUi.hint')}
          {note && <> {note}</>}
        </span>
      </div>
    </div>
  );
}

function Forbidden() {
  return (
    <div>
      <PageHeader title={t('app.forbidden')} />
      <a href="#/" class="btn btn-secondary">
        {t('app.backHome')}
      </a>
    </div>
  );
}

function NotFound() {
  return (
    <div>
      <PageHeader title={t('app.notFound')} sub={t('app.notFoundHint')} />
      <a href="#/" class="btn btn-secondary">
        {t('app.backHome')}
      </a>
    </div>
  );
}

function idParam(s: string | undefined): number | null {
  return s && /^\d+$/.test(s) ? Number(s) : null;
}

function Page({ route }: { route: Route }) {
  const session = () => sessionStore.get() as Session;
  const [a, b] = route.segments;
  const gate = (cap: Capability, el: preact.JSX.Element) => (can(cap) ? el : <Forbidden />);
  // A partner agency's start page is its referral list (it has no clues, cases or actions).
  if (!a) return can('referrals') ? <PartnerReferralsPage query={route.query} /> : <WorklistPage />;
  switch (a) {
    case 'intake':
      return b ? <NotFound /> : gate('intake', <IntakePage />);
    case 'clues': {
      if (!b) return gate('clues', <ClueListPage query={route.query} />);
      const id = idParam(b);
      return id ? <ClueDetailPage key={id} id={id} /> : <NotFound />;
    }
    case 'cases': {
      if (!b) return gate('cases', <CaseListPage query={route.query} />);
      const id = idParam(b);
      if (id && route.segments[2] === 'export' && route.segments.length === 3) return gate('cases', <ExportPage key={id} caseId={id} />);
      return id && route.segments.length === 2 ? gate('cases', <CasePage key={id} id={id} />) : <NotFound />;
    }
    case 'board':
      return gate('board', <BoardPage />);
    case 'dashboard':
      return gate('dashboard', <DashboardPage query={route.query} />);
    case 'account':
      return b ? <NotFound /> : <AccountPage user={session().user} />;
    case 'audit':
      if (b === 'break-glass') return route.segments.length === 2 ? gate('reviewBreakGlass', <BreakGlassReviewPage query={route.query} />) : <NotFound />;
      return b ? <NotFound /> : gate('audit', <AuditPage query={route.query} />);
    case 'referrals': {
      if (!b) return gate('referrals', <PartnerReferralsPage query={route.query} />);
      const id = idParam(b);
      return id ? gate('referrals', <PartnerReferralPage key={id} id={id} />) : <NotFound />;
    }
    default:
      return <NotFound />;
  }
}

export function App() {
  const s = useStore(sessionStore);
  const enrolling = useStore(enrolStore);
  const route = useStore(routeStore);
  // A new purpose applies to what is shown: the page is mounted afresh and loads again.
  const purpose = useStore(purposeStore);
  useStore(langStore); // re-render everything when the language changes
  const [bootError, setBootError] = useState<unknown>(null);

  const boot = () => {
    setBootError(null);
    loadSession().catch((e) => {
      if (e instanceof ApiError && e.status === 401) sessionStore.set(null);
      else setBootError(e);
    });
  };
  useEffect(boot, []);

  // The survivor status page needs no account (public).
  const isPublic = route.path === '/status';
  // Signed out: always show the sign-in page at #/login (except on the public status page).
  useEffect(() => {
    if (enrolling) return;
    if (s === null && route.path !== '/login' && !isPublic) {
      const p = currentPath();
      if (p !== '/' && !p.startsWith('/login')) rememberReturn(p, true);
      navigate('/login', undefined, true);
    }
    if (s && route.path === '/login') afterLogin();
  }, [s, route.path, enrolling]);

  // Move focus to the page heading on navigation (screen readers announce the new page). Not on
  // the first load, so that the first Tab still reaches the skip link.
  const firstRoute = useRef(true);
  useEffect(() => {
    if (firstRoute.current) {
      firstRoute.current = false;
      return undefined;
    }
    const id = window.setTimeout(() => {
      const h = document.getElementById('page-title');
      if (h && !document.querySelector('dialog[open]')) h.focus({ preventScroll: true });
    }, 0);
    window.scrollTo(0, 0);
    return () => window.clearTimeout(id);
  }, [route.path]);

  if (isPublic) {
    return (
      <main id="main" tabIndex={-1}>
        <SurvivorStatusPage />
      </main>
    );
  }
  if (s === undefined) {
    return (
      <div class="boot">
        {bootError ? <ErrorState error={bootError} onRetry={boot} /> : <Spinner />}
      </div>
    );
  }
  if (enrolling) {
    // A second factor must be enrolled before anything else (administrators, supervisors).
    return (
      <>
        <main id="main" tabIndex={-1} class="login-main">
          <EnrolmentPage user={enrolling} />
        </main>
        <Toasts />
      </>
    );
  }
  if (s === null) {
    return (
      <>
        <a class="skip-link" href="#main" onClick={skip}>
          {t('app.skip')}
        </a>
        <main id="main" tabIndex={-1} class="login-main">
          <LoginPage />
        </main>
        <Toasts />
      </>
    );
  }
  return (
    <>
      <a class="skip-link" href="#main" onClick={skip}>
        {t('app.skip')}
      </a>
      <Header s={s} route={route} />
      <main id="main" tabIndex={-1} class="main">
        <Page key={purpose ?? ''} route={route} />
      </main>
      <Toasts />
    </>
  );
}

// The skip link must not change the hash (it is the router's).
function skip(e: Event) {
  e.preventDefault();
  const m = document.getElementById('main');
  m?.focus();
  m?.scrollIntoView();
}
