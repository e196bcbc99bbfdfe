// Shared helpers for the browser tests: launch Debian's Chromium through playwright-core in a fresh
// profile, sign in, switch language, take screenshots. Never downloads a browser.
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const BASE = (process.env.AEGIS_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
export const SUPERVISOR = {
  user: process.env.AEGIS_SUPERVISOR_USER || 'supervisor',
  password: process.env.AEGIS_SUPERVISOR_PASSWORD || 'Aegis-demo-2026!',
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

export async function login(page, who) {
  await gotoApp(page, '#/login');
  await page.locator('[data-testid=login-form]').waitFor();
  await page.fill('#login-username', who.user);
  await page.fill('#login-password', who.password);
  await page.click('[data-testid=login-submit]');
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
