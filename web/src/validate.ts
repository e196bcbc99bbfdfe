// Client-side checks that mirror the server's (the server stays the authority).

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** GB 11643-1999 resident ID: 17 digits + check character; returns the birth date or null. */
export function checkResidentId(text: string, now = new Date()): { dob: string } | null {
  const s = text.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(s)) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(s[i]) * ID_WEIGHTS[i];
  if (ID_CHECK[sum % 11] !== s[17]) return null;
  const y = Number(s.slice(6, 10));
  const m = Number(s.slice(10, 12));
  const d = Number(s.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  if (y < 1900 || date.getTime() > now.getTime()) return null;
  return { dob: `${s.slice(6, 10)}-${s.slice(10, 12)}-${s.slice(12, 14)}` };
}

export function residentIdCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i];
  return ID_CHECK[sum % 11];
}

/** Lenient phone check: Chinese mobiles and landlines, or +country numbers. */
export function checkPhone(text: string): boolean {
  const s = text.replace(/[\s\-.()]/g, '');
  if (/^(\+86|0086)?1[3-9]\d{9}$/.test(s)) return true;
  if (/^0\d{2,3}\d{7,8}$/.test(s)) return true;
  if (/^\+\d{7,15}$/.test(s)) return true;
  return false;
}

export function validDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
}

/** "2026-11-29T17:26" (local, for <input type=datetime-local>) from a Date. */
export function toLocalInput(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** ISO 8601 UTC without milliseconds from a datetime-local value, or null. */
export function fromLocalInput(s: string): string | null {
  if (!s) return null;
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return null;
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** ISO 8601 UTC for the end of a local date ("YYYY-MM-DD"). */
export function endOfLocalDay(s: string): string | null {
  if (!validDate(s)) return null;
  const d = new Date(`${s}T23:59:00`);
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function isoToLocalDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

export function parseIntStrict(s: string): number | null {
  const v = s.trim();
  if (!/^-?\d+$/.test(v)) return null;
  return Number(v);
}

export function parseNum(s: string): number | null {
  const v = s.trim();
  if (!/^-?\d+(\.\d+)?$/.test(v)) return null;
  return Number(v);
}
