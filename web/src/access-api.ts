// Client for the need-to-know routes (docs/api.md, "Need-to-know access"): case sensitivity labels,
// break-glass and its review, and the user's alerts. Kept beside api.ts so that the feature stays in
// its own files.
import { qs, request, type Case, type Id } from './api';

/** Labels a case can carry; minor_victim is derived from the facts, the others are set. */
export const CASE_LABELS = ['minor_victim', 'restricted', 'sealed'] as const;
/** Sections that can be restricted to the case team on their own. */
export const CASE_SECTIONS = ['persons', 'victim_support', 'actions', 'timeline'] as const;
export type CaseSection = (typeof CASE_SECTIONS)[number];

export interface SensitivityInput {
  restricted?: boolean;
  sealed?: boolean;
  seal_reference?: string;
  restricted_sections?: string[];
  reason: string;
}

export interface BreakGlassGrant {
  id: Id;
  case_id: Id;
  case_reference: string;
  user_id: Id;
  user_name: string;
  user_unit_name: string;
  /** Empty for privacy officers (it can quote case content). */
  reason: string;
  granted_at: string;
  expires_at: string;
  reviewed_by: Id | null;
  reviewer_name: string;
  reviewed_at: string | null;
  justified: boolean | null;
  review_note: string;
}

export interface UserAlert {
  id: Id;
  kind: string;
  case_id: Id | null;
  case_reference: string;
  grant_id?: Id | null;
  /** For break_glass: {by, reference, reason}. Never identity fields. */
  detail: { by?: string; reference?: string; reason?: string } & Record<string, unknown>;
  created_at: string;
  read_at?: string | null;
}

/** Minimum length of a break-glass reason (the server checks it too). */
export const BREAK_GLASS_MIN_REASON = 10;
export const BREAK_GLASS_MAX_REASON = 1000;

export const accessApi = {
  setSensitivity: (caseId: Id, body: SensitivityInput) => request<Case>('POST', `/cases/${caseId}/sensitivity`, body),
  breakGlass: (body: { case_id?: Id; reference?: string; reason: string }) => request<BreakGlassGrant>('POST', '/break-glass', body),
  grants: (unreviewed: boolean) => request<{ items: BreakGlassGrant[] }>('GET', `/break-glass${qs({ unreviewed: unreviewed || undefined })}`),
  review: (id: Id, justified: boolean, note: string) =>
    request<BreakGlassGrant>('POST', `/break-glass/${id}/review`, note ? { justified, note } : { justified }),
  alerts: (unread: boolean) => request<{ items: UserAlert[] }>('GET', `/alerts${qs({ unread: unread || undefined })}`),
  markRead: (id: Id) => request<void>('POST', `/alerts/${id}/read`),
};
