import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertServerUp, gotoApp, launch, login, OFFICER, setLang, shot, shotBoth } from './lib.mjs';

let b;
before(async () => {
  await assertServerUp();
  b = await launch();
});
after(async () => {
  await b?.close();
});

test('a wrong password shows an error and stays on the sign-in page', async () => {
  const { page } = b;
  await gotoApp(page, '#/');
  await page.locator('[data-testid=login-form]').waitFor();
  assert.match(page.url(), /#\/login/);
  await shot(page, 'signin-zh');
  await page.fill('#login-username', OFFICER.user);
  await page.fill('#login-password', `${OFFICER.password}-wrong`);
  await page.click('[data-testid=login-submit]');
  const err = page.locator('[data-testid=login-error]');
  await err.waitFor();
  assert.match(await err.innerText(), /用户名或密码错误|登录尝试次数过多/);
  assert.equal(await page.locator('[data-testid=worklist]').count(), 0);
  await shot(page, 'signin-error-zh');
  await setLang(page, 'en');
  assert.match(await page.locator('h1').innerText(), /Sign in/);
  await shot(page, 'signin-en');
  await setLang(page, 'zh');
});

test('the right password lands on the work list', async () => {
  const { page, errors } = b;
  await login(page, OFFICER);
  assert.match(page.url(), /#\/$/);
  await page.locator('[data-testid=count-overdue] .stat-value').waitFor();
  assert.match(await page.locator('h1').first().innerText(), /工作台/);
  // Officers see intake but not the supervisor board.
  assert.equal(await page.locator('[data-testid=nav-intake]').count(), 1);
  assert.equal(await page.locator('[data-testid=nav-board]').count(), 0);
  await shotBoth(page, 'worklist-officer');
  // Signing out returns to the sign-in page.
  await page.click('[data-testid=sign-out]');
  await page.locator('[data-testid=login-form]').waitFor();
  assert.deepEqual(errors, []);
});

test('a deep link survives signing in, and an ended session returns to the sign-in page', async () => {
  const fresh = await launch();
  try {
    const { page, errors } = fresh;
    await gotoApp(page, '#/cases?stage=under_investigation');
    await page.locator('[data-testid=login-form]').waitFor();
    await page.fill('#login-username', OFFICER.user);
    await page.fill('#login-password', OFFICER.password);
    await page.click('[data-testid=login-submit]');
    await page.locator('[data-testid=case-list]').waitFor();
    assert.match(page.url(), /#\/cases\?stage=under_investigation$/);
    // The server ends the session: the next request lands on the sign-in page.
    await page.evaluate(() => fetch('/api/v1/auth/logout', { method: 'POST', credentials: 'same-origin' }));
    await page.selectOption('[data-testid=filter-stage]', 'filed');
    await page.locator('[data-testid=login-form]').waitFor();
    assert.deepEqual(errors, []);
  } finally {
    await fresh.close();
  }
});
