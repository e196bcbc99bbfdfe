// Client for the audit search (GET /api/v1/audit, docs/api.md). Kept beside api.ts so that the
// audit feature stays in its own files.
import { qs, request, type Id } from './api';

export interface AuditRecord {
  seq: number;
  at: string;
  user_id: Id | null;
  user_name: string;
  user_unit_id: Id | null;
  user_unit_name: string;
  action: string;
  object_type: string;
  object_id: Id | null;
  object_unit_id: Id | null;
  /** An access to a case, clue, person or assistance request outside the actor's unit subtree (or to an id that names nothing). */
  outside_unit: boolean;
  allowed: boolean;
  purpose: string;
  remote: string;
  detail: Record<string, unknown>;
  hash: string;
}

export interface AuditList {
  items: AuditRecord[];
  total: number;
  total_capped: boolean;
  limit: number;
  offset: number;
}

export interface AuditQuery {
  user_id?: Id;
  object_type?: string;
  object_id?: Id;
  action?: string;
  allowed?: boolean;
  since?: string;
  until?: string;
  outside_unit?: boolean;
  limit?: number;
  offset?: number;
}

export function searchAudit(q: AuditQuery): Promise<AuditList> {
  return request<AuditList>('GET', `/audit${qs({ ...q })}`);
}
