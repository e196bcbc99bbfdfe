// Export of a case file for an audience outside the case team (#/cases/{id}/export): settings,
// the redacted preview with every masked span highlighted by kind, toggling of pattern hits the
// officer judges false positives, extra terms to mask, confirmation, and the case's earlier
// exports. The server decides everything (what is masked, who may export); victims' identities
// never reach this page, only their placeholders.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { api } from '../api';
import {
  EXPORT_AUDIENCES,
  SPAN_KINDS,
  exportApi,
  type ExportField,
  type ExportPreview,
  type ExportRecord,
  type ExportRequest,
  type ExportSpan,
  type ExportTerm,
} from '../export-api';
import { colon, fmtDateTime, fmtNumber, label, lang, t } from '../i18n';
import type { MessageKey } from '../locales/zh';
import { href } from '../router';
import {
  Alert,
  Badge,
  Empty,
  errorMessage,
  ErrorState,
  Field,
  PageHeader,
  Section,
  Select,
  Skeleton,
  toast,
  useAsync,
  useTitle,
} from '../ui';
import './export.css';

function msg(key: string): string {
  return t(key as MessageKey);
}

/** A structured value in the reader's language (stable names become labels, times local). */
function plainValue(section: string, key: string, value: string): string {
  if (key === 'stage') return label('stage', value);
  if (key === 'role') return label('personRole', value);
  if (key === 'sex') return label('sex', value);
  if (key === 'duty_of_care') return label('duty', value);
  if (key === 'event') return label('event', value);
  if (key === 'status') return label(section === 'assistance' ? 'assistStatus' : 'actionStatus', value);
  if (value === 'true' || value === 'false') return t(value === 'true' ? 'common.yes' : 'common.no');
  if (/^\d{4}-\d{2}-\d{2}T/.test(value)) return fmtDateTime(value);
  return value;
}

function SpanMark({ span, onToggle }: { span: ExportSpan; onToggle: (id: string) => void }) {
  const kind = label('spanKind', span.kind) || span.kind;
  if (span.source !== 'pattern') {
    // A victim's identity or the officer's own term: always masked, nothing to reveal here.
    const why = span.source === 'identity' ? t('export.lockedIdentity') : t('export.lockedTerm');
    return (
      <mark class={`redact redact-${span.kind} redact-locked`} title={`${kind} · ${why}`} data-span={span.id} data-source={span.source}>
        <svg viewBox="0 0 24 24" width="11" height="11" aria-hidden="true" class="redact-lock">
          <path d="M7 10V7a5 5 0 0 1 10 0v3M5 10h14v10H5z" stroke="currentColor" stroke-width="2.2" fill="none" stroke-linejoin="round" />
        </svg>
        {span.placeholder}
      </mark>
    );
  }
  return (
    <button
      type="button"
      class={`redact redact-${span.kind} ${span.masked ? '' : 'redact-open'}`}
      aria-pressed={!span.masked}
      title={span.masked ? t('export.showHit', { kind }) : t('export.maskHit', { kind })}
      data-span={span.id}
      data-source={span.source}
      onClick={() => onToggle(span.id)}
    >
      {span.masked ? span.placeholder : span.original}
    </button>
  );
}

function FieldValue({ section, field, spans, onToggle }: { section: string; field: ExportField; spans: Map<string, ExportSpan>; onToggle: (id: string) => void }) {
  const plainOnly = field.segments.every((s) => 'text' in s);
  if (plainOnly) {
    const text = field.segments.map((s) => ('text' in s ? s.text : '')).join('');
    return <>{plainValue(section, field.key, text)}</>;
  }
  return (
    <span class="prewrap">
      {field.segments.map((s, i) => {
        if ('text' in s) return <span key={i}>{s.text}</span>;
        const span = spans.get(s.span);
        return span ? <SpanMark key={i} span={span} onToggle={onToggle} /> : null;
      })}
    </span>
  );
}

