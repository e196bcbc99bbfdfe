// Victim support end to end: an officer records an interview, the victim's contact preferences, a
// consent and a referral and issues a survivor code; a further interview of the minor needs a
// supervisor's approval; the partner agency signs in and sees only its referral (with only the
// agreed contact detail) and accepts it; the survivor checks the status page with the code.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { assertServerUp, BASE, gotoApp, launch, login, OFFICER, SHOTS, setLang, shot, shotBoth, SUPERVISOR, uniqueTag, uiLang } from './lib.mjs';

const PARTNER = { user: process.env.AEGIS_PARTNER_USER || 'partner', password: process.env.AEGIS_PARTNER_PASSWORD || 'Aegis-demo-2026!' };
const tag = uniqueTag();
const state = {};
let officer;
before(async () => {
  await assertServerUp();
  officer = await launch();
  await login(officer.page, OFFICER);
});
after(async () => {
  await officer?.close();
});

/** Screenshots of one part of the page (zh and en), readable where a full-page shot is not. */
async function shotPart(page, selector, name) {
  await mkdir(SHOTS, { recursive: true });
  const start = await uiLang(page);
  for (const l of [start, start === 'zh' ? 'en' : 'zh']) {
    await setLang(page, l);
    await page.locator(selector).screenshot({ path: path.join(SHOTS, `${name}-${l}.png`) });
  }
  await setLang(page, start);
}

async function signIn(page, who, ready) {
  await gotoApp(page, '#/login');
  await page.locator('[data-testid=login-form]').waitFor();
  await page.fill('#login-username', who.user);
  await page.fill('#login-password', who.password);
  await page.click('[data-testid=login-submit]');
  await page.locator(ready).waitFor();
}

test('officer: interview, contact preferences, consent, referral and a survivor code', async () => {
  const { page, errors } = officer;
  await gotoApp(page, '#/cases?stage=under_investigation');
  const link = page.locator('[data-testid=case-table] tbody a').first();
  await link.waitFor();
  await link.click();
  await page.locator('[data-testid=case-page]').waitFor();
  const caseId = Number(await page.locator('[data-testid=case-page]').getAttribute('data-case-id'));
  state.caseId = caseId;
  state.reference = (await page.locator('[data-testid=case-reference]').innerText()).trim();
  // A new minor victim of this case, so the test starts from a clean slate (no consent, no interview).
  const pseudonym = await page.evaluate(async (id) => {
    const res = await fetch(`/api/v1/cases/${id}/persons`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ role: 'victim', sex: 'female', age_at_offence: 15, notes: '浏览器测试' }),
    });
    const c = await res.json();
    return c.persons.filter((p) => p.role === 'victim').at(-1).pseudonym;
  }, caseId);
  state.pseudonym = pseudonym;
  await page.reload();
  const v = page.locator(`[data-testid=victim-${pseudonym}]`);
  await v.waitFor();
  assert.equal(await v.locator('[data-testid=interview-count]').getAttribute('data-count'), '0');

  // The one comprehensive interview, in the one-stop room with the guardian present.
  await v.locator('[data-testid=record-interview]').click();
  const iv = page.locator('[data-testid=interview-dialog]');
  await iv.waitFor();
  assert.equal(await iv.locator('#iv-location').inputValue(), 'one_stop_room');
  await iv.locator('#iv-p-guardian').uncheck();
  await page.click('[data-testid=interview-save]');
  await iv.locator('.field-error[role=alert]').first().waitFor();  // a minor needs a guardian or appropriate adult
  await iv.locator('#iv-p-guardian').check();
  await iv.locator('#iv-p-counsellor').check();
  await page.click('[data-testid=interview-save]');
  await iv.waitFor({ state: 'detached' });
  await v.locator('[data-testid=interview-count][data-count="1"]').waitFor();
  // A second interview of a minor is not offered without approval: ask for one.
  assert.equal(await v.locator('[data-testid=record-interview]').count(), 0);
  await v.locator('[data-testid=request-further]').click();
  await page.locator('[data-testid=further-dialog]').waitFor();
  await page.fill('#further-dialog-text', `需组织辨认 ${tag}`);
  await page.click('[data-testid=further-dialog-submit]');
  await page.locator('[data-testid=further-dialog]').waitFor({ state: 'detached' });
  await v.locator('[data-testid=approval-list] li[data-approval-status=requested]').waitFor();

  // Contact preferences: SMS to a number of the victim's choice, office hours.
  await v.locator('[data-testid=edit-prefs]').click();
  const pd = page.locator('[data-testid=prefs-dialog]');
  await pd.waitFor();
  await pd.locator('#pf-ch-sms').check();
  await pd.locator('#pf-phone').fill('13912345678');
  await pd.locator('#pf-gname').fill('母亲');
  await pd.locator('#pf-gphone').fill('13712345678');
  await page.click('[data-testid=prefs-save]');
  await pd.waitFor({ state: 'detached' });
  await v.locator('[data-testid=prefs-state][data-set=true]').waitFor();

  // Consent from the guardian for the women's federation, sharing the phone only.
  await v.locator('[data-testid=record-consent]').click();
  const cd = page.locator('[data-testid=consent-dialog]');
  await cd.waitFor();
  await cd.locator('#cf-rel').fill('母亲');
  await cd.locator('[data-testid=consent-agencies] label', { hasText: '妇女联合会' }).click();
  await cd.locator('#cf-f-guardian_contact').uncheck();
  await page.click('[data-testid=consent-save]');
  await cd.waitFor({ state: 'detached' });
  await v.locator('[data-testid=consent-list] li[data-active=true]').waitFor();

  // The referral.
  await v.locator('[data-testid=refer]').click();
  const rd = page.locator('[data-testid=refer-dialog]');
  await rd.waitFor();
  await rd.locator('#rf-kind').selectOption('counselling');
  await rd.locator('#rf-need').fill(`心理疏导，每周一次 ${tag}`);
  await page.click('[data-testid=refer-save]');
  await rd.waitFor({ state: 'detached' });
  const item = v.locator('[data-testid=referral-list] li[data-status=sent]').first();
  await item.waitFor();
  state.referral = (await item.locator('.mono').first().innerText()).trim();
  assert.match(state.referral, /^ZJ-\d{4}-\d{6}$/);

  // The survivor code: shown once, with the case reference.
  await v.locator('[data-testid=issue-code]').click();
  const code = page.locator('[data-testid=code-dialog]');
  await code.waitFor();
  state.code = (await code.locator('[data-testid=code-value]').innerText()).trim();
  assert.match(state.code, /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{2}$/);
  assert.equal((await code.locator('[data-testid=code-reference]').innerText()).trim(), state.reference);
  await shot(page, 'survivor-code-dialog-zh');
  await page.click('[data-testid=code-done]');
  await code.waitFor({ state: 'detached' });
  await v.locator('[data-testid=code-state][data-active=true]').waitFor();
  // The code is never shown again.
  assert.equal((await page.content()).includes(state.code), false);
  // The timeline records what was done.
  for (const kind of ['interview_recorded', 'consent_recorded', 'referral_created', 'survivor_code_issued'])
    await page.locator(`[data-testid=timeline] li[data-kind=${kind}]`).first().waitFor();
  await shotPart(page, `[data-testid=victim-${pseudonym}]`, 'case-victim-support');
  assert.deepEqual(errors, []);
});

