// Need-to-know access end to end: the supervisor restricts a case of the bureau (the station's
// officer, not on the team, loses it); an officer of another district cannot open it, asks for
// emergency access (break-glass) and sees the case read-only under the banner; the supervisor sees
// the alert on the work list and reviews the access. Also: the purpose of access is sent with every
// request and changes what the case page shows; "open by reference" offers break-glass, which a
// sealed case refuses. Screenshots in zh and en.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { assertServerUp, BASE, gotoApp, launch, login, OFFICER, SHOTS, setLang, shotBoth, SUPERVISOR, uiLang } from './lib.mjs';

/** An officer of another district (the demo's break-glass grant is by off.central.1). */
const OUTSIDER = { user: process.env.AEGIS_OUTSIDER_USER || 'off.park.1', password: OFFICER.password };
const REASON = '被害人家属来电称嫌疑人在其住处附近，办案组电话无人接听，需立即核实';

/** Signs in through the API (no second factor for officers); returns a GET helper. */
async function apiAs(who) {
  const res = await fetch(`${BASE}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: who.user, password: who.password }),
  });
  assert.equal(res.status, 200, `API sign-in of ${who.user}`);
  const { token, user } = await res.json();
  const get = async (p) => {
    const r = await fetch(`${BASE}/api/v1${p}`, { headers: { Authorization: `Bearer ${token}` } });
    return { status: r.status, body: r.status === 200 ? await r.json() : null };
  };
  return { get, user };
}

/** Moves the single-page app to `hash` without reloading it. */
async function go(page, hash) {
  await page.evaluate((h) => {
    location.hash = h;
  }, hash);
}

/** GET from inside the signed-in page (cookie session). */
function pageGet(page, p) {
  return page.evaluate(async (url) => {
    const r = await fetch(`/api/v1${url}`);
    return { status: r.status, body: r.ok ? await r.json() : null };
  }, p);
}

/** Screenshots of one part of the page (zh and en). */
async function shotPart(page, selector, name) {
  await mkdir(SHOTS, { recursive: true });
  const start = await uiLang(page);
  for (const l of [start, start === 'zh' ? 'en' : 'zh']) {
    await setLang(page, l);
    await page.locator(selector).screenshot({ path: path.join(SHOTS, `${name}-${l}.png`) });
  }
  await setLang(page, start);
}

const state = {};
let sup;
let out;
before(async () => {
  await assertServerUp();
  sup = await launch();
  out = await launch();
});
after(async () => {
  await sup?.close();
  await out?.close();
});

test('supervisor restricts a case through the sensitivity panel', async () => {
  const { page, errors } = sup;
  await login(page, SUPERVISOR);
  const station = await apiAs(OFFICER);
  const outsider = await apiAs(OUTSIDER);
  // A case of the officer's station that the officer may open without being on its team, and that
  // the outsider cannot open; one with a minor victim when there is one.
  const list = await pageGet(page, '/cases?limit=100&sort=filed_at');
  assert.equal(list.status, 200);
  const candidates = list.body.items
    .filter((c) => c.unit_id === station.user.unit.id && !c.labels.includes('restricted') && !c.labels.includes('sealed') && c.stage !== 'closed')
    .sort((a, b) => Number(b.labels.includes('minor_victim')) - Number(a.labels.includes('minor_victim')));
  for (const c of candidates) {
    if (c.lead_investigator_id === station.user.id) continue;
    // Not one the demo already restricted in part (its timeline would have such an event).
    const detail = await pageGet(page, `/cases/${c.id}`);
    if (detail.status !== 200 || detail.body.restricted_sections.length) continue;
    if ((await station.get(`/cases/${c.id}`)).status !== 200) continue;
    if ((await outsider.get(`/cases/${c.id}`)).status !== 404) continue;
    state.caseId = c.id;
    state.reference = c.reference;
    state.minor = c.labels.includes('minor_victim');
    break;
  }
  assert.ok(state.caseId, 'a suitable case in the demo data');
  // From here on every API call of the UI states the purpose (the role's default here).
  const purposes = [];
  page.on('request', (r) => {
    if (r.url().includes('/api/v1/')) purposes.push(`${r.url().replace(BASE, '')} ${r.headers()['x-aegis-purpose'] ?? '-'}`);
  });

  await go(page, `#/cases/${state.caseId}`);
  await page.locator('[data-testid=case-page]').waitFor();
  const panel = page.locator('[data-testid=sensitivity-panel]');
  await panel.waitFor();
  assert.equal(await page.locator('[data-testid=case-flags] [data-label=restricted]').count(), 0);
  await page.click('[data-testid=sensitivity-change]');
  const dialog = page.locator('[data-testid=sensitivity-dialog]');
  await dialog.waitFor();
  // Nothing changed yet, and no reason: the dialog says so and does not go on.
  await page.click('[data-testid=sensitivity-next]');
  await dialog.locator('[data-testid=error-sens-reason]').waitFor();
  await dialog.locator('#sens-restricted').check();
  await dialog.locator('#sens-sec-timeline').check();
  await page.fill('[data-testid=sensitivity-reason]', '涉及公众人物，限定办案组知悉');
  await page.click('[data-testid=sensitivity-next]');
  // The confirmation step says what will happen.
  const confirm = page.locator('[data-testid=sensitivity-confirm]');
  await confirm.waitFor();
  assert.match(await confirm.innerText(), /限制访问/);
  assert.match(await confirm.innerText(), /案件时间线/);
  await page.click('[data-testid=sensitivity-apply]');
  await dialog.waitFor({ state: 'detached' });
  await page.locator('[data-testid=case-flags] [data-label=restricted]').waitFor();
  if (state.minor) await page.locator('[data-testid=case-flags] [data-label=minor_victim]').waitFor();
  assert.match(await panel.innerText(), /案件时间线/);
  await page.locator('[data-testid=timeline] li[data-kind=sensitivity_changed]', { hasText: '涉及公众人物' }).waitFor();
  await shotBoth(page, 'access-case-labels');

  // The station's officer, not on the team, no longer opens it (404, like an unknown case).
  assert.equal((await station.get(`/cases/${state.caseId}`)).status, 404);
  // The case list shows the compact label.
  await go(page, '#/cases');
  await page.locator('[data-testid=case-table]').waitFor();
  assert.ok((await page.locator('[data-testid=case-table] [data-label]').count()) > 0, 'labels in the case list');
  assert.ok(purposes.length >= 3, JSON.stringify(purposes));
  assert.ok(
    purposes.every((p) => p.endsWith(' investigation')),
    `every request after sign-in states the purpose: ${JSON.stringify(purposes)}`,
  );
  assert.deepEqual(errors, []);
});

