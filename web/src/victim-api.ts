// Typed client for the victim-support API (docs/api.md, "Victim support"): interviews, contact
// preferences, consents, referrals, the partner agencies' view and the survivor status page.
import { qs, request, type Id } from './api';

export const INTERVIEW_LOCATIONS = ['one_stop_room', 'police_interview_room', 'hospital', 'home', 'school', 'other'] as const;
export const ATTENDEES = ['guardian', 'appropriate_adult', 'female_officer', 'counsellor', 'interpreter', 'social_worker', 'lawyer'] as const;
export const CHANNELS = ['sms', 'phone', 'in_person', 'through_guardian'] as const;
export const WHO_MAY_CONTACT = ['case_team_only', 'female_officer_only', 'any_officer'] as const;
export const CONSENT_GIVERS = ['victim', 'guardian', 'victim_and_guardian'] as const;
export const CONTACT_FIELDS = ['phone', 'guardian_contact', 'contact_preferences', 'name', 'address'] as const;
export const REFERRAL_KINDS = ['counselling', 'legal_aid', 'medical_care', 'education_support', 'civil_affairs', 'womens_federation'] as const;
export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export interface UnitName {
  id: Id;
  name: string;
  name_en: string;
}

export interface Interview {
  id: Id;
  number: number;
  started_at: string;
  duration_minutes: number;
  location: string;
  location_note: string;
  conducted_by: Id;
  conducted_by_name: string;
  present: string[];
  female_officer_requested: boolean;
  recorded: boolean;
  notes: string;
  approval_id: Id | null;
}

export interface InterviewApproval {
  id: Id;
  status: 'requested' | 'approved' | 'refused' | 'used';
  reason: string;
  requested_by: Id;
  requested_by_name: string;
  requested_at: string;
  decided_by_name: string;
  decided_at: string | null;
  decision_note: string;
  used_by_interview: Id | null;
}

export interface Consent {
  id: Id;
  given_by: string;
  giver_relationship: string;
  given_at: string;
  recorded_by_name: string;
  agencies: UnitName[];
  fields: string[];
  notes: string;
  active: boolean;
  withdrawn_at: string | null;
  withdrawal_note: string;
}

export interface ReferralUpdate {
  at: string;
  from: string | null;
  to: string;
  note: string;
  by: 'police' | 'agency';
  actor_name: string;
}

export interface CaseReferral {
  id: Id;
  reference: string;
  partner: UnitName;
  kind: string;
  need: string;
  due_at: string;
  status: string;
  status_reason: string;
  partner_contact: string;
  partner_note: string;
  created_by_name: string;
  created_at: string;
  updated_at: string;
  stall: 'none' | 'not_started' | 'no_progress';
  consent_id: Id;
  consent_active: boolean;
  history: ReferralUpdate[];
}

export interface OutboxEntry {
  id: Id;
  kind: 'referral_update' | 'case_progress';
  status: 'queued' | 'task' | 'held' | 'suppressed' | 'cancelled';
  channel: string | null;
  who: string;
  language: string;
  not_before: string;
  reason: string;
  message: string;
  referral_id: Id | null;
  created_at: string;
}

export interface VictimEntry {
  person_id: Id;
  pseudonym: string;
  sex: string;
  age_at_offence: number | null;
  minor: boolean;
  interview_count: number;
  next_interview_needs_approval: boolean;
  has_unused_approval: boolean;
  interviews: Interview[];
  approvals: InterviewApproval[];
  preferences_updated_at: string | null;
  consents: Consent[];
  referrals: CaseReferral[];
  survivor_code: { issued_at: string; expires_at: string; uses_left: number; last_used_at: string | null; issued_by_name: string } | null;
  notifications: OutboxEntry[];
}

export interface VictimSupport {
  case_id: Id;
  case_reference: string;
  can_record_interview: boolean;
  can_approve: boolean;
  can_manage: boolean;
  can_read_preferences: boolean;
  victims: VictimEntry[];
}

export interface ContactPreferences {
  channels: string[];
  phone?: string;
  window_start: string;
  window_end: string;
  days: string[];
  utc_offset_minutes?: number;
  who_may_contact: string;
  language: string;
  notify_referrals: boolean;
  notify_case_progress: boolean;
  guardian_name?: string;
  guardian_phone?: string;
  notes: string;
}

