// Shared building blocks: async loading, states (loading / empty / error), badges, form fields,
// dialogs, pagination and toasts. Styling lives in styles.css.
import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { SelectHTMLAttributes } from 'preact';
import { ApiError } from './api';
import { colon, fmtDateTime, fmtRelative, has, label, t } from './i18n';
import { createStore, useStore } from './store';

// ---------------------------------------------------------------- async data

export interface Async<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
  setData: (v: T) => void;
}

export function useAsync<T>(fn: () => Promise<T>, deps: unknown[]): Async<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const gen = useRef(0);
  useEffect(() => {
    const my = ++gen.current;
    setLoading(true);
    setError(undefined);
    fn().then(
      (v) => {
        if (gen.current !== my) return;
        setData(v);
        setLoading(false);
      },
      (e) => {
        if (gen.current !== my) return;
        setError(e);
        setLoading(false);
      },
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((x) => x + 1), []);
  return { data, error, loading, reload, setData };
}

// ---------------------------------------------------------------- messages

/** A readable, translated message for an error thrown by the API client. */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 0) return t('app.network');
    const codeKey = `problem.${e.code ?? ''}`;
    let head: string;
    if (e.status === 403) head = t('problem.forbidden');
    else if (e.status === 404) head = t('problem.not_found');
    else if (e.status === 413) head = t('problem.too_large');
    else if (has(codeKey)) head = t(codeKey);
    else head = t('problem.unknown', { status: e.status });
    const detail = e.problem.detail;
    return detail && !head.includes(detail) ? `${head}${/[。.]$/.test(head) ? ' ' : colon()}${detail}` : head;
  }
  return t('app.error');
}

// ---------------------------------------------------------------- states

export function Spinner({ label: l }: { label?: string }) {
  return (
    <span class="spinner-wrap" role="status">
      <span class="spinner" aria-hidden="true" />
      <span class="visually-hidden">{l ?? t('app.loading')}</span>
    </span>
  );
}

/** Placeholder rows that keep the space the content will take. */
export function Skeleton({ rows = 3, height = 20 }: { rows?: number; height?: number }) {
  return (
    <div class="skeleton-block" aria-busy="true" role="status">
      <span class="visually-hidden">{t('app.loading')}</span>
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} class="skeleton" style={{ height: `${height}px`, width: `${90 - ((i * 17) % 35)}%` }} />
      ))}
    </div>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return (
    <div class="empty" role="note">
      <svg aria-hidden="true" viewBox="0 0 24 24" width="28" height="28" class="empty-icon">
        <path d="M4 6h16M4 12h16M4 18h10" stroke="currentColor" stroke-width="1.6" fill="none" stroke-linecap="round" />
      </svg>
      <p>{children}</p>
    </div>
  );
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <div class="alert alert-error" role="alert">
      <p>{errorMessage(error)}</p>
      {onRetry && (
        <button type="button" class="btn btn-secondary btn-sm" onClick={onRetry}>
          {t('app.retry')}
        </button>
      )}
    </div>
  );
}

export function Alert({
  kind = 'info',
  children,
  onDismiss,
  testid,
}: {
  kind?: 'info' | 'warn' | 'error' | 'success';
  children: ComponentChildren;
  onDismiss?: () => void;
  testid?: string;
}) {
  return (
    <div class={`alert alert-${kind}`} role={kind === 'error' ? 'alert' : 'status'} data-testid={testid}>
      <div class="alert-body">{children}</div>
      {onDismiss && (
        <button type="button" class="icon-btn" onClick={onDismiss} aria-label={t('common.dismiss')}>
          ×
        </button>
      )}
    </div>
  );
}

// ---------------------------------------------------------------- badges

export function Badge({ tone = 'neutral', children, title }: { tone?: string; children: ComponentChildren; title?: string }) {
  return (
    <span class={`badge badge-${tone}`} title={title}>
      {children}
    </span>
  );
}

const stageTone: Record<string, string> = {
  filed: 'info',
  under_investigation: 'info',
  suspect_identified: 'accent',
  suspect_detained: 'accent',
  solved: 'success',
  transferred_for_prosecution: 'success',
  prosecuted: 'success',
  closed: 'muted',
  suspended: 'warn',
  reopened: 'warn',
};

export function StageBadge({ stage }: { stage: string }) {
  return (
    <Badge tone={stageTone[stage] ?? 'neutral'}>
      <span data-stage={stage}>{label('stage', stage)}</span>
    </Badge>
  );
}

const deadlineIcon: Record<string, string> = {
  on_time: '○',
  due_soon: '◐',
  overdue: '●',
  met: '✓',
  missed: '!',
};

