// HTTP client for the Aegis API v1 (docs/api.md). Same origin, cookie session.

export type Id = number;

export interface Unit {
  id: Id;
  code: string;
  name: string;
  name_en: string;
  type: string;
  parent_id?: Id | null;
}

export interface User {
  id: Id;
  username: string;
  display_name: string;
  role: string;
  unit: Unit;
  /** Signed in with the password only while a second factor is required: enrol before anything else. */
  totp_enrolment_required?: boolean;
  /** Purposes this user may state (X-Aegis-Purpose), the default first; from GET /auth/me. */
  purposes?: string[];
  /** The purpose the server applied to the /auth/me request. */
  purpose?: string;
}

export interface UserRef {
  id: Id;
  username: string;
  display_name: string;
  role: string;
  unit_id: Id;
}

export interface ReviewTrackMeta {
  track: string;
  days: number;
  requires_approval: boolean;
  basis: string;
  basis_en: string;
}

export interface ChecklistMeta {
  key: string;
  label: string;
  label_en: string;
  stage: string;
  required_for_prosecution: boolean;
}

export interface TransitionMeta {
  from: string;
  to: string;
  allowed_roles: string[];
  requires_reason: boolean;
  requires_suspect: boolean;
  requires_procuratorate: boolean;
  requires_prosecution_checklist: boolean;
}

export interface Meta {
  clue_sources: string[];
  review_tracks: ReviewTrackMeta[];
  case_stages: string[];
  roles: string[];
  duty_of_care: string[];
  person_roles: string[];
  sexes: string[];
  checklist: ChecklistMeta[];
  major_rules: { version: string; rules: { key: string; label: string; label_en: string; priority: number }[] };
  transitions: TransitionMeta[];
  warn_before_hours: number;
}

export interface Campaign {
  id: Id;
  name: string;
  name_en: string;
  starts_at: string;
  ends_at: string | null;
  scope_unit_id: Id;
}

export interface Facts {
  offence_time?: string | null;
  place: string;
  latitude?: number | null;
  longitude?: number | null;
  youngest_victim_age?: number | null;
  victim_count: number;
  offender_count: number;
  duty_of_care: string;
  weapon: boolean;
  serious_injury: boolean;
  online_dating: boolean;
  linked_series: boolean;
  repeat_offender: boolean;
}

export interface Identity {
  name: string;
  id_number: string;
  phone: string;
  address: string;
  date_of_birth: string;
}

export interface DuplicateRef {
  id: Id;
  reference: string;
  reason: string;
}

export interface ClueSummary {
  id: Id;
  reference: string;
  source: string;
  received_at: string;
  unit_id: Id;
  unit_name: string;
  status: string;
  track: string;
  review_deadline: string;
  deadline_state: string;
  victim_pseudonym: string;
  summary: string;
  case_id: Id | null;
  assigned_to: Id | null;
  assigned_to_name: string | null;
}

export interface Clue extends ClueSummary {
  facts: Facts;
  suspect_description: string;
  decided_at: string | null;
  decided_by: Id | null;
  decision_reason: string;
  transferred_to_unit: Id | null;
  track_approved_by: Id | null;
  recorded_by: Id | null;
  possible_duplicates: DuplicateRef[];
}

export interface ClueInput {
  source: string;
  received_at?: string;
  summary: string;
  track?: string;
  assigned_to?: Id;
  facts: Facts;
  victim?: { sex: string; age?: number; identity?: Partial<Identity> };
  suspect_description?: string;
  confirm_not_duplicate?: boolean;
}

export interface CaseSummary {
  id: Id;
  reference: string;
  title: string;
  stage: string;
  unit_id: Id;
  unit_name: string;
  filed_at: string;
  offence_time: string | null;
  major: boolean;
  priority: number;
  historic: boolean;
  reopened: boolean;
  updated_at: string;
  stage_deadline: string | null;
  stage_deadline_label: string | null;
  deadline_state: string | null;
  lead_investigator_id: Id | null;
  lead_investigator_name: string | null;
  victim_pseudonyms: string[];
  /** Sensitivity labels: minor_victim (derived), restricted, sealed. */
  labels?: string[];
}