test('supervisor: approves the further interview of the minor', async () => {
  assert.ok(state.caseId, 'the officer test ran first');
  const sup = await launch();
  try {
    const { page, errors } = sup;
    await login(page, SUPERVISOR);
    await gotoApp(page, `#/cases/${state.caseId}`);
    const v = page.locator(`[data-testid=victim-${state.pseudonym}]`);
    await v.waitFor();
    await v.locator('[data-testid=approve-further]').click();
    await page.locator('[data-testid=decide-dialog]').waitFor();
    await page.fill('#decide-dialog-text', '同意，仍在一站式询问室进行');
    await page.click('[data-testid=decide-dialog-submit]');
    await v.locator('[data-testid=approval-list] li[data-approval-status=approved]').waitFor();
    // Now one further interview may be recorded.
    await v.locator('[data-testid=record-interview]').waitFor();
    assert.deepEqual(errors, []);
  } finally {
    await sup.close();
  }
});

test('partner agency: sees only its referral, only the agreed contact detail, and accepts it', async () => {
  assert.ok(state.referral, 'the officer test ran first');
  const partner = await launch();
  try {
    const { page, errors } = partner;
    await signIn(page, PARTNER, '[data-testid=partner-referrals]');
    // Partners have no case navigation at all.
    assert.equal(await page.locator('[data-testid=nav-cases]').count(), 0);
    assert.equal(await page.locator('[data-testid=nav-intake]').count(), 0);
    // The list starts with open referrals, the most urgent first; new ones are under "sent".
    await page.locator('[data-testid=referral-table]').waitFor();
    await page.click('[data-filter=sent]');
    const row = page.locator(`[data-testid=referral-table] tr[data-referral="${state.referral}"]`);
    await row.waitFor();
    assert.match(await row.innerText(), new RegExp(tag));
    await shotBoth(page, 'partner-referrals');
    await row.locator('a').click();
    const detail = page.locator('[data-testid=partner-referral]');
    await detail.waitFor();
    const text = await page.locator('main').innerText();
    // The agreed phone (the one the victim chose), and nothing of the case.
    assert.match(await page.locator('[data-testid=contact-phone]').innerText(), /\+8613912345678/);
    assert.equal(await page.locator('[data-testid=shared-contact]').getAttribute('data-fields'), 'phone');
    for (const secret of [state.reference, '13712345678', '浏览器测试', '嫌疑人']) assert.equal(text.includes(secret), false, secret);
    // The case itself is out of reach.
    const res = await page.evaluate(async (id) => (await fetch(`/api/v1/cases/${id}`)).status, state.caseId);
    assert.equal(res, 404);
    // Accept with a contact for the survivor.
    await page.fill('#ru-contact', `社工 许慧 020-83331234 ${tag}`);
    await page.click('[data-testid=referral-update-submit]');
    await page.locator('[data-testid=partner-referral][data-status=accepted]').waitFor();
    await shotBoth(page, 'partner-referral-detail');
    assert.deepEqual(errors, []);
  } finally {
    await partner.close();
  }
});