/** Deadline state as text + symbol + colour (never colour alone), with the relative time. */
export function DeadlineBadge({ state, deadline, compact }: { state: string | null | undefined; deadline?: string | null; compact?: boolean }) {
  if (!state) return <span class="muted">–</span>;
  const rel = deadline && (state === 'on_time' || state === 'due_soon' || state === 'overdue') ? fmtRelative(deadline) : '';
  return (
    <span class={`deadline deadline-${state}`} data-deadline-state={state} title={deadline ? fmtDateTime(deadline) : undefined}>
      <span aria-hidden="true" class="deadline-icon">
        {deadlineIcon[state] ?? '○'}
      </span>
      <span class="deadline-label">{label('deadline', state)}</span>
      {rel && !compact && <span class="deadline-rel">{rel}</span>}
    </span>
  );
}

export function MajorBadge() {
  return (
    <Badge tone="danger">
      <span aria-hidden="true">▲ </span>
      {t('case.major')}
    </Badge>
  );
}

// ---------------------------------------------------------------- layout pieces

export function Section({
  title,
  id,
  actions,
  children,
  class: cls,
  description,
}: {
  title: ComponentChildren;
  id?: string;
  actions?: ComponentChildren;
  children: ComponentChildren;
  class?: string;
  description?: ComponentChildren;
}) {
  const hid = id ? `${id}-h` : undefined;
  return (
    <section class={`card ${cls ?? ''}`} id={id} aria-labelledby={hid}>
      <header class="card-head">
        <h2 id={hid}>{title}</h2>
        {actions && <div class="card-actions">{actions}</div>}
      </header>
      {description && <p class="card-desc">{description}</p>}
      <div class="card-body">{children}</div>
    </section>
  );
}

export function StatCard({ label: l, value, tone = 'neutral', testid, href }: { label: string; value: ComponentChildren; tone?: string; testid?: string; href?: string }) {
  const inner = (
    <>
      <span class="stat-value">{value}</span>
      <span class="stat-label">{l}</span>
    </>
  );
  return href ? (
    <a class={`stat stat-${tone}`} data-testid={testid} href={href}>
      {inner}
    </a>
  ) : (
    <div class={`stat stat-${tone}`} data-testid={testid}>
      {inner}
    </div>
  );
}

export function PageHeader({ title, children, sub }: { title: ComponentChildren; children?: ComponentChildren; sub?: ComponentChildren }) {
  return (
    <div class="page-head">
      <div>
        <h1 tabIndex={-1} id="page-title">
          {title}
        </h1>
        {sub && <div class="page-sub">{sub}</div>}
      </div>
      {children && <div class="page-actions">{children}</div>}
    </div>
  );
}

export function DL({ items }: { items: [string, ComponentChildren][] }) {
  return (
    <dl class="dl">
      {items.map(([k, v]) => (
        <div class="dl-row" key={k}>
          <dt>{k}</dt>
          <dd>{v === '' || v === null || v === undefined ? <span class="muted">–</span> : v}</dd>
        </div>
      ))}
    </dl>
  );
}

// ---------------------------------------------------------------- forms

export interface FieldA11y {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: 'true' | undefined;
  'aria-required'?: 'true' | undefined;
}