test('an officer of another district is refused and opens the case by break-glass', async () => {
  const { page, errors } = out;
  await login(page, OUTSIDER);
  await gotoApp(page, `#/cases/${state.caseId}`);
  const denied = page.locator('[data-testid=case-denied]');
  await denied.waitFor();
  assert.match(await denied.locator('h1').innerText(), /无法打开此案件/);
  await page.click('[data-testid=break-glass-start]');
  const form = page.locator('[data-testid=break-glass-form]');
  await form.waitFor();
  // Too short a reason, and no confirmation: both are refused with a message, nothing is sent.
  await page.fill('[data-testid=break-glass-reason]', '紧急');
  assert.equal(await page.locator('[data-testid=break-glass-counter]').getAttribute('data-count'), '2');
  await page.click('[data-testid=break-glass-submit]');
  await form.locator('[data-testid=error-bg-reason]').waitFor();
  await form.locator('[data-testid=error-confirm]').waitFor();
  await page.fill('[data-testid=break-glass-reason]', REASON);
  await form.locator('#bg-confirm').check();
  assert.equal(await page.locator('[data-testid=break-glass-counter]').getAttribute('data-count'), String([...REASON].length));
  await shotBoth(page, 'access-denied-break-glass');
  await page.click('[data-testid=break-glass-submit]');

  // The case opens read-only under the banner; nothing can be changed.
  await page.locator('[data-testid=case-page][data-break-glass=true]').waitFor();
  const banner = page.locator('[data-testid=break-glass-banner]');
  assert.match(await banner.innerText(), /紧急访问至 .*只读.*已通知办案组.*每次查看均被记录/s);
  for (const control of ['new-action', 'add-person', 'new-assistance', 'sensitivity-change']) {
    assert.equal(await page.locator(`[data-testid=${control}]`).count(), 0, `${control} is hidden`);
  }
  await page.locator('[data-testid=stage-read-only]').waitFor();
  // The timeline is restricted to the team: a placeholder, not an empty list.
  await page.locator('[data-testid=restricted-timeline]').waitFor();
  if (state.minor) await page.locator('[data-testid=restricted-persons][data-reason=minor]').waitFor();
  await shotBoth(page, 'access-break-glass-case');
  assert.deepEqual(errors, []);
});