export interface InterviewInput {
  person_id: Id;
  started_at: string;
  duration_minutes: number;
  location: string;
  location_note?: string;
  present: string[];
  female_officer_requested: boolean;
  recorded: boolean;
  notes?: string;
}

export interface ConsentInput {
  person_id: Id;
  given_by: string;
  giver_relationship?: string;
  agency_unit_ids: Id[];
  fields: string[];
  notes?: string;
}

export interface ReferralInput {
  person_id: Id;
  consent_id: Id;
  partner_unit_id: Id;
  kind: string;
  need: string;
  due_at?: string;
}

export interface SharedContact {
  fields: string[];
  name?: string;
  phone?: string;
  address?: string;
  guardian_name?: string;
  guardian_phone?: string;
  preferences?: Omit<ContactPreferences, 'phone' | 'guardian_name' | 'guardian_phone'> | null;
}

export interface PartnerReferral {
  id: Id;
  reference: string;
  pseudonym: string;
  agency: UnitName;
  kind: string;
  need: string;
  due_at: string;
  status: string;
  status_reason: string;
  partner_contact: string;
  partner_note: string;
  created_at: string;
  updated_at: string;
  stall: 'none' | 'not_started' | 'no_progress';
  consent_withdrawn: boolean;
  contact: SharedContact | null;
  history?: ReferralUpdate[];
}

export interface ReferralAlert {
  referral_id: Id;
  reference: string;
  case_id: Id;
  case_reference: string;
  pseudonym: string;
  partner: UnitName;
  kind: string;
  status: string;
  due_at: string;
  updated_at: string;
  stall: 'not_started' | 'no_progress';
}

export interface SurvivorStatus {
  reference: string;
  stage: string;
  evidence_kit: { collected: boolean; collected_on: string | null; examined: boolean; examined_on: string | null };
  referrals: { kind: string; agency: { name: string; name_en: string }; status: string; contact: string }[];
  code: { uses_left: number; expires_at: string };
}

export const victimApi = {
  support: (caseId: Id) => request<VictimSupport>('GET', `/cases/${caseId}/victim-support`),
  recordInterview: (caseId: Id, body: InterviewInput) => request<VictimSupport>('POST', `/cases/${caseId}/interviews`, body),
  requestFurther: (caseId: Id, person_id: Id, reason: string) =>
    request<VictimSupport>('POST', `/cases/${caseId}/interview-approvals`, { person_id, reason }),
  decideFurther: (caseId: Id, approvalId: Id, approve: boolean, note: string) =>
    request<VictimSupport>('POST', `/cases/${caseId}/interview-approvals/${approvalId}/decision`, { approve, note }),
  preferences: (caseId: Id, personId: Id) =>
    request<ContactPreferences>('GET', `/cases/${caseId}/persons/${personId}/contact-preferences`),
  setPreferences: (caseId: Id, personId: Id, body: ContactPreferences) =>
    request<VictimSupport>('PUT', `/cases/${caseId}/persons/${personId}/contact-preferences`, body),
  recordConsent: (caseId: Id, body: ConsentInput) => request<VictimSupport>('POST', `/cases/${caseId}/consents`, body),
  withdrawConsent: (caseId: Id, consentId: Id, note: string) =>
    request<VictimSupport>('POST', `/cases/${caseId}/consents/${consentId}/withdraw`, { note }),
  refer: (caseId: Id, body: ReferralInput) => request<VictimSupport>('POST', `/cases/${caseId}/referrals`, body),
  issueCode: (caseId: Id, personId: Id) =>
    request<{ code: string; expires_at: string; uses_left: number }>('POST', `/cases/${caseId}/persons/${personId}/survivor-code`),
  revokeCode: (caseId: Id, personId: Id) =>
    request<VictimSupport>('POST', `/cases/${caseId}/persons/${personId}/survivor-code/revoke`),

  referrals: (params: { status?: string; limit?: number; offset?: number; sort?: string; order?: string }) =>
    request<{ items: PartnerReferral[]; total: number; total_capped?: boolean; limit: number; offset: number }>(
      'GET',
      `/referrals${qs(params)}`,
    ),
  referral: (id: Id) => request<PartnerReferral>('GET', `/referrals/${id}`),
  updateReferral: (id: Id, body: { status: string; reason?: string; partner_contact?: string; note?: string }) =>
    request<PartnerReferral>('POST', `/referrals/${id}/status`, body),

  survivorStatus: (reference: string, code: string) =>
    request<SurvivorStatus>('POST', '/survivor/status', { reference, code }),
};