export function Field({
  id,
  label: l,
  required,
  hint,
  error,
  children,
  class: cls,
  optionalMark,
}: {
  id: string;
  label: ComponentChildren;
  required?: boolean;
  hint?: ComponentChildren;
  error?: string | null;
  children: (a: FieldA11y) => ComponentChildren;
  class?: string;
  optionalMark?: boolean;
}) {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-err` : ''].filter(Boolean).join(' ');
  const a: FieldA11y = {
    id,
    'aria-describedby': ids || undefined,
    'aria-invalid': error ? 'true' : undefined,
    'aria-required': required ? 'true' : undefined,
  };
  return (
    <div class={`field ${error ? 'has-error' : ''} ${cls ?? ''}`} data-field={id}>
      <label for={id} class="field-label">
        {l}
        {required && (
          <span class="req" aria-hidden="true">
            {' '}*
          </span>
        )}
        {optionalMark && <span class="opt">{t('common.optionalMark')}</span>}
      </label>
      {children(a)}
      {hint && (
        <p class="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <p class="field-error" id={`${id}-err`} role={error ? 'alert' : undefined} data-testid={error ? `error-${id}` : undefined}>
        {error ?? ''}
      </p>
    </div>
  );
}

export function Check({
  id,
  checked,
  onChange,
  children,
  disabled,
}: {
  id: string;
  checked: boolean;
  onChange: (v: boolean) => void;
  children: ComponentChildren;
  disabled?: boolean;
}) {
  return (
    <label class="check" for={id}>
      <input id={id} type="checkbox" checked={checked} disabled={disabled} onChange={(e) => onChange((e.currentTarget as HTMLInputElement).checked)} />
      <span>{children}</span>
    </label>
  );
}

export function Options({ values, group, placeholder }: { values: string[]; group: Parameters<typeof label>[0]; placeholder?: string }) {
  return (
    <>
      {placeholder !== undefined && <option value="">{placeholder}</option>}
      {values.map((v) => (
        <option value={v} key={v}>
          {label(group, v)}
        </option>
      ))}
    </>
  );
}


/**
 * A controlled <select> that keeps the shown option in step with `value` even when its options
 * change after the value was set (options loaded later, or the selected option removed).
 */
export function Select(props: SelectHTMLAttributes<HTMLSelectElement> & { value: string }) {
  const ref = useRef<HTMLSelectElement>(null);
  useLayoutEffect(() => {
    const el = ref.current;
    if (el && (el.selectedIndex < 0 || el.value !== props.value)) el.value = props.value;
  });
  return <select ref={ref} {...props} />;
}

// ---------------------------------------------------------------- dialog

export function Modal({
  title,
  onClose,
  children,
  footer,
  testid,
  size,
}: {
  title: ComponentChildren;
  onClose: () => void;
  children: ComponentChildren;
  footer?: ComponentChildren;
  testid?: string;
  size?: 'sm' | 'md';
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return undefined;
    const opener = document.activeElement as HTMLElement | null;
    if (!d.open) d.showModal();
    const first = d.querySelector<HTMLElement>('input:not([type=hidden]), select, textarea, button.btn-primary');
    first?.focus();
    const onCancel = (ev: Event) => {
      ev.preventDefault();
      onClose();
    };
    d.addEventListener('cancel', onCancel);
    return () => {
      d.removeEventListener('cancel', onCancel);
      if (d.open) d.close();
      opener?.focus?.();
    };
  }, []);
  return (
    <dialog ref={ref} class={`modal modal-${size ?? 'md'}`} aria-labelledby="modal-title" data-testid={testid}>
      <div class="modal-head">
        <h2 id="modal-title">{title}</h2>
        <button type="button" class="icon-btn" onClick={onClose} aria-label={t('common.close')}>
          ×
        </button>
      </div>
      <div class="modal-body">{children}</div>
      {footer && <div class="modal-foot">{footer}</div>}
    </dialog>
  );
}

// ---------------------------------------------------------------- pagination

export function Pagination({
  total,
  capped = false,
  limit,
  offset,
  onPage,
}: {
  total: number;
  capped?: boolean;
  limit: number;
  offset: number;
  onPage: (offset: number) => void;
}) {
  const pages = Math.max(1, Math.ceil(total / limit));
  const page = Math.floor(offset / limit) + 1;
  const from = total === 0 ? 0 : offset + 1;
  const to = Math.min(total, offset + limit);
  const shownTotal = capped ? `${total}+` : total;
  return (
    <nav class="pagination" aria-label={t('common.pagination')}>
      <span class="muted" aria-live="polite">
        {t('common.range', { from, to, total: shownTotal })}
      </span>
      <div class="pagination-btns">
        <button type="button" class="btn btn-secondary btn-sm" disabled={page <= 1} onClick={() => onPage(Math.max(0, offset - limit))}>
          ‹ {t('common.prev')}
        </button>
        <span class="pagination-page">{t('common.page', { page, pages: capped ? `${pages}+` : pages })}</span>
        <button type="button" class="btn btn-secondary btn-sm" disabled={page >= pages && !capped} onClick={() => onPage(offset + limit)}>
          {t('common.next')} ›
        </button>
      </div>
    </nav>
  );
}

// ---------------------------------------------------------------- toasts

interface Toast {
  id: number;
  kind: 'success' | 'error' | 'info';
  text: string;
}
const toastStore = createStore<Toast[]>([]);
let toastSeq = 0;

export function toast(text: string, kind: Toast['kind'] = 'success'): void {
  const id = ++toastSeq;
  toastStore.set([...toastStore.get(), { id, kind, text }]);
  window.setTimeout(() => toastStore.set(toastStore.get().filter((x) => x.id !== id)), kind === 'error' ? 8000 : 5000);
}

export function Toasts() {
  const list = useStore(toastStore);
  return (
    <div class="toasts" aria-live="polite" aria-atomic="false" data-testid="toasts">
      {list.map((x) => (
        <div key={x.id} class={`toast toast-${x.kind}`} role={x.kind === 'error' ? 'alert' : 'status'}>
          <span>{x.text}</span>
          <button type="button" class="icon-btn" aria-label={t('common.dismiss')} onClick={() => toastStore.set(toastStore.get().filter((y) => y.id !== x.id))}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}


/** Sets the document title. Titles carry page names and references only, never identity. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · ${t('app.short')}`;
  }, [title]);
}
