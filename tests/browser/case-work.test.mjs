// Work on an open case as a supervisor: audited identity reveal, persons, actions, team,
// assistance and joint-team sharing.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertServerUp, gotoApp, launch, login, shot, shotBoth, SUPERVISOR, uniqueTag } from './lib.mjs';

const tag = uniqueTag();
const state = {};
let b;
before(async () => {
  await assertServerUp();
  b = await launch();
  await login(b.page, SUPERVISOR);
});
after(async () => {
  await b?.close();
});

async function openFirstCase(page, stage) {
  await gotoApp(page, `#/cases?stage=${stage}`);
  await page.locator('[data-testid=case-list]').waitFor();
  const link = page.locator('[data-testid=case-table] tbody a').first();
  await link.waitFor();
  await link.click();
  await page.locator('[data-testid=case-page]').waitFor();
}

test('case work: reveal identity, add a suspect, an action, team, assistance and sharing', async () => {
  const { page, errors } = b;
  await openFirstCase(page, 'under_investigation');
  const caseUrl = page.url();

  // Identity reveal: explicit, with the audit warning, dismissible, never in the URL.
  const reveal = page.locator('[data-testid^=reveal-]').first();
  if (await reveal.count()) {
    await reveal.click();
    const panel = page.locator('[data-testid=identity-panel]');
    await panel.waitFor();
    assert.match(await panel.innerText(), /审计/);
    assert.equal(page.url(), caseUrl);
    await shot(page, 'case-identity-zh');
    await page.click('[data-testid=identity-hide]');
    await panel.waitFor({ state: 'detached' });
    // The reveal is on the timeline.
    await page.locator('[data-testid=timeline] li[data-kind=identity_revealed]').first().waitFor();
  }

  // Add a suspect.
  const before = await page.locator('[data-testid=persons-table] tbody tr').count();
  await page.click('[data-testid=add-person]');
  const pd = page.locator('[data-testid=person-dialog]');
  await pd.waitFor();
  await pd.locator('#p-role').selectOption('suspect');
  await pd.locator('#p-sex').selectOption('male');
  await pd.locator('#p-age').fill('35');
  await pd.locator('#p-notes').fill(`浏览器测试 ${tag}`);
  await pd.locator('button[type=submit]').click();
  await pd.waitFor({ state: 'detached' });
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=persons-table] tbody tr').length > n, before);

  // New action, then move it to in progress.
  await page.click('[data-testid=new-action]');
  const ad = page.locator('[data-testid=action-dialog]');
  await ad.waitFor();
  await page.fill('[data-testid=action-title]', `调取监控 ${tag}`);
  await ad.locator('#a-owner').selectOption({ index: 1 });
  await page.click('[data-testid=action-save]');
  await ad.waitFor({ state: 'detached' });
  const item = page.locator('[data-testid=actions-list] li', { hasText: tag });
  await item.waitFor();
  await item.locator('button.action-edit').click();
  await ad.waitFor();
  await page.selectOption('[data-testid=action-status]', 'in_progress');
  await page.click('[data-testid=action-save]');
  await ad.waitFor({ state: 'detached' });
  await page.locator('[data-testid=actions-list] li', { hasText: tag }).filter({ hasText: '进行中' }).waitFor();

  // Team: set the file coordinator.
  const fc = page.locator('#team-file_coordinator');
  const options = await fc.locator('option').count();
  if (options > 1) {
    const current = await fc.inputValue();
    const values = await fc.locator('option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
    const next = values.find((v) => v !== current) ?? values[0];
    await fc.selectOption(next);
    await page.locator('[data-testid=team-form] button[type=submit]').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=team-form] button[type=submit]')?.hasAttribute('disabled'));
  }

  // Assistance request to another unit: the supervisor's own unit when it is not the case's, so
  // that the request then shows on this supervisor's board.
  const me = await page.evaluate(() => fetch('/api/v1/auth/me', { credentials: 'same-origin' }).then((r) => r.json()));
  await page.click('[data-testid=new-assistance]');
  const asd = page.locator('[data-testid=assistance-dialog]');
  await asd.waitFor();
  const ownUnit = asd.locator(`#as-unit option[value="${me.unit.id}"]`);
  state.toOwnUnit = (await ownUnit.count()) === 1;
  if (state.toOwnUnit) await asd.locator('#as-unit').selectOption(String(me.unit.id));
  else await asd.locator('#as-unit').selectOption({ index: 1 });
  await asd.locator('#as-req').fill(`请协助调取监控录像（${tag}）`);
  await asd.locator('button[type=submit]').click();
  await asd.waitFor({ state: 'detached' });
  await page.locator('#assistance li', { hasText: tag }).waitFor();

  // Joint team share.
  const share = page.locator('#share-unit');
  if ((await share.locator('option').count()) > 1) {
    const n = await page.locator('#shares .chip-list li').count();
    await share.selectOption({ index: 1 });
    await page.locator('#shares button[type=submit]').click();
    await page.waitForFunction((k) => document.querySelectorAll('#shares .chip-list li').length > k, n);
  }

  // A transition that is not allowed shows its reason.
  const blocked = page.locator('[data-testid=transitions] button[data-allowed=false]');
  if (await blocked.count()) {
    const to = (await blocked.first().getAttribute('data-testid')).replace('transition-', '');
    assert.ok((await page.locator(`[data-testid=why-${to}]`).innerText()).length > 0);
  }
  await shotBoth(page, 'case-work');
  assert.deepEqual(errors, []);
});

