// Shared helpers for the browser tests: launch Debian's Chromium through playwright-core in a fresh
// profile, sign in, switch language, take screenshots. Never downloads a browser.
import { createHmac } from 'node:crypto';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const BASE = (process.env.AEGIS_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
/** The documented TOTP secret the demo pre-enrols for administrators and supervisors. */
export const DEMO_TOTP_SECRET = process.env.AEGIS_TOTP_SECRET || 'AEGISDEMOSECRETTOTPFORDEMOONLYAA';
export const SUPERVISOR = {
  user: process.env.AEGIS_SUPERVISOR_USER || 'supervisor',
  password: process.env.AEGIS_SUPERVISOR_PASSWORD || 'Aegis-demo-2026!',
  totp: DEMO_TOTP_SECRET,
};
export const OFFICER = {
  user: process.env.AEGIS_OFFICER_USER || 'officer',
  password: process.env.AEGIS_OFFICER_PASSWORD || 'Aegis-demo-2026!',
};
export const CHROMIUM = process.env.AEGIS_CHROMIUM || '/usr/bin/chromium';

const here = path.dirname(fileURLToPath(import.meta.url));
export const SHOTS = path.join(here, 'screenshots');

/** Fails early with a clear message when no server answers. */
export async function assertServerUp() {
  let res;
  try {
    res = await fetch(`${BASE}/api/v1/health`);
  } catch (e) {
    throw new Error(`Aegis server not reachable at ${BASE} (set AEGIS_URL): ${e.message}`);
  }
  if (!res.ok) throw new Error(`GET ${BASE}/api/v1/health answered ${res.status}`);
}

/** A fresh browser profile (own cookies and localStorage). Call close() when done. */
export async function launch({ viewport = { width: 1366, height: 900 } } = {}) {
  const dir = await mkdtemp(path.join(tmpdir(), 'aegis-browser-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    reducedMotion: 'reduce',
  });
  context.setDefaultTimeout(20_000);
  context.setDefaultNavigationTimeout(30_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  return {
    context,
    page,
    errors,
    async close() {
      await context.close().catch(() => {});
      await rm(dir, { recursive: true, force: true }).catch(() => {});
    },
  };
}

export async function gotoApp(page, hash = '#/') {
  await page.goto(`${BASE}/${hash}`);
}

// ---- TOTP (RFC 6238 over RFC 4226 HOTP, HMAC-SHA1, 30-second steps, 6 digits)

/** Bytes of an RFC 4648 base32 string (case, spaces and padding ignored). */
export function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of text.toUpperCase().replace(/[\s=-]/g, '')) {
    const v = alphabet.indexOf(ch);
    if (v < 0) throw new Error(`not base32: ${ch}`);
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** HOTP code of `counter` under `key` (a Buffer). */
export function hotp(key, counter, digits = 6) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(msg).digest();
  const off = mac[mac.length - 1] & 0x0f;
  const bin = ((mac[off] & 0x7f) << 24) | (mac[off + 1] << 16) | (mac[off + 2] << 8) | mac[off + 3];
  return String(bin % 10 ** digits).padStart(digits, '0');
}

/** TOTP code of a base32 secret at `seconds` (Unix time). */
export function totp(secret, seconds = Date.now() / 1000, digits = 6) {
  return hotp(base32Decode(secret), Math.floor(seconds / 30), digits);
}

const usedSteps = new Map();
/**
 * A code for `user` from a time step not used before: the server accepts each code once per
 * account. Test files run as separate processes, so the last step used per account is kept in the
 * file AEGIS_TOTP_STATE (set by run.sh). Waits for the next step when the window is used up.
 */
export async function nextTotp(user, secret) {
  const file = process.env.AEGIS_TOTP_STATE;
  let state = Object.fromEntries(usedSteps);
  if (file) {
    try {
      state = JSON.parse(await readFile(file, 'utf8'));
    } catch {
      state = {};
    }
  }
  const nowStep = () => Math.floor(Date.now() / 1000 / 30);
  const step = Math.max(nowStep(), (state[user] ?? 0) + 1);
  // The server accepts one step ahead of its clock; wait until `step` is at most that.
  while (step > nowStep() + 1) await new Promise((r) => setTimeout(r, 250));
  state[user] = step;
  usedSteps.set(user, step);
  if (file) await writeFile(file, JSON.stringify(state));
  return hotp(base32Decode(secret), step);
}

/** Signs in through the form; accounts with `totp` (a base32 secret) answer the code prompt. */
export async function login(page, who) {
  await gotoApp(page, '#/login');
  await page.locator('[data-testid=login-form]').waitFor();
  await page.fill('#login-username', who.user);
  await page.fill('#login-password', who.password);
  await page.click('[data-testid=login-submit]');
  if (who.totp) {
    await page.locator('[data-testid=login-totp]').waitFor();
    await page.fill('[data-testid=login-totp]', await nextTotp(who.user, who.totp));
    await page.click('[data-testid=login-submit]');
  }
  await page.locator('[data-testid=worklist]').waitFor();
}

/** Current UI language as the document says ("zh" or "en"). */
export async function uiLang(page) {
  const l = await page.evaluate(() => document.documentElement.lang);
  return l.startsWith('en') ? 'en' : 'zh';
}

export async function setLang(page, want) {
  if ((await uiLang(page)) === want) return;
  await page.locator('[data-testid=lang-switch]').first().click();
  await page.waitForFunction((w) => document.documentElement.lang.startsWith(w === 'en' ? 'en' : 'zh'), want);
}

export async function shot(page, name) {
  await mkdir(SHOTS, { recursive: true });
  // Let skeletons settle and fonts render before taking the picture.
  await page.waitForFunction(() => !document.querySelector('[aria-busy=true]'), null, { timeout: 10_000 }).catch(() => {});
  // Full-page pictures start at the top (a sticky header would otherwise be drawn mid-page);
  // transient toasts are hidden so they do not cover content.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true, style: '.toasts { display: none !important; }' });
}

/** Screenshots in both languages, leaving the page in the language it had. */
export async function shotBoth(page, name) {
  const start = await uiLang(page);
  const other = start === 'zh' ? 'en' : 'zh';
  await shot(page, `${name}-${start}`);
  await setLang(page, other);
  await shot(page, `${name}-${other}`);
  await setLang(page, start);
}

const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** A random, valid-looking resident ID number (GB 11643 check character) for test data. */
export function randomResidentId(birth) {
  if (!birth) {
    // A random date in 2010-2013 (a minor at the time of the test data's offence).
    const d = new Date(Date.UTC(2010, 0, 1) + Math.floor(Math.random() * 4 * 365) * 86400e3);
    birth = d.toISOString().slice(0, 10).replace(/-/g, '');
  }
  const region = '440106';
  const seq = String(100 + Math.floor(Math.random() * 899));
  const first17 = region + birth + seq;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * W[i];
  return first17 + '10X98765432'[sum % 11];
}

export function uniqueTag() {
  return `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}
