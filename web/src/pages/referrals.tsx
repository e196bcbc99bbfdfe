// A partner agency's own referrals: the list and one referral with the contact details the victim
// agreed to share, and the status updates (accepted, in progress, closed, or declined with a
// reason). Nothing of the case or the investigation is ever shown here.
import { useState } from 'preact/hooks';
import { ApiError } from '../api';
import { colon, fmtDate, fmtDateTime, lang, loc, t } from '../i18n';
import { href, navigate } from '../router';
import { Alert, DL, Empty, ErrorState, Field, PageHeader, Pagination, Section, Select, Skeleton, errorMessage, toast, useAsync, useTitle } from '../ui';
import { victimApi, type PartnerReferral } from '../victim-api';
import { ReferralHistory, ReferralStatusBadge, StallBadge, vl } from './victim-support';
import './victim.css';

const FILTERS = ['open', 'all', 'sent', 'accepted', 'in_progress', 'closed', 'declined', 'withdrawn'];
const NEXT: Record<string, string[]> = {
  sent: ['accepted', 'declined'],
  accepted: ['in_progress', 'closed', 'declined'],
  in_progress: ['in_progress', 'closed'],
};

export function PartnerReferralsPage({ query }: { query: URLSearchParams }) {
  useTitle(t('ref.title'));
  const status = query.get('status') || 'open';
  const offset = Number(query.get('offset') ?? '0') || 0;
  const limit = 25;
  const list = useAsync(() => victimApi.referrals({ status: status === 'all' ? undefined : status, limit, offset }), [status, offset]);
  const go = (q: { status?: string; offset?: number }) =>
    navigate('/referrals', { status: q.status && q.status !== 'open' ? q.status : undefined, offset: q.offset || undefined });
  return (
    <div data-testid="partner-referrals">
      <PageHeader title={t('ref.title')} sub={t('ref.intro')} />
      <div class="ref-filters" role="group" aria-label={t('ref.filter')}>
        {FILTERS.map((f) => (
          <button
            key={f}
            type="button"
            class={`btn btn-sm ${f === status ? 'btn-primary' : 'btn-secondary'}`}
            aria-pressed={f === status}
            data-filter={f}
            onClick={() => go({ status: f })}
          >
            {f === 'open' ? t('ref.open') : f === 'all' ? t('ref.all') : vl('vsRef', f)}
          </button>
        ))}
      </div>
      <Section title={t('ref.title')} id="referral-list">
        {list.error !== undefined && <ErrorState error={list.error} onRetry={list.reload} />}
        {list.loading && !list.data ? (
          <Skeleton rows={5} />
        ) : list.data && list.data.items.length ? (
          <>
            <div class="table-wrap">
              <table class="table" data-testid="referral-table">
                <caption class="visually-hidden">{t('ref.title')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('ref.reference')}</th>
                    <th scope="col">{t('ref.pseudonym')}</th>
                    <th scope="col">{t('ref.kind')}</th>
                    <th scope="col">{t('ref.need')}</th>
                    <th scope="col">{t('ref.due')}</th>
                    <th scope="col">{t('ref.status')}</th>
                  </tr>
                </thead>
                <tbody>
                  {list.data.items.map((r) => (
                    <tr key={r.id} data-referral={r.reference} data-status={r.status}>
                      <td class="nowrap">
                        <a class="ref mono" href={href(`/referrals/${r.id}`)}>
                          {r.reference}
                        </a>
                      </td>
                      <td class="mono">{r.pseudonym}</td>
                      <td>{vl('vsKind', r.kind)}</td>
                      <td class="cell-summary">{r.need}</td>
                      <td class="nowrap">{fmtDate(r.due_at)}</td>
                      <td class="nowrap">
                        <ReferralStatusBadge status={r.status} /> <StallBadge stall={r.stall} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pagination total={list.data.total} capped={list.data.total_capped} limit={limit} offset={offset} onPage={(o) => go({ status, offset: o })} />
          </>
        ) : (
          !list.error && <Empty>{t('ref.empty')}</Empty>
        )}
      </Section>
    </div>
  );
}

function ContactBox({ r }: { r: PartnerReferral }) {
  if (!r.contact) {
    const text = r.consent_withdrawn || r.status === 'withdrawn' ? t('ref.withdrawnNote') : r.status === 'closed' || r.status === 'declined' ? t('ref.endedNote') : t('ref.noContact');
    return (
      <Alert kind={r.consent_withdrawn ? 'warn' : 'info'} testid="no-contact">
        {text}
      </Alert>
    );
  }
  const c = r.contact;
  const items: [string, preact.ComponentChildren][] = [];
  if (c.fields.includes('name')) items.push([t('ref.name'), c.name ?? '']);
  if (c.fields.includes('phone')) items.push([t('ref.phone'), <span class="mono" data-testid="contact-phone">{c.phone}</span>]);
  if (c.fields.includes('address')) items.push([t('ref.address'), c.address ?? '']);
  if (c.fields.includes('guardian_contact')) items.push([t('ref.guardian'), [c.guardian_name, c.guardian_phone].filter(Boolean).join(' · ')]);
  if (c.fields.includes('contact_preferences') && c.preferences) {
    const p = c.preferences;
    const sep = lang() === 'zh' ? '、' : ', ';
    items.push([
      t('ref.how'),
      [
        p.channels.map((x) => vl('vsChan', x)).join(sep),
        `${p.window_start}–${p.window_end}`,
        p.days.map((d) => vl('vsDay', d)).join(lang() === 'zh' ? '' : ' '),
        vl('vsWho', p.who_may_contact),
        p.language,
        p.notes,
      ]
        .filter(Boolean)
        .join(' · '),
    ]);
  }
  return (
    <div class="ref-contact" data-testid="shared-contact" data-fields={c.fields.join(',')}>
      <p class="reveal-warning">
        <span aria-hidden="true">⚠ </span>
        {t('ref.contactNote')}
      </p>
      {items.length ? <DL items={items} /> : <p class="muted">{t('ref.noContact')}</p>}
    </div>
  );
}

function UpdateForm({ r, onDone }: { r: PartnerReferral; onDone: (r: PartnerReferral) => void }) {
  const options = r.consent_withdrawn ? [] : NEXT[r.status] ?? [];
  const [status, setStatus] = useState(options[0] ?? '');
  const [contact, setContact] = useState(r.partner_contact);
  const [reason, setReason] = useState('');
  const [note, setNote] = useState('');
  const [errs, setErrs] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!options.length) return <p class="muted">{t('ref.noMore')}</p>;
  const submit = async (e: Event) => {
    e.preventDefault();
    const er: Record<string, string> = {};
    if (status === 'accepted' && !contact.trim()) er.contact = t('v.required');
    if (status === 'declined' && !reason.trim()) er.reason = t('v.required');
    setErrs(er);
    if (Object.keys(er).length) return;
    setBusy(true);
    setError(null);
    try {
      const nr = await victimApi.updateReferral(r.id, {
        status,
        partner_contact: contact.trim() || undefined,
        reason: status === 'declined' ? reason.trim() : undefined,
        note: note.trim() || undefined,
      });
      toast(t('ref.saved'));
      setNote('');
      setReason('');
      onDone(nr);
      setStatus((NEXT[nr.status] ?? [])[0] ?? '');
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} noValidate data-testid="referral-update">
      <div class="form-grid">
        <Field id="ru-status" label={t('ref.next')} required>
          {(a) => (
            <Select {...a} value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
              {options.map((o) => (
                <option key={o} value={o}>
                  {o === r.status ? t('ref.addNote') : vl('vsRef', o)}
                </option>
              ))}
            </Select>
          )}
        </Field>
        {(status === 'accepted' || status === 'in_progress') && (
          <Field id="ru-contact" label={t('ref.partnerContact')} hint={t('ref.partnerContactHint')} required={status === 'accepted'} error={errs.contact}>
            {(a) => <input {...a} maxLength={300} value={contact} onInput={(e) => setContact(e.currentTarget.value)} />}
          </Field>
        )}
      </div>
      {status === 'declined' ? (
        <Field id="ru-reason" label={t('ref.reason')} required error={errs.reason}>
          {(a) => <textarea {...a} rows={2} maxLength={1000} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />}
        </Field>
      ) : (
        <Field id="ru-note" label={t('ref.note')} hint={t('ref.noteHint')} optionalMark>
          {(a) => <textarea {...a} rows={2} maxLength={1000} value={note} onInput={(e) => setNote(e.currentTarget.value)} />}
        </Field>
      )}
      {error && <Alert kind="error">{error}</Alert>}
      <button type="submit" class="btn btn-primary" disabled={busy} data-testid="referral-update-submit">
        {busy ? t('common.saving') : t('ref.update')}
      </button>
    </form>
  );
}

export function PartnerReferralPage({ id }: { id: number }) {
  const r = useAsync(() => victimApi.referral(id), [id]);
  useTitle(r.data ? r.data.reference : t('ref.title'));
  if (r.error !== undefined && !r.data) {
    const nf = r.error instanceof ApiError && r.error.status === 404;
    return (
      <div>
        <PageHeader title={t('ref.title')} />
        {nf ? <Alert kind="error">{t('ref.notFound')}</Alert> : <ErrorState error={r.error} onRetry={r.reload} />}
        <a href={href('/referrals')} class="btn btn-secondary">
          {t('ref.back')}
        </a>
      </div>
    );
  }
  if (!r.data) return <Skeleton rows={8} />;
  const d = r.data;
  return (
    <div data-testid="partner-referral" data-status={d.status}>
      <PageHeader
        title={t('ref.detailTitle', { r: d.reference })}
        sub={
          <>
            <ReferralStatusBadge status={d.status} /> <StallBadge stall={d.stall} /> {loc(d.agency.name, d.agency.name_en)}
          </>
        }
      >
        <a href={href('/referrals')} class="btn btn-ghost">
          ‹ {t('ref.back')}
        </a>
      </PageHeader>
      <div class="grid-side">
        <div class="stack">
          <Section title={t('ref.need')} id="referral-need">
            <DL
              items={[
                [t('ref.pseudonym'), <span class="mono">{d.pseudonym}</span>],
                [t('ref.kind'), vl('vsKind', d.kind)],
                [t('ref.due'), fmtDate(d.due_at)],
                [t('vs.rf.contact'), d.partner_contact],
              ]}
            />
            <p class="ref-need" data-testid="referral-need">
              {d.need}
            </p>
          </Section>
          <Section title={t('ref.contact')} id="referral-contact">
            <ContactBox r={d} />
          </Section>
        </div>
        <div class="stack">
          <Section title={t('ref.update')} id="referral-status">
            <UpdateForm key={`${d.status}-${d.updated_at}`} r={d} onDone={(nr) => r.setData(nr)} />
          </Section>
          <Section title={t('vs.rf.history')} id="referral-history">
            {d.history && d.history.length ? <ReferralHistory items={d.history} viewer="agency" /> : <p class="muted">–</p>}
            <p class="small muted">
              {t('common.updated', { t: fmtDateTime(d.updated_at) })}
              {d.status === 'declined' && d.status_reason ? ` · ${t('ref.reason')}${colon()}${d.status_reason}` : ''}
            </p>
          </Section>
        </div>
      </div>
    </div>
  );
}