test('survivor: the status page with the reference and the code, no sign-in', async () => {
  assert.ok(state.code, 'the officer test ran first');
  const anon = await launch({ viewport: { width: 420, height: 900 } });
  try {
    const { page, errors } = anon;
    await gotoApp(page, '#/status');
    await page.locator('[data-testid=survivor-form]').waitFor();
    assert.match(page.url(), /#\/status$/);  // not sent to the sign-in page
    await shotBoth(page, 'survivor-status-form');
    // A wrong code first: a gentle, generic answer.
    await page.fill('#sv-reference', state.reference);
    await page.fill('#sv-code', 'AAAA-BBBB-CC');
    await page.click('[data-testid=survivor-submit]');
    await page.locator('[data-testid=survivor-error]').waitFor();
    assert.equal(await page.locator('[data-testid=survivor-result]').count(), 0);
    // The right code (typed in lower case, without dashes).
    await page.fill('#sv-code', state.code.replace(/-/g, '').toLowerCase());
    await page.click('[data-testid=survivor-submit]');
    await page.locator('[data-testid=survivor-result]').waitFor();
    assert.equal(await page.locator('[data-testid=survivor-stage]').getAttribute('data-stage'), 'investigating');
    const contact = page.locator('[data-testid=survivor-contact]', { hasText: tag });
    await contact.waitFor();
    const text = await page.locator('main').innerText();
    for (const secret of ['嫌疑人', '浏览器测试', state.pseudonym]) assert.equal(text.includes(secret), false, secret);
    assert.equal(page.url().includes(state.code), false);
    await shotBoth(page, 'survivor-status-result');
    await setLang(page, 'zh');
    // Clearing removes everything from the screen.
    await page.click('[data-testid=survivor-clear]');
    await page.locator('[data-testid=survivor-result]').waitFor({ state: 'detached' });
    assert.equal(await page.inputValue('#sv-reference'), '');
    assert.deepEqual(errors, []);
  } finally {
    await anon.close();
  }
});

// The demo's district officers, tried in turn through the API (bearer tokens, no browser cookie).
async function officerWithAlerts() {
  const districts = ['mission', 'central', 'northern', 'southern', 'tenderloin', 'bayview', 'park', 'richmond', 'ingleside', 'taraval'];
  const candidates = [OFFICER.user, ...districts.flatMap((d) => [`off.${d}.1`, `off.${d}.2`])];
  for (const user of candidates) {
    const res = await fetch(`${BASE}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: user, password: OFFICER.password }),
    });
    if (!res.ok) continue;
    const { token } = await res.json();
    const wl = await (await fetch(`${BASE}/api/v1/worklist`, { headers: { Authorization: `Bearer ${token}` } })).json();
    await fetch(`${BASE}/api/v1/auth/logout`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    if (wl.referral_alerts?.length) return { user, password: OFFICER.password };
  }
  return null;
}

test('officer: the accepted referral and stalled referrals on the work list', async () => {
  const { page, errors } = officer;
  await gotoApp(page, `#/cases/${state.caseId}`);
  await page.reload();  // the page still shows the case as it was before the agency answered
  const v = page.locator(`[data-testid=victim-${state.pseudonym}]`);
  await v.locator('[data-testid=referral-list] li[data-status=accepted]').waitFor();
  assert.match(await v.locator('[data-testid=referral-list]').innerText(), new RegExp(tag));
  // The survivor's look-up shows on the code's state.
  assert.equal(await v.locator('[data-testid=code-state]').getAttribute('data-uses-left'), '9');
  // Stalled referrals: the demo data has some; sign in as an officer whose work list shows them.
  const who = await officerWithAlerts();
  assert.ok(who, 'some demo officer has stalled referrals');
  const other = await launch();
  try {
    await login(other.page, who);
    const alerts = other.page.locator('[data-testid=referral-alerts]');
    await alerts.waitFor();
    assert.ok((await alerts.locator('tbody tr').count()) > 0);
    assert.ok((await alerts.locator('[data-stall]').count()) > 0);
    await shotPart(other.page, '#work-referral-alerts', 'worklist-referral-alerts');
    assert.deepEqual(other.errors, []);
  } finally {
    await other.close();
  }
  assert.deepEqual(errors, []);
});