function PreviewDocument({ preview, spans, onToggle }: { preview: ExportPreview; spans: Map<string, ExportSpan>; onToggle: (id: string) => void }) {
  return (
    <div class="export-doc" data-testid="export-document" lang={preview.language === 'zh' ? 'zh-CN' : 'en'}>
      {preview.sections.map((section) => (
        <section key={section.key} class="export-section" data-section={section.key}>
          <h3>{msg(`export.section.${section.key}`)}</h3>
          {section.items.length === 0 ? (
            <p class="muted small">{t('export.sectionEmpty')}</p>
          ) : (
            section.items.map((item, i) => (
              <dl class="dl export-item" key={i}>
                {item.fields.map((f) => (
                  <div class="dl-row" key={f.key}>
                    <dt>{msg(`export.field.${f.key}`)}</dt>
                    <dd>
                      <FieldValue section={section.key} field={f} spans={spans} onToggle={onToggle} />
                    </dd>
                  </div>
                ))}
              </dl>
            ))
          )}
        </section>
      ))}
    </div>
  );
}

function Legend({ spans }: { spans: ExportSpan[] }) {
  const counts = new Map<string, number>();
  for (const s of spans) counts.set(s.kind, (counts.get(s.kind) ?? 0) + 1);
  return (
    <ul class="export-legend" aria-label={t('export.legend')} data-testid="export-legend">
      {SPAN_KINDS.filter((k) => counts.has(k)).map((k) => (
        <li key={k} class={`redact redact-${k}`} data-kind={k}>
          {label('spanKind', k)} <strong>{fmtNumber(counts.get(k))}</strong>
        </li>
      ))}
      <li class="export-legend-total">
        {t('export.counts', { masked: fmtNumber(spans.filter((s) => s.masked).length), open: fmtNumber(spans.filter((s) => !s.masked).length) })}
      </li>
    </ul>
  );
}

