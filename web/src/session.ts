// The signed-in user and reference data fetched once per session.
import { api, setRequestPurpose, type Meta, type Unit, type User, type UserRef } from './api';
import { langStore } from './i18n';
import { createStore } from './store';

export interface Session {
  user: User;
  meta: Meta;
  units: Unit[];
}

/** undefined: not known yet (checking), null: signed out. */
export const sessionStore = createStore<Session | null | undefined>(undefined);

export function session(): Session {
  const s = sessionStore.get();
  if (!s) throw new Error('no session');
  return s;
}

/**
 * Set while the signed-in user must enrol a second factor before anything else (administrators
 * and supervisors without TOTP): the shell then shows only the enrolment page.
 */
export const enrolStore = createStore<User | null>(null);

/** Loads the session; null when the session may only enrol a second factor (see enrolStore). */
export async function loadSession(user?: User): Promise<Session | null> {
  // Until the user is known no purpose is stated: the server applies the role's default.
  setRequestPurpose(null);
  const first = user ?? (await api.me());
  if (first.totp_enrolment_required) {
    enrolStore.set(first);
    sessionStore.set(null);
    return null;
  }
  enrolStore.set(null);
  // The sign-in answer has no purposes; /auth/me has them.
  const [u, meta, units] = await Promise.all([first.purposes ? Promise.resolve(first) : api.me(), api.meta(), api.units()]);
  const s: Session = { user: u, meta, units: units.items };
  usersCache = null;
  applyPurpose(u);
  sessionStore.set(s);
  return s;
}

// ---- Purpose of access (X-Aegis-Purpose). One per browser tab, kept in sessionStorage under
// "aegis.purpose" as {user, purpose}: an id and a purpose name, nothing about cases or people.

const PURPOSE_KEY = 'aegis.purpose';
/** The purpose sent with every request (null while signed out). */
export const purposeStore = createStore<string | null>(null);

function storedPurpose(userId: number): string | null {
  try {
    const raw = sessionStorage.getItem(PURPOSE_KEY);
    if (!raw) return null;
    const v = JSON.parse(raw) as { user?: unknown; purpose?: unknown };
    return v.user === userId && typeof v.purpose === 'string' ? v.purpose : null;
  } catch {
    return null;
  }
}

/** Picks the stored purpose when the user may still state it, else the role's default. */
function applyPurpose(u: User): void {
  const allowed = u.purposes ?? [];
  const stored = storedPurpose(u.id);
  const p = stored && allowed.includes(stored) ? stored : (allowed[0] ?? u.purpose ?? null);
  setRequestPurpose(p);
  purposeStore.set(p);
}

/** Changes the purpose of this tab's requests from now on. */
export function choosePurpose(p: string): void {
  const u = sessionStore.get()?.user;
  if (!u || !(u.purposes ?? []).includes(p)) return;
  try {
    sessionStorage.setItem(PURPOSE_KEY, JSON.stringify({ user: u.id, purpose: p }));
  } catch {
    /* storage unavailable: the choice lasts until reload */
  }
  setRequestPurpose(p);
  purposeStore.set(p);
}

/** Forgets the purpose on sign-out (also when the session ends on the server). */
export function forgetPurpose(): void {
  try {
    sessionStorage.removeItem(PURPOSE_KEY);
  } catch {
    /* ignore */
  }
  setRequestPurpose(null);
  purposeStore.set(null);
}

sessionStore.subscribe((s) => {
  if (!s) {
    setRequestPurpose(null);
    purposeStore.set(null);
  }
});

let usersCache: Promise<UserRef[]> | null = null;
/** Users of the caller's unit subtree, for owner / officer / team pickers. */
export function teamUsers(): Promise<UserRef[]> {
  if (!usersCache) {
    usersCache = api.users().then(
      (r) => r.items,
      (e) => {
        usersCache = null;
        throw e;
      },
    );
  }
  return usersCache;
}

export function unitById(id: number | null | undefined): Unit | undefined {
  if (id === null || id === undefined) return undefined;
  return sessionStore.get()?.units.find((u) => u.id === id);
}

/** A unit's name in the UI language (the API's *_name members carry the Chinese name only). */
export function unitLabel(id: number | null | undefined, fallback?: string | null): string {
  const u = unitById(id);
  if (!u) return fallback ?? '';
  return langStore.get() === 'en' ? u.name_en || u.name : u.name || u.name_en;
}

export type Capability =
  | 'intake'
  | 'clues'
  | 'decide'
  | 'board'
  | 'cases'
  | 'editCase'
  | 'dashboard'
  | 'audit'
  | 'referrals'
  | 'breakGlass'
  | 'reviewBreakGlass';

// Mirrors the server's policy (src/services/policy.cc); the server stays the authority.
const caps: Record<string, Capability[]> = {
  officer: ['intake', 'clues', 'cases', 'editCase', 'dashboard', 'breakGlass'],
  supervisor: ['intake', 'clues', 'decide', 'board', 'cases', 'editCase', 'dashboard', 'audit', 'breakGlass', 'reviewBreakGlass'],
  analyst: ['clues', 'cases', 'dashboard', 'breakGlass'],
  forensic: ['cases', 'breakGlass'],
  prosecutor: ['cases', 'breakGlass'],
  partner: ['referrals'], // a partner agency's own referrals, nothing else
  administrator: [],
  privacy_officer: ['audit', 'reviewBreakGlass'],
};

export function can(cap: Capability, role = sessionStore.get()?.user.role): boolean {
  if (!role) return false;
  return (caps[role] ?? []).includes(cap);
}

// ---- Intake preferences: last-used source, track and officer. Never identity or case data.
export interface IntakePrefs {
  source?: string;
  track?: string;
  assigned_to?: number;
}

function prefsKey(): string {
  return `aegis.intake.${sessionStore.get()?.user.id ?? 0}`;
}

export function loadIntakePrefs(): IntakePrefs {
  try {
    const raw = localStorage.getItem(prefsKey());
    if (!raw) return {};
    const v = JSON.parse(raw) as IntakePrefs;
    const out: IntakePrefs = {};
    if (typeof v.source === 'string') out.source = v.source;
    if (typeof v.track === 'string') out.track = v.track;
    if (typeof v.assigned_to === 'number') out.assigned_to = v.assigned_to;
    return out;
  } catch {
    return {};
  }
}

export function saveIntakePrefs(p: IntakePrefs): void {
  try {
    localStorage.setItem(prefsKey(), JSON.stringify({ source: p.source, track: p.track, assigned_to: p.assigned_to }));
  } catch {
    /* ignore */
  }
}
