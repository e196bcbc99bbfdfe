// The audit search page: supervisors and privacy officers see who accessed what; a privacy officer
// sees no case content; other roles have no audit page. "Who viewed this victim's record" starts
// from an identity reveal made through the API, so it has something certain to find.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertServerUp, BASE, gotoApp, launch, login, nextTotp, OFFICER, shotBoth, SUPERVISOR } from './lib.mjs';

const PRIVACY = {
  user: process.env.AEGIS_PRIVACY_USER || 'privacy',
  password: process.env.AEGIS_PRIVACY_PASSWORD || 'Aegis-demo-2026!',
};

async function apiAs(who) {
  const res = await fetch(`${BASE}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    // Supervisors sign in with a one-time code as well (sign-in hardening).
    body: JSON.stringify({
      username: who.user,
      password: who.password,
      ...(who.totp ? { totp: await nextTotp(who.user, who.totp) } : {}),
    }),
  });
  assert.equal(res.status, 200, 'API sign-in');
  const { token } = await res.json();
  return async (path) => {
    const r = await fetch(`${BASE}/api/v1${path}`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(r.status, 200, `GET ${path}`);
    return r.json();
  };
}

/** Reveals the identity of a victim in one of the supervisor's cases; returns the person id. */
async function revealSomeVictim() {
  const get = await apiAs(SUPERVISOR);
  const cases = await get('/cases?limit=50&sort=filed_at');
  for (const c of cases.items) {
    const detail = await get(`/cases/${c.id}`);
    const victim = detail.persons.find((p) => p.role === 'victim' && p.has_identity);
    if (victim && detail.can_reveal_identity) {
      await get(`/cases/${c.id}/persons/${victim.id}/identity`);
      return victim.id;
    }
  }
  throw new Error('no case with a revealable victim identity in the demo data');
}

async function rowsSettled(page) {
  await page.locator('[data-testid=audit-page]').waitFor();
  await page.waitForFunction(() => !document.querySelector('#audit-results [aria-busy=true], #audit-results .skeleton'));
}

let b;
before(async () => {
  await assertServerUp();
  b = await launch();
});
after(async () => {
  await b?.close();
});

test('a supervisor searches the audit and finds who viewed a victim record', async () => {
  const { page, errors } = b;
  const personId = await revealSomeVictim();
  await login(page, SUPERVISOR);
  await page.click('[data-testid=nav-audit]');
  await rowsSettled(page);
  assert.match(await page.locator('h1').first().innerText(), /审计查询/);
  const rows = page.locator('[data-testid=audit-row]');
  assert.ok((await rows.count()) > 0, 'the supervisor sees audit records');
  // Newest first: the supervisor's own sign-in and reads are at the top of the trail.
  assert.match(await page.locator('[data-testid=audit-table]').innerText(), /一区|分局|派出所/);
  await shotBoth(page, 'audit');

  // Identity reveals, then "who viewed" on the reveal we just made.
  await page.click('[data-testid=preset-reveals]');
  await page.waitForFunction(() => location.hash.includes('action=identity.reveal'));
  await rowsSettled(page);
  const reveal = page.locator('[data-testid=audit-row]', { hasText: `#${personId}` }).first();
  await reveal.waitFor();
  await reveal.locator('[data-testid=object-history]').click();
  await page.waitForFunction((id) => location.hash.includes(`object_type=person`) && location.hash.includes(`object_id=${id}`), personId);
  await page.locator('[data-testid=person-chip]').waitFor();
  await rowsSettled(page);
  const viewed = await page.locator('[data-testid=audit-table]').innerText();
  assert.match(viewed, /查看被害人身份/);
  assert.match(viewed, /查看案件|案件/);
  await shotBoth(page, 'audit-who-viewed');

  // Accesses to cases outside the reader's unit: every row carries the badge.
  await page.click('[data-testid=preset-outside]');
  await page.waitForFunction(() => location.hash.includes('outside_unit=true'));
  await rowsSettled(page);
  const outside = page.locator('[data-testid=audit-row]');
  for (let i = 0; i < (await outside.count()); i++) {
    assert.match(await outside.nth(i).innerText(), /跨单位/);
  }
  assert.deepEqual(errors, []);
});

test('a privacy officer sees the audit but no case content', async () => {
  const { page, errors } = b;
  await page.click('[data-testid=sign-out]');
  await page.locator('[data-testid=login-form]').waitFor();
  await login(page, PRIVACY);
  assert.equal(await page.locator('[data-testid=nav-audit]').count(), 1);
  for (const nav of ['cases', 'clues', 'intake', 'board', 'dashboard']) {
    assert.equal(await page.locator(`[data-testid=nav-${nav}]`).count(), 0, `no ${nav} for privacy officers`);
  }
  await page.click('[data-testid=nav-audit]');
  await rowsSettled(page);
  assert.ok((await page.locator('[data-testid=audit-row]').count()) > 0);
  // Cases are named by number only, never linked to their content.
  assert.equal(await page.locator('[data-testid=audit-table] a').count(), 0);
  await shotBoth(page, 'audit-privacy-officer');
  await gotoApp(page, '#/cases');
  await page.locator('h1', { hasText: /无权|cannot/ }).waitFor();
  assert.deepEqual(errors, []);
});

test('other roles have no audit page', async () => {
  const { page } = b;
  await page.click('[data-testid=sign-out]');
  await page.locator('[data-testid=login-form]').waitFor();
  await login(page, OFFICER);
  assert.equal(await page.locator('[data-testid=nav-audit]').count(), 0);
  await gotoApp(page, '#/audit');
  await page.locator('h1', { hasText: /无权|cannot/ }).waitFor();
  assert.equal(await page.locator('[data-testid=audit-page]').count(), 0);
});