test('the supervisor sees the alert and reviews the access', async () => {
  const { page, errors } = sup;
  await gotoApp(page, '#/');
  const alert = page.locator(`[data-testid=access-alerts] li[data-case-reference="${state.reference}"]`);
  await alert.waitFor();
  const text = await alert.innerText();
  assert.match(text, /紧急访问了案件/);
  assert.match(text, new RegExp(REASON.slice(0, 10)));
  await shotPart(page, '#work-alerts', 'access-alerts');

  await alert.locator('[data-testid=alert-review]').click();
  await page.locator('[data-testid=break-glass-review]').waitFor();
  const row = page.locator(`[data-testid=review-row][data-case-reference="${state.reference}"]`);
  await row.waitFor();
  assert.match(await row.innerText(), /待复核/);
  // The demo's own pending access (by off.central.1) is listed too.
  assert.ok((await page.locator('[data-testid=review-row]').count()) >= 2);
  await shotBoth(page, 'access-review');

  await row.locator('[data-testid=review-open]').click();
  const dialog = page.locator('[data-testid=review-dialog]');
  await dialog.waitFor();
  await dialog.locator('[data-testid=review-not-justified]').check();
  await page.click('[data-testid=review-submit]');
  await dialog.locator('[data-testid=error-review-note]').waitFor();  // a reason is required
  await page.fill('[data-testid=review-note]', '办案组当时可以联系，不属紧急情况');
  await page.click('[data-testid=review-submit]');
  await dialog.waitFor({ state: 'detached' });
  await row.waitFor({ state: 'detached' });
  await page.click('[data-testid=review-all]');
  const reviewed = page.locator(`[data-testid=review-row][data-case-reference="${state.reference}"][data-reviewed=true]`);
  await reviewed.waitFor();
  assert.match(await reviewed.innerText(), /不正当/);

  // Marking the alert read takes it off the work list.
  await gotoApp(page, '#/');
  await alert.waitFor();
  await alert.locator('[data-testid=alert-mark-read]').click();
  await alert.waitFor({ state: 'detached' });
  await page.reload();
  await page.locator('[data-testid=worklist]').waitFor();
  await page.waitForFunction(() => !document.querySelector('[aria-busy=true]'));
  assert.equal(await page.locator(`[data-testid=access-alerts] li[data-case-reference="${state.reference}"]`).count(), 0);
  assert.deepEqual(errors, []);
});

test('the purpose of access changes what the case page shows', async () => {
  const { page, errors } = sup;
  // A case with persons where the supervisor is not on the team (the team sees its people whatever
  // the purpose).
  const me = (await pageGet(page, '/auth/me')).body;
  const list = await pageGet(page, '/cases?limit=50&sort=filed_at');
  let caseId = null;
  for (const c of list.body.items) {
    const d = (await pageGet(page, `/cases/${c.id}`)).body;
    const team = [d.team.case_manager, d.team.lead_investigator, d.team.file_coordinator].map((m) => m?.id);
    if (!team.includes(me.id) && d.persons.length && !d.hidden_sections.length) {
      caseId = c.id;
      break;
    }
  }
  assert.ok(caseId, 'a case with persons outside the supervisor\'s team');
  const bar = page.locator('[data-testid=purpose-bar]');
  assert.equal(await bar.getAttribute('data-purpose'), 'investigation');
  await page.selectOption('[data-testid=purpose-select]', 'analysis');
  await page.locator('[data-testid=purpose-bar][data-purpose=analysis]').waitFor();
  const sent = page.waitForRequest((r) => r.url().endsWith(`/api/v1/cases/${caseId}`));
  await gotoApp(page, `#/cases/${caseId}`);
  assert.equal((await sent).headers()['x-aegis-purpose'], 'analysis');
  await page.locator('[data-testid=restricted-persons][data-reason=analysis]').waitFor();
  await page.locator('[data-testid=restricted-victim_support][data-reason=analysis]').waitFor();
  // Kept for this tab across a reload; back to investigation afterwards.
  await page.reload();
  await page.locator('[data-testid=purpose-bar][data-purpose=analysis]').waitFor();
  await page.selectOption('[data-testid=purpose-select]', 'investigation');
  await page.locator('#persons [data-testid=persons-table], #persons .empty').first().waitFor();
  assert.deepEqual(errors, []);
});

test('open by reference offers break-glass, which a sealed case refuses', async () => {
  const { page, errors } = out;
  // The sealed case of the demo data (the supervisor's bureau).
  const sealed = await pageGet(sup.page, '/cases?limit=500&sort=filed_at');
  const target = sealed.body.items.find((c) => c.labels.includes('sealed'));
  assert.ok(target, 'the demo data has a sealed case');
  await gotoApp(page, '#/cases');
  await page.locator('[data-testid=case-list]').waitFor();
  await page.click('[data-testid=open-by-reference]');
  const dialog = page.locator('[data-testid=open-ref-dialog]');
  await dialog.waitFor();
  await page.fill('[data-testid=open-ref-input]', target.reference);
  await page.click('[data-testid=open-ref-submit]');
  await dialog.locator('[data-testid=open-ref-missing]').waitFor();
  assert.equal(await dialog.locator('[data-testid=break-glass-reference]').inputValue(), target.reference);
  await page.fill('[data-testid=break-glass-reason]', REASON);
  await dialog.locator('#bg-ref-confirm').check();
  await page.click('[data-testid=break-glass-submit]');
  await dialog.locator('.alert-error', { hasText: /封存/ }).waitFor();
  assert.deepEqual(errors, []);
});