export interface MajorFlag {
  rule_key: string;
  label: string;
  label_en: string;
  priority: number;
}

export interface TeamMember {
  id: Id;
  display_name: string;
}

export interface Person {
  id: Id;
  role: string;
  pseudonym: string;
  sex: string;
  age_at_offence: number | null;
  duty_of_care: string;
  notes: string;
  identity_protected: boolean;
  has_identity: boolean;
}

export interface ChecklistItem extends ChecklistMeta {
  done_at: string | null;
  done_by_name: string | null;
}

export interface CaseEvent {
  id: Id;
  at: string;
  kind: string;
  actor_name: string | null;
  detail: Record<string, unknown> | null;
}

export interface Action {
  id: Id;
  title: string;
  description: string;
  owner_id: Id | null;
  owner_name: string | null;
  status: string;
  due_at: string | null;
  result: string;
  created_at: string;
  updated_at: string;
  overdue: boolean;
}

export interface Assistance {
  id: Id;
  from_unit_id: Id;
  from_unit_name: string;
  to_unit_id: Id;
  to_unit_name: string;
  request: string;
  status: string;
  response: string;
  created_at: string;
}

export interface NextStage {
  to: string;
  allowed: boolean;
  reason: string | null;
  requires_reason: boolean;
  requires_procuratorate: boolean;
}

export interface Case extends CaseSummary {
  summary: string;
  facts: Facts;
  major_flags: MajorFlag[];
  rules_version: string;
  clue_id: Id | null;
  team: {
    case_manager: TeamMember | null;
    lead_investigator: TeamMember | null;
    file_coordinator: TeamMember | null;
  };
  supervising_unit_id: Id | null;
  procuratorate_unit_id: Id | null;
  solved_at: string | null;
  closed_at: string | null;
  persons: Person[];
  checklist: ChecklistItem[];
  timeline: CaseEvent[];
  actions: Action[];
  assistance: Assistance[];
  shared_with_units: { id: Id; name: string; name_en: string }[];
  next_stages: NextStage[];
  can_reveal_identity: boolean;
  /** Sections restricted to the case team (persons, victim_support, actions, timeline). */
  restricted_sections: string[];
  /** Sections left out of this response for the caller (shown as placeholders). */
  hidden_sections: string[];
  /** The court order behind a seal ('' when not sealed). */
  seal_reference: string;
  /** The caller may change labels and restricted sections (supervisors over the owning unit). */
  can_label: boolean;
  /** Sealed by court order: nobody may change the case. */
  read_only: boolean;
  /** Open to the caller only through a break-glass grant (read-only, every view recorded). */
  via_break_glass: boolean;
  break_glass_expires_at: string | null;
  /** May export a redacted case file for an audience outside the case team. */
  can_export?: boolean;
}

export interface ListResponse<T> {
  items: T[];
  total: number;
  /** More rows match than `total`: the server stops counting at a limit (shown as "10000+"). */
  total_capped?: boolean;
  limit: number;
  offset: number;
}

export interface Worklist {
  clues: ClueSummary[];
  cases: CaseSummary[];
  actions: (Action & { case_id: Id; case_reference: string })[];
  counts: { overdue: number; due_soon: number; open_cases: number; open_actions: number };
  /** Stalled referrals (victim support); see victim-api.ts ReferralAlert. */
  referral_alerts?: import('./victim-api').ReferralAlert[];
  /** Unread alerts, e.g. break-glass on my cases; see access-api.ts UserAlert. */
  alerts?: import('./access-api').UserAlert[];
}

