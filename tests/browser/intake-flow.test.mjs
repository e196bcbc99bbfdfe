// Officer records a clue, meets the duplicate warning on a second similar clue, confirms it is not a
// duplicate; a supervisor files the first clue as a case; the case page shows checklist and transitions.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertServerUp, gotoApp, launch, login, OFFICER, randomResidentId, shotBoth, SUPERVISOR, uniqueTag } from './lib.mjs';

const tag = uniqueTag();
const summary = `浏览器测试 ${tag}：被害人到派出所报案，称在地铁站附近被陌生男子猥亵。`;
const place = `测试路 ${tag} 号`;
const idNumber = randomResidentId();
const victimName = `测试被害人${tag.slice(-4)}`;
const offence = new Date(Date.now() - 10 * 24 * 3600e3).toISOString().slice(0, 16);

let officer;
let supervisor;
const state = {};

before(async () => {
  await assertServerUp();
  officer = await launch();
});
after(async () => {
  await officer?.close();
  await supervisor?.close();
});

async function fillIntake(page) {
  await page.selectOption('#f-source', 'walk_in');
  await page.fill('#f-summary', summary);
  await page.fill('#f-offence_time', offence);
  await page.fill('#f-place', place);
  await page.fill('#f-youngest_victim_age', '13');
  await page.selectOption('#f-victim_sex', 'female');
  await page.fill('#f-victim_age', '13');
  await page.fill('#f-id_name', victimName);
  await page.fill('#f-id_number', idNumber);
  await page.fill('#f-id_phone', '13800138000');
  await page.fill('#f-suspect_description', `男，约 30 岁，身高 175 厘米左右，穿深色外套（${tag}）。`);
}

async function waitDupCheck(page) {
  await page.waitForFunction(() => {
    const s = document.querySelector('[data-testid=dup-status]');
    return s && (s.getAttribute('data-state') === 'done' || s.getAttribute('data-state') === 'error');
  }, null, { timeout: 15_000 });
}

test('officer: client validation, then saving a new clue', async () => {
  const { page } = officer;
  await login(page, OFFICER);
  await page.click('[data-testid=nav-intake]');
  await page.locator('[data-testid=intake-form]').waitFor();
  // Received time defaults to now (today's date in the field).
  assert.ok((await page.inputValue('#f-received_at')).length >= 16);

  // Empty required fields are reported next to the field, nothing is sent.
  await page.fill('#f-summary', '');
  await page.click('[data-testid=intake-save]');
  await page.locator('[data-testid=error-f-summary]').waitFor();
  await page.locator('[data-testid=intake-banner]').waitFor();
  // Range check.
  await page.fill('#f-latitude', '123');
  await page.fill('#f-longitude', '113.3');
  await page.locator('[data-testid=error-f-latitude]').waitFor();
  await page.fill('#f-latitude', '23.13');
  await page.locator('[data-testid=error-f-latitude]').waitFor({ state: 'detached' });
  // Resident ID check character.
  await page.fill('#f-id_number', idNumber.slice(0, 17) + (idNumber[17] === '0' ? '1' : '0'));
  await page.locator('[data-testid=error-f-id_number]').waitFor();

  await fillIntake(page);
  await waitDupCheck(page);
  // A unique clue should not match anything; confirm if the demo data happens to.
  if (await page.locator('[data-testid=dup-warning]').count()) await page.check('#f-confirm-not-dup');
  await shotBoth(page, 'intake');
  await page.click('[data-testid=intake-save]');
  const detail = page.locator('[data-testid=clue-detail]');
  await detail.waitFor();
  state.clueId = Number(await detail.getAttribute('data-clue-id'));
  assert.ok(state.clueId > 0);
  assert.match(page.url(), new RegExp(`#/clues/${state.clueId}$`));
  // The victim is shown by pseudonym; the identity never reaches the page, title or URL.
  const text = await page.locator('main').innerText();
  assert.ok(!text.includes(idNumber), 'resident ID must not be shown on the clue page');
  assert.ok(!text.includes(victimName), 'victim name must not be shown on the clue page');
  assert.ok(!(await page.title()).includes(victimName));
  assert.ok(!page.url().includes(idNumber));
  await shotBoth(page, 'clue-detail-officer');
});

