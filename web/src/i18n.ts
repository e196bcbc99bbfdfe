// Translation tables and locale-aware formatting. zh-CN is the default; the choice is kept in
// localStorage ("aegis.lang"), which holds nothing else of the user's.
import { en } from './locales/en';
import { zh, type MessageKey } from './locales/zh';
import { createStore } from './store';

export type Lang = 'zh' | 'en';
const tables: Record<Lang, Record<MessageKey, string>> = { zh, en };
const LANG_KEY = 'aegis.lang';

function initialLang(): Lang {
  try {
    const v = localStorage.getItem(LANG_KEY);
    if (v === 'en' || v === 'zh') return v;
  } catch {
    /* storage unavailable */
  }
  return 'zh';
}

export const langStore = createStore<Lang>(initialLang());

export function lang(): Lang {
  return langStore.get();
}

export function setLang(l: Lang): void {
  try {
    localStorage.setItem(LANG_KEY, l);
  } catch {
    /* ignore */
  }
  document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en';
  langStore.set(l);
}

export type Params = Record<string, string | number>;

function interpolate(s: string, params?: Params): string {
  if (!params) return s;
  return s.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m));
}

export function t(key: MessageKey, params?: Params): string {
  const s = tables[lang()][key] ?? zh[key] ?? key;
  return interpolate(s, params);
}

/** The label–value separator of the UI language ("：" or ": "). */
export function colon(): string {
  return t('common.colon');
}

export function has(key: string): key is MessageKey {
  return key in zh;
}

export type EnumGroup =
  | 'source'
  | 'clueStatus'
  | 'track'
  | 'stage'
  | 'role'
  | 'duty'
  | 'personRole'
  | 'sex'
  | 'deadline'
  | 'actionStatus'
  | 'assistStatus'
  | 'unitType'
  | 'event'
  | 'dupReason'
  | 'spanKind'
  | 'exportAudience'
  | 'purpose'
  | 'caseLabel'
  | 'caseLabelShort'
  | 'section';

/** Label of an API enum value. Unknown values are shown as sent (and reported in the console). */
export function label(group: EnumGroup, value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  const key = `${group}.${value}`;
  if (has(key)) return t(key);
  if (import.meta.env.DEV) console.warn(`missing label ${key}`);
  return value;
}

/** Picks the localized of two server-provided strings (name / name_en, label / label_en). */
export function loc(zhText: string | null | undefined, enText: string | null | undefined): string {
  if (lang() === 'en') return enText || zhText || '';
  return zhText || enText || '';
}

function locale(): string {
  return lang() === 'zh' ? 'zh-CN' : 'en-GB';
}

export function fmtDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(), {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(d);
}

/** "14:05"; with the date when `iso` is not today. */
export function fmtTimeOfDay(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  if (d.toDateString() !== new Date().toDateString()) return fmtDateTime(iso);
  return new Intl.DateTimeFormat(locale(), { hour: '2-digit', minute: '2-digit', hour12: false }).format(d);
}

export function fmtDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = /^\d{4}-\d{2}-\d{2}$/.test(iso) ? new Date(`${iso}T00:00:00`) : new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(), { year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

export function fmtMonth(ym: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(ym);
  if (!m) return ym;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, 1);
  return new Intl.DateTimeFormat(locale(), { year: 'numeric', month: 'short' }).format(d);
}

export function fmtNumber(n: number | null | undefined): string {
  if (n === null || n === undefined) return '–';
  return new Intl.NumberFormat(locale()).format(n);
}

/** "2 d 3 h" style duration of |ms|. */
export function fmtDuration(ms: number): string {
  const abs = Math.abs(ms);
  const mins = Math.floor(abs / 60000);
  const days = Math.floor(mins / 1440);
  const hours = Math.floor((mins % 1440) / 60);
  const minutes = mins % 60;
  const sep = ' ';
  if (days > 0) return [t('time.days', { n: days }), hours ? t('time.hours', { n: hours }) : ''].filter(Boolean).join(sep);
  if (hours > 0) return [t('time.hours', { n: hours }), minutes ? t('time.minutes', { n: minutes }) : ''].filter(Boolean).join(sep);
  if (minutes > 0) return t('time.minutes', { n: minutes });
  return t('time.lessThanMinute');
}

/** "3 d left" / "5 h over" relative to now. */
export function fmtRelative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '';
  const d = new Date(iso).getTime();
  if (Number.isNaN(d)) return '';
  const diff = d - now;
  return diff >= 0 ? t('time.in', { d: fmtDuration(diff) }) : t('time.ago', { d: fmtDuration(diff) });
}
