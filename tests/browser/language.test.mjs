import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertServerUp, launch, login, setLang, shot, SUPERVISOR, uiLang } from './lib.mjs';

let b;
before(async () => {
  await assertServerUp();
  b = await launch();
});
after(async () => {
  await b?.close();
});

test('switching to English and back; the choice survives a reload', async () => {
  const { page, errors } = b;
  await login(page, SUPERVISOR);
  assert.equal(await uiLang(page), 'zh');
  assert.equal(await page.locator('[data-testid=nav-worklist]').innerText(), '工作台');
  assert.equal(await page.locator('[data-testid=nav-board]').innerText(), '督导看板');
  await shot(page, 'language-zh');

  await setLang(page, 'en');
  assert.equal(await page.locator('[data-testid=nav-worklist]').innerText(), 'Work list');
  assert.equal(await page.locator('[data-testid=nav-board]').innerText(), 'Supervisor board');
  assert.match(await page.title(), /Work list/);
  await page.reload();
  await page.locator('[data-testid=worklist]').waitFor();
  assert.equal(await uiLang(page), 'en');
  assert.equal(await page.locator('[data-testid=nav-cases]').innerText(), 'Cases');
  await shot(page, 'language-en');

  // Enum labels follow the language too (case list stage filter).
  await page.click('[data-testid=nav-cases]');
  await page.locator('[data-testid=case-list]').waitFor();
  const opts = await page.locator('[data-testid=filter-stage] option').allInnerTexts();
  assert.ok(opts.includes('Under investigation'), opts.join(','));

  await setLang(page, 'zh');
  assert.equal(await page.locator('[data-testid=nav-cases]').innerText(), '案件');
  const zhOpts = await page.locator('[data-testid=filter-stage] option').allInnerTexts();
  assert.ok(zhOpts.includes('侦查中'), zhOpts.join(','));

  // The first Tab reaches the skip link, which moves focus to the main region.
  await page.reload();
  await page.locator('[data-testid=case-list]').waitFor();
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.className), 'skip-link');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');

  // localStorage holds only the language and intake preferences.
  const keys = await page.evaluate(() => Object.keys(localStorage));
  for (const k of keys) assert.match(k, /^aegis\.(lang|intake\.\d+)$/);
  assert.deepEqual(errors, []);
});