test('officer: a similar clue shows the duplicate warning and needs explicit confirmation', async () => {
  const { page } = officer;
  assert.ok(state.clueId, 'first clue saved');
  await page.click('[data-testid=nav-intake]');
  await page.locator('[data-testid=intake-form]').waitFor();
  // Last-used source is remembered.
  assert.equal(await page.inputValue('#f-source'), 'walk_in');
  await fillIntake(page);
  const warning = page.locator('[data-testid=dup-warning]');
  await warning.waitFor({ timeout: 15_000 });
  assert.ok((await warning.locator(`a[href="#/clues/${state.clueId}"]`).count()) === 1, 'the first clue is listed as a possible duplicate');
  await shotBoth(page, 'intake-duplicate');

  // Saving without the confirmation is refused on the client.
  await page.click('[data-testid=intake-save]');
  await page.locator('[data-testid=intake-banner]').waitFor();
  assert.equal(await page.locator('[data-testid=clue-detail]').count(), 0);

  await page.check('#f-confirm-not-dup');
  await page.click('[data-testid=intake-save]');
  const detail = page.locator('[data-testid=clue-detail]');
  await detail.waitFor();
  const id2 = Number(await detail.getAttribute('data-clue-id'));
  assert.ok(id2 > 0 && id2 !== state.clueId);
  // The saved clue remembers its possible duplicate.
  await page.locator(`#clue-dups a[href="#/clues/${state.clueId}"]`).waitFor();
  assert.deepEqual(officer.errors, []);
});

test('supervisor: files the clue as a case and lands on the case page', async () => {
  assert.ok(state.clueId, 'first clue saved');
  supervisor = await launch();
  const { page } = supervisor;
  await login(page, SUPERVISOR);
  await gotoApp(page, `#/clues/${state.clueId}`);
  await page.locator('[data-testid=decision-form]').waitFor();
  await page.check('[data-testid=decision-file]');
  await page.fill('[data-testid=decision-title]', `测试路地铁站猥亵案 ${tag}`);
  await shotBoth(page, 'clue-decision');
  await page.click('[data-testid=decision-submit]');

  const casePage = page.locator('[data-testid=case-page]');
  await casePage.waitFor();
  assert.match(page.url(), /#\/cases\/\d+$/);
  assert.match(await page.locator('#page-title').innerText(), new RegExp(tag));
  // Youngest victim 13: flagged as a major case, with the reasons.
  await page.locator('[data-testid=major-flags] li').first().waitFor();
  // Persons by pseudonym only.
  assert.ok((await page.locator('[data-testid=persons-table] tbody tr').count()) >= 1);
  const text = await page.locator('main').innerText();
  assert.ok(!text.includes(idNumber), 'resident ID must not be shown before an explicit reveal');
  // Checklist with done / missing.
  assert.ok((await page.locator('[data-testid=checklist] li').count()) > 0, 'checklist items');
  assert.ok((await page.locator('[data-testid=checklist] li[data-done=false]').count()) > 0, 'missing items');
  // Transitions from next_stages.
  const buttons = page.locator('[data-testid=transitions] button');
  assert.ok((await buttons.count()) > 0, 'at least one transition');
  await shotBoth(page, 'case');

  // Tick a checklist item.
  const firstMissing = page.locator('[data-testid=checklist] li[data-done=false] input[type=checkbox]').first();
  const key = await page.locator('[data-testid=checklist] li[data-done=false]').first().getAttribute('data-key');
  await firstMissing.check();
  await page.locator(`[data-testid=checklist] li[data-key="${key}"][data-done=true]`).waitFor();

  // Make an allowed transition.
  const allowed = page.locator('[data-testid=transitions] button[data-allowed=true]');
  if (await allowed.count()) {
    const before = await casePage.getAttribute('data-stage');
    const target = (await allowed.first().getAttribute('data-testid')).replace('transition-', '');
    await allowed.first().click();
    const dlg = page.locator('[data-testid=transition-dialog]');
    await dlg.waitFor();
    await page.fill('[data-testid=transition-reason]', '浏览器测试：进入下一阶段');
    const proc = dlg.locator('#tr-proc');
    if (await proc.count()) await proc.selectOption({ index: 1 });
    await page.click('[data-testid=transition-confirm]');
    await page.waitForFunction((s) => document.querySelector('[data-testid=case-page]')?.getAttribute('data-stage') === s, target);
    assert.notEqual(before, target);
    await page.locator('[data-testid=timeline] li[data-kind=transition]').first().waitFor();
    await shotBoth(page, 'case-after-transition');
  }
  assert.deepEqual(supervisor.errors, []);
});