export interface Board {
  pending_decisions: ClueSummary[];
  major_cases: CaseSummary[];
  workload: { user_id: Id; display_name: string; open_actions: number; overdue_actions: number; open_cases: number }[];
  assistance_incoming: (Assistance & { case_reference: string; case_id?: Id })[];
  counts: { overdue_decisions: number; due_soon_decisions: number; open_major: number };
}

export interface Totals {
  clues_received: number;
  cases_filed: number;
  cases_solved: number;
  historic_solved: number;
  suspects_arrested: number;
  overdue_decisions: number;
  open_major: number;
  minor_victim_cases: number;
}

export interface Dashboard {
  campaign: (Campaign & Record<string, unknown>) | null;
  scope_unit: (Unit & Record<string, unknown>) | null;
  totals: Totals;
  by_unit: ({ unit_id: Id; name: string; name_en: string } & Totals)[];
  by_month: { month: string; clues: number; filed: number; solved: number }[];
}

/** RFC 9457 problem details, as the server sends them. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  field?: string;
  duplicates?: DuplicateRef[];
}

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;
  readonly retryAfter: number | null;
  constructor(status: number, problem: Problem, retryAfter: number | null = null) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }
  get code(): string | undefined {
    return this.problem.code;
  }
  get field(): string | undefined {
    return this.problem.field;
  }
}

type UnauthorizedHandler = () => void;
let onUnauthorized: UnauthorizedHandler = () => {};
export function setUnauthorizedHandler(h: UnauthorizedHandler): void {
  onUnauthorized = h;
}

const BASE = '/api/v1';

// Why the user is looking (X-Aegis-Purpose): set once the session is known (session.ts), sent
// with every request after that and recorded by the server in each audit record.
let purpose: string | null = null;
export function setRequestPurpose(p: string | null): void {
  purpose = p;
}

export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (purpose) headers['X-Aegis-Purpose'] = purpose;
  let payload: string | undefined;
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let res: Response;
  try {
    res = await fetch(BASE + path, { method, headers, body: payload, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, { code: 'network', title: 'network' });
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }
  if (!res.ok) {
    const problem: Problem =
      data && typeof data === 'object' ? (data as Problem) : { status: res.status, title: res.statusText };
    const ra = res.headers.get('Retry-After');
    const err = new ApiError(res.status, problem, ra && /^\d+$/.test(ra) ? Number(ra) : null);
    if (res.status === 401 && path !== '/auth/login' && path !== '/auth/me') onUnauthorized();
    throw err;
  }
  return data as T;
}

export function qs(params: Record<string, string | number | boolean | null | undefined>): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    sp.set(k, String(v));
  }
  const s = sp.toString();
  return s ? `?${s}` : '';
}

// ---- Sign-in hardening: account security, second factor, sessions
export interface AccountSecurity {
  totp_enabled: boolean;
  totp_required: boolean;
  totp_pending: boolean;
  totp_enrolment_required: boolean;
  password_changed_at: string | null;
}

export interface TotpEnrolment {
  secret: string;
  otpauth_uri: string;
  algorithm: string;
  digits: number;
  period: number;
}

export interface SessionInfo {
  id: Id;
  created_at: string;
  last_seen: string;
  expires_at: string;
  remote: string;
  current: boolean;
  totp_enrolment_only: boolean;
}

export const api = {
  login: (username: string, password: string, totp?: string) =>
    request<{ token: string; user: User; totp_enrolment_required: boolean }>(
      'POST',
      '/auth/login',
      totp ? { username, password, totp } : { username, password },
    ),
  security: () => request<AccountSecurity>('GET', '/auth/security'),
  changePassword: (current_password: string, new_password: string) =>
    request<{ sessions_ended: number }>('POST', '/auth/password', { current_password, new_password }),
  enrolTotp: (current_password: string) => request<TotpEnrolment>('POST', '/auth/totp/enroll', { current_password }),
  confirmTotp: (code: string) => request<void>('POST', '/auth/totp/confirm', { code }),
  disableTotp: (current_password: string, code: string) =>
    request<void>('POST', '/auth/totp/disable', { current_password, code }),
  sessions: () => request<{ items: SessionInfo[] }>('GET', '/auth/sessions'),
  revokeSession: (id: Id) => request<void>('DELETE', `/auth/sessions/${id}`),
  logout: () => request<void>('POST', '/auth/logout'),
  me: () => request<User>('GET', '/auth/me'),
  meta: () => request<Meta>('GET', '/meta'),
  units: () => request<{ items: Unit[] }>('GET', '/units'),
  users: (params: { unit_id?: Id; role?: string } = {}) =>
    request<{ items: UserRef[] }>('GET', `/users${qs(params)}`),
  campaigns: () => request<{ items: Campaign[] }>('GET', '/campaigns'),

  clues: (params: Record<string, string | number | undefined>) =>
    request<ListResponse<ClueSummary>>('GET', `/clues${qs(params)}`),
  clue: (id: Id) => request<Clue>('GET', `/clues/${id}`),
  createClue: (body: ClueInput) => request<Clue>('POST', '/clues', body),
  checkDuplicates: (body: ClueInput) =>
    request<{ duplicates: DuplicateRef[] }>('POST', '/clues/check-duplicates', body),
  changeTrack: (id: Id, track: string, reason: string) =>
    request<Clue>('POST', `/clues/${id}/track`, { track, reason }),
  decide: (
    id: Id,
    body: { decision: 'file' | 'decline' | 'transfer'; reason?: string; to_unit_id?: Id; title?: string },
  ) => request<{ clue: Clue; case?: CaseSummary }>('POST', `/clues/${id}/decision`, body),

  cases: (params: Record<string, string | number | undefined>) =>
    request<ListResponse<CaseSummary>>('GET', `/cases${qs(params)}`),
  case: (id: Id) => request<Case>('GET', `/cases/${id}`),
  transition: (id: Id, body: { to: string; reason?: string; procuratorate_unit_id?: Id }) =>
    request<Case>('POST', `/cases/${id}/transitions`, body),
  setChecklist: (id: Id, key: string, done: boolean) =>
    request<Case>('PUT', `/cases/${id}/checklist/${encodeURIComponent(key)}`, { done }),
  addPerson: (
    id: Id,
    body: { role: string; sex: string; age_at_offence?: number; duty_of_care?: string; notes?: string; identity?: Partial<Identity> },
  ) => request<Case>('POST', `/cases/${id}/persons`, body),
  revealIdentity: (id: Id, pid: Id) => request<Identity>('GET', `/cases/${id}/persons/${pid}/identity`),
  addAction: (id: Id, body: { title: string; description?: string; owner_id?: Id; due_at?: string }) =>
    request<Case>('POST', `/cases/${id}/actions`, body),
  updateAction: (
    id: Id,
    aid: Id,
    body: { status?: string; result?: string; owner_id?: Id | null; due_at?: string | null },
  ) => request<Case>('PATCH', `/cases/${id}/actions/${aid}`, body),
  setTeam: (
    id: Id,
    body: { case_manager_id?: Id | null; lead_investigator_id?: Id | null; file_coordinator_id?: Id | null },
  ) => request<Case>('PUT', `/cases/${id}/team`, body),
  requestAssistance: (id: Id, to_unit_id: Id, req: string) =>
    request<Case>('POST', `/cases/${id}/assistance`, { to_unit_id, request: req }),
  answerAssistance: (aid: Id, accept: boolean, response: string) =>
    request<Assistance>('POST', `/assistance/${aid}/answer`, { accept, response }),
  share: (id: Id, unit_id: Id) => request<Case>('POST', `/cases/${id}/shares`, { unit_id }),

  worklist: () => request<Worklist>('GET', '/worklist'),
  board: () => request<Board>('GET', '/board'),
  dashboard: (params: { campaign_id?: Id; unit_id?: Id } = {}) =>
    request<Dashboard>('GET', `/dashboard${qs(params)}`),
};