test('the supervisor board shows the incoming assistance request; accepting it', async (t) => {
  const { page, errors } = b;
  if (!state.toOwnUnit) return t.skip('the case belongs to the supervisor\'s own unit');
  await page.click('[data-testid=nav-board]');
  await page.locator('[data-testid=board]').waitFor();
  const item = page.locator('[data-testid=incoming-assistance] li', { hasText: tag });
  await item.waitFor();
  await item.locator('button.btn-primary').click();
  const dlg = page.locator('[data-testid=answer-dialog]');
  await dlg.waitFor();
  await dlg.locator('#ans-response').fill('同意协助，已安排专人调取。');
  await page.click('[data-testid=answer-submit]');
  await dlg.waitFor({ state: 'detached' });
  await page.waitForFunction((tg) => ![...document.querySelectorAll('[data-testid=incoming-assistance] li')].some((li) => li.textContent.includes(tg) && li.querySelector('button')), tag);
  assert.deepEqual(errors, []);
});

test('a supervisor records a clue and declines it with a reason', async () => {
  const { page, errors } = b;
  await page.click('[data-testid=nav-intake]');
  await page.locator('[data-testid=intake-form]').waitFor();
  await page.selectOption('#f-source', 'anonymous_tip');
  await page.fill('#f-summary', `浏览器测试 ${tag}：匿名举报，内容无法核实，无具体被害人信息。`);
  await page.click('[data-testid=intake-save]');
  // Duplicates are unlikely; confirm if the check finds any.
  const detail = page.locator('[data-testid=clue-detail]');
  const warning = page.locator('[data-testid=dup-warning]');
  await Promise.race([detail.waitFor(), warning.waitFor()]);
  if (await warning.count()) {
    await page.check('#f-confirm-not-dup');
    await page.click('[data-testid=intake-save]');
    await detail.waitFor();
  }
  await page.check('[data-testid=decision-decline]');
  await page.click('[data-testid=decision-submit]');
  await page.locator('[data-testid=error-d-reason]').waitFor();
  await page.fill('[data-testid=decision-reason]', '经核查不构成犯罪，不予立案。');
  await page.click('[data-testid=decision-submit]');
  await page.locator('#clue-decision').waitFor();
  assert.equal(await page.locator('[data-testid=decision-form]').count(), 0);
  assert.match(await page.locator('#clue-decision').innerText(), /不予立案/);

  await gotoApp(page, '#/clues?status=declined');
  await page.locator('[data-testid=clue-list]').waitFor();
  await page.waitForFunction(() => !document.querySelector('[data-testid=clue-list] [aria-busy=true]'));
  await page.locator('[data-testid=clue-table] tbody tr').first().waitFor();
  await shotBoth(page, 'clue-list');
  assert.deepEqual(errors, []);
});