/** Saves an export's document as a JSON file. */
async function download(record: ExportRecord) {
  const full = record.document ? record : await exportApi.get(record.id);
  const blob = new Blob([JSON.stringify(full.document, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `${full.case_reference}-export-${full.id}.json`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function ExportList({ caseId, refresh }: { caseId: number; refresh: number }) {
  const list = useAsync(() => exportApi.list(caseId), [caseId, refresh]);
  const [busy, setBusy] = useState<number | null>(null);
  const save = async (r: ExportRecord) => {
    setBusy(r.id);
    try {
      await download(r);
    } catch (e) {
      toast(errorMessage(e), 'error');
    } finally {
      setBusy(null);
    }
  };
  return (
    <Section title={t('export.history')} id="export-history">
      {list.error !== undefined ? (
        <ErrorState error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <Skeleton rows={2} />
      ) : list.data.items.length === 0 ? (
        <Empty>{t('export.noHistory')}</Empty>
      ) : (
        <div class="table-wrap">
          <table class="table" data-testid="export-history">
            <thead>
              <tr>
                <th scope="col">{t('export.when')}</th>
                <th scope="col">{t('export.audience')}</th>
                <th scope="col">{t('export.purpose')}</th>
                <th scope="col">{t('export.by')}</th>
                <th scope="col">{t('export.maskedCol')}</th>
                <th scope="col">
                  <span class="visually-hidden">{t('export.download')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((r) => (
                <tr key={r.id} data-export-id={r.id}>
                  <td>{fmtDateTime(r.created_at)}</td>
                  <td>
                    {label('exportAudience', r.audience)}
                    {r.recipient && <div class="small muted">{r.recipient}</div>}
                  </td>
                  <td class="prewrap">{r.purpose}</td>
                  <td>{r.created_by.name}</td>
                  <td>
                    {fmtNumber(r.masked_spans)}
                    {r.unmasked_spans > 0 && <span class="small muted"> · {t('export.keptN', { n: r.unmasked_spans })}</span>}
                  </td>
                  <td>
                    <button type="button" class="btn btn-secondary btn-sm" disabled={busy === r.id} onClick={() => save(r)} data-testid="export-download">
                      {t('export.download')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}

export function ExportPage({ caseId }: { caseId: number }) {
  const c = useAsync(() => api.case(caseId), [caseId]);
  const [audience, setAudience] = useState('');
  const [recipient, setRecipient] = useState('');
  const [purpose, setPurpose] = useState('');
  const [language, setLanguage] = useState<'zh' | 'en'>(lang());
  const [terms, setTerms] = useState<ExportTerm[]>([]);
  const [termText, setTermText] = useState('');
  const [termKind, setTermKind] = useState('other');
  const [preview, setPreview] = useState<ExportPreview | null>(null);
  const [spans, setSpans] = useState<ExportSpan[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<ExportRecord | null>(null);
  const [refresh, setRefresh] = useState(0);
  useTitle(c.data ? t('export.title', { ref: c.data.reference }) : t('export.titlePlain'));

  const validate = (): boolean => {
    const e: Record<string, string> = {};
    if (!audience) e.audience = t('export.audienceRequired');
    if (!purpose.trim()) e.purpose = t('export.purposeRequired');
    setErrors(e);
    return Object.keys(e).length === 0;
  };
  const body = (withTerms: ExportTerm[], lng: 'zh' | 'en'): ExportRequest => ({
    audience,
    purpose: purpose.trim(),
    recipient: recipient.trim(),
    language: lng,
    extra_terms: withTerms,
  });
  const runPreview = async (withTerms = terms, lng = language) => {
    if (!validate()) return;
    setBusy(true);
    setFailure(null);
    try {
      const p = await exportApi.preview(caseId, body(withTerms, lng));
      setPreview(p);
      setSpans(p.spans);
      setDone(null);
    } catch (e) {
      setFailure(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const toggle = (id: string) => setSpans((all) => all.map((s) => (s.id === id && s.source === 'pattern' ? { ...s, masked: !s.masked } : s)));
  const addTerm = () => {
    const text = termText.trim();
    if (!text) return;
    if ([...text].length < 2) {
      setErrors((e) => ({ ...e, term: t('export.termTooShort') }));
      return;
    }
    const next = [...terms.filter((x) => x.text !== text), { text, kind: termKind }];
    setTerms(next);
    setTermText('');
    setErrors((e) => ({ ...e, term: '' }));
    if (preview) void runPreview(next);
  };
  const removeTerm = (text: string) => {
    const next = terms.filter((x) => x.text !== text);
    setTerms(next);
    if (preview) void runPreview(next);
  };
  const confirm = async () => {
    if (!preview || !validate()) return;
    setBusy(true);
    setFailure(null);
    try {
      const record = await exportApi.create(caseId, {
        ...body(terms, preview.language),
        unmask: spans.filter((s) => !s.masked).map((s) => s.id),
        preview_hash: preview.preview_hash,
      });
      setDone(record);
      setPreview(null);
      setSpans([]);
      setRefresh((x) => x + 1);
      toast(t('export.done'));
    } catch (e) {
      setFailure(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  if (c.error !== undefined && !c.data) {
    return (
      <div>
        <PageHeader title={t('export.titlePlain')} />
        <ErrorState error={c.error} />
        <a href={href('/cases')} class="btn btn-secondary">
          {t('case.back')}
        </a>
      </div>
    );
  }
  if (!c.data) {
    return (
      <div class="card" aria-busy="true">
        <Skeleton rows={6} />
      </div>
    );
  }
  const data = c.data;
  const back = (
    <a href={href(`/cases/${caseId}`)} class="btn btn-ghost">
      ‹ {t('export.backToCase')}
    </a>
  );
  if (!data.can_export) {
    return (
      <div>
        <PageHeader title={t('export.title', { ref: data.reference })}>{back}</PageHeader>
        <Alert kind="error">{t('export.notAllowed')}</Alert>
      </div>
    );
  }
  const spanMap = new Map(spans.map((s) => [s.id, s]));
  const kept = spans.filter((s) => !s.masked).length;
  const settings: ComponentChildren = (
    <Section title={t('export.settings')} id="export-settings" description={t('export.intro')}>
      <div class="form-grid">
        <Field id="export-audience" label={t('export.audience')} required error={errors.audience}>
          {(a) => (
            <Select {...a} value={audience} onChange={(e) => setAudience(e.currentTarget.value)} data-testid="export-audience">
              <option value="">{t('common.select')}</option>
              {EXPORT_AUDIENCES.map((v) => (
                <option key={v} value={v}>
                  {label('exportAudience', v)}
                </option>
              ))}
            </Select>
          )}
        </Field>
        <Field id="export-recipient" label={t('export.recipient')} optionalMark hint={t('export.recipientHint')}>
          {(a) => <input {...a} maxLength={200} value={recipient} onInput={(e) => setRecipient(e.currentTarget.value)} data-testid="export-recipient" />}
        </Field>
        <Field id="export-purpose" label={t('export.purpose')} required error={errors.purpose} hint={t('export.purposeHint')} class="span-2">
          {(a) => <textarea {...a} rows={2} maxLength={500} value={purpose} onInput={(e) => setPurpose(e.currentTarget.value)} data-testid="export-purpose" />}
        </Field>
        <fieldset class="radios span-2">
          <legend class="field-label">{t('export.language')}</legend>
          <div class="input-row">
            {(['zh', 'en'] as const).map((l) => (
              <label class="radio" key={l}>
                <input
                  type="radio"
                  name="export-language"
                  value={l}
                  checked={language === l}
                  onChange={() => {
                    setLanguage(l);
                    if (preview) void runPreview(terms, l);
                  }}
                />
                {t(l === 'zh' ? 'export.languageZh' : 'export.languageEn')}
              </label>
            ))}
          </div>
        </fieldset>
      </div>
      <div class="export-terms">
        <Field id="export-term" label={t('export.addTerm')} hint={t('export.addTermHint')} error={errors.term || null} optionalMark>
          {(a) => (
            <div class="input-row">
              <input
                {...a}
                maxLength={100}
                autoComplete="off"
                value={termText}
                onInput={(e) => setTermText(e.currentTarget.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') {
                    e.preventDefault();
                    addTerm();
                  }
                }}
                data-testid="export-term"
              />
              <Select aria-label={t('export.termKind')} value={termKind} onChange={(e) => setTermKind(e.currentTarget.value)} data-testid="export-term-kind">
                {SPAN_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {label('spanKind', k)}
                  </option>
                ))}
              </Select>
              <button type="button" class="btn btn-secondary" onClick={addTerm} data-testid="export-term-add">
                {t('export.add')}
              </button>
            </div>
          )}
        </Field>
        {terms.length > 0 && (
          <ul class="chip-list" data-testid="export-terms">
            {terms.map((x) => (
              <li class="chip" key={x.text}>
                {x.text}
                <span class="small"> · {label('spanKind', x.kind ?? 'other')}</span>
                <button type="button" class="icon-btn" aria-label={t('export.removeTerm', { term: x.text })} onClick={() => removeTerm(x.text)}>
                  ×
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
      <div class="btn-row">
        <button type="button" class="btn btn-primary" disabled={busy} onClick={() => runPreview()} data-testid="export-preview">
          {preview ? t('export.refresh') : t('export.preview')}
        </button>
      </div>
    </Section>
  );

  return (
    <div data-testid="export-page" data-case-id={caseId}>
      <PageHeader title={t('export.title', { ref: data.reference })} sub={data.title}>
        {back}
      </PageHeader>
      {failure && (
        <Alert kind="error" testid="export-error" onDismiss={() => setFailure(null)}>
          {failure}
        </Alert>
      )}
      {done && (
        <Alert kind="success" testid="export-done">
          <p>
            {t('export.doneDetail', { masked: fmtNumber(done.masked_spans), kept: fmtNumber(done.unmasked_spans) })}
          </p>
          <p class="small mono">
            {t('export.hash')}
            {colon()}
            {done.document_hash}
          </p>
          <div class="btn-row">
            <button type="button" class="btn btn-primary btn-sm" onClick={() => download(done).catch((e) => toast(errorMessage(e), 'error'))}>
              {t('export.download')}
            </button>
            <a class="btn btn-secondary btn-sm" href={href(`/cases/${caseId}`)}>
              {t('export.backToCase')}
            </a>
          </div>
        </Alert>
      )}
      <div class="stack">
        {settings}
        {preview && (
          <Section
            title={t('export.previewTitle')}
            id="export-preview"
            description={t('export.previewIntro')}
            actions={<Badge tone="info">{label('exportAudience', audience)}</Badge>}
          >
            <Legend spans={spans} />
            <PreviewDocument preview={preview} spans={spanMap} onToggle={toggle} />
            <div class="export-confirm">
              <p class="small">
                {kept > 0 ? t('export.confirmKept', { n: kept }) : t('export.confirmAll')} {t('export.audited')}
              </p>
              <button type="button" class="btn btn-primary" disabled={busy} onClick={confirm} data-testid="export-confirm">
                {t('export.confirm')}
              </button>
            </div>
          </Section>
        )}
        <ExportList caseId={caseId} refresh={refresh} />
      </div>
    </div>
  );
}
