// Typed client for case exports (docs/api.md, "Exports"): preview, confirm, list, download.
import { request, type Id } from './api';

export const EXPORT_AUDIENCES = ['prosecution', 'court', 'partner_agency', 'joint_team', 'other'] as const;
export const SPAN_KINDS = ['person_name', 'id_number', 'phone', 'email', 'address', 'school', 'workplace', 'other'] as const;

export interface ExportTerm {
  text: string;
  kind?: string;
}

export interface ExportRequest {
  audience: string;
  purpose: string;
  recipient?: string;
  language: 'zh' | 'en';
  extra_terms?: ExportTerm[];
  unmask?: string[];
  preview_hash?: string;
}

export interface ExportSpan {
  id: string;
  kind: string;
  /** identity: a victim's identity or a structured identity field; added_term: the officer's term. */
  source: 'identity' | 'added_term' | 'pattern';
  masked: boolean;
  placeholder: string;
  /** Pattern hits only. */
  original?: string;
}

export type ExportSegment = { text: string } | { span: string };

export interface ExportField {
  key: string;
  segments: ExportSegment[];
}

export interface ExportSection {
  key: string;
  items: { fields: ExportField[] }[];
}

export interface ExportPreview {
  case_id: Id;
  case_reference: string;
  audience: string;
  language: 'zh' | 'en';
  preview_hash: string;
  masked: number;
  unmasked: number;
  masked_by_kind: Record<string, number>;
  spans: ExportSpan[];
  sections: ExportSection[];
}

export interface ExportRecord {
  id: Id;
  case_id: Id;
  case_reference: string;
  created_at: string;
  created_by: { id: Id; name: string };
  audience: string;
  recipient: string;
  purpose: string;
  language: string;
  document_hash: string;
  masked_spans: number;
  unmasked_spans: number;
  added_terms: number;
  document?: unknown;
}

export const exportApi = {
  preview: (caseId: Id, body: ExportRequest) => request<ExportPreview>('POST', `/cases/${caseId}/exports/preview`, body),
  create: (caseId: Id, body: ExportRequest) => request<ExportRecord>('POST', `/cases/${caseId}/exports`, body),
  list: (caseId: Id) => request<{ items: ExportRecord[] }>('GET', `/cases/${caseId}/exports`),
  get: (id: Id) => request<ExportRecord>('GET', `/exports/${id}`),
};
