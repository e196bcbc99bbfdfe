// Sign-in hardening in the browser: the one-time code at sign-in, the account security page
// (password change, TOTP enrolment, sessions and revocation) and the enrolment-only session of a
// supervisor who has no second factor yet.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertServerUp, DEMO_TOTP_SECRET, gotoApp, hotp, launch, login, nextTotp, setLang, shot, shotBoth, totp } from './lib.mjs';

const PASSWORD = 'Aegis-demo-2026!';

let b;
before(async () => {
  await assertServerUp();
  b = await launch();
});
after(async () => {
  await b?.close();
});

test('the TOTP helper matches RFC 6238 Appendix B (SHA-1)', () => {
  const key = Buffer.from('12345678901234567890');
  for (const [t, code] of [[59, '94287082'], [1111111109, '07081804'], [1234567890, '89005924'], [20000000000, '65353130']]) {
    assert.equal(hotp(key, Math.floor(t / 30), 8), code);
  }
  assert.equal(totp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 59), '287082');
});

test('a supervisor is asked for the one-time code, and a wrong code is refused', async () => {
  const fresh = await launch();
  try {
    const { page, errors } = fresh;
    await gotoApp(page, '#/login');
    await page.fill('#login-username', 'sup.west');
    await page.fill('#login-password', PASSWORD);
    await page.click('[data-testid=login-submit]');
    const field = page.locator('[data-testid=login-totp]');
    await field.waitFor();
    assert.equal(await page.locator('[data-testid=worklist]').count(), 0);
    await shot(page, 'signin-totp-zh');
    // A code from an hour ago is wrong now.
    await field.fill(totp(DEMO_TOTP_SECRET, Date.now() / 1000 - 3600));
    await page.click('[data-testid=login-submit]');
    const err = page.locator('[data-testid=login-error]');
    await err.waitFor();
    assert.match(await err.innerText(), /验证码错误/);
    await setLang(page, 'en');
    await shot(page, 'signin-totp-en');
    await setLang(page, 'zh');
    await field.fill(await nextTotp('sup.west', DEMO_TOTP_SECRET));
    await page.click('[data-testid=login-submit]');
    await page.locator('[data-testid=worklist]').waitFor();
    assert.deepEqual(errors, []);
  } finally {
    await fresh.close();
  }
});

test('account page: enrol TOTP, see and end sessions, change the password', async () => {
  const { page, errors } = b;
  const user = 'off.taraval.1';
  await login(page, { user, password: PASSWORD });
  await page.click('[data-testid=nav-account]');
  await page.locator('[data-testid=account-page]').waitFor();
  await page.locator('[data-testid=session-current]').waitFor();
  assert.match(await page.locator('[data-testid=totp-status]').innerText(), /未开启/);
  await shotBoth(page, 'account-officer');

  // Enrol: the password, then the key, then a code computed from the key.
  await page.click('[data-testid=totp-setup]');
  await page.fill('#totp-password', 'not-my-password-1');
  await page.click('[data-testid=totp-start-submit]');
  await page.locator('[data-testid=error-totp-password]').waitFor();
  await page.fill('#totp-password', PASSWORD);
  await page.click('[data-testid=totp-start-submit]');
  const secretEl = page.locator('[data-testid=totp-secret]');
  await secretEl.waitFor();
  const secret = await secretEl.getAttribute('data-secret');
  assert.match(secret, /^[A-Z2-7]{32}$/);
  assert.match(await page.locator('[data-testid=totp-uri]').innerText(), new RegExp(`^otpauth://totp/Aegis:${user.replace(/\./g, '\\.')}\\?secret=${secret}&`));
  await shotBoth(page, 'account-totp-enrol');
  await page.fill('[data-testid=totp-code]', await nextTotp(user, secret));
  await page.click('[data-testid=totp-confirm-submit]');
  await page.waitForFunction(() => /已开启|is on/.test(document.querySelector('[data-testid=totp-status]')?.textContent ?? ''));

  // A second browser signs in, now with a code; this page lists it and ends it.
  const other = await launch();
  try {
    await login(other.page, { user, password: PASSWORD, totp: secret });
    await page.reload();
    await page.locator('[data-testid=session-other]').waitFor();
    assert.equal(await page.locator('[data-testid=session-current]').count(), 1);
    await shotBoth(page, 'account-sessions');
    await page.click('[data-testid=session-revoke]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=session-other]').length === 0);
    // The other browser's next request lands on the sign-in page.
    await other.page.click('[data-testid=nav-cases]');
    await other.page.locator('[data-testid=login-form]').waitFor();
  } finally {
    await other.close();
  }

  // Password change: the rules are explained in the UI's language, then a good one is taken.
  await page.fill('#pw-current', PASSWORD);
  await page.fill('#pw-new', 'password1234');
  await page.fill('#pw-repeat', 'password1234');
  await page.click('[data-testid=password-submit]');
  const ruleError = page.locator('[data-testid=error-pw-new]');
  await ruleError.waitFor();
  assert.match(await ruleError.innerText(), /过于常见/);
  await page.fill('#pw-current', PASSWORD);
  await page.fill('#pw-new', 'Taraval-river-2031');
  await page.fill('#pw-repeat', 'Taraval-river-2031');
  await page.click('[data-testid=password-submit]');
  await page.waitForFunction(() => /密码已修改/.test(document.querySelector('[data-testid=toasts]')?.textContent ?? ''));
  assert.deepEqual(errors, []);
});

test('a supervisor without a second factor must enrol before anything else', async () => {
  const fresh = await launch();
  try {
    const { page, errors } = fresh;
    await gotoApp(page, '#/cases');
    await page.locator('[data-testid=login-form]').waitFor();
    await page.fill('#login-username', 'sup.newcomer');
    await page.fill('#login-password', 'Newcomer-pass-2026');
    await page.click('[data-testid=login-submit]');
    await page.locator('[data-testid=enrol-page]').waitFor();
    assert.equal(await page.locator('[data-testid=nav-cases]').count(), 0);
    // The API refuses everything else to this session.
    const status = await page.evaluate(async () => (await fetch('/api/v1/cases', { credentials: 'same-origin' })).status);
    assert.equal(status, 403);
    await shotBoth(page, 'enrol-supervisor');
    await page.fill('#totp-password', 'Newcomer-pass-2026');
    await page.click('[data-testid=totp-start-submit]');
    const secret = await page.locator('[data-testid=totp-secret]').getAttribute('data-secret');
    await page.fill('[data-testid=totp-code]', await nextTotp('sup.newcomer', secret));
    await page.click('[data-testid=totp-confirm-submit]');
    // The same session opens the application, at the page that was asked for.
    await page.locator('[data-testid=case-list]').waitFor();
    assert.equal(await page.locator('[data-testid=nav-board]').count(), 1);
    assert.deepEqual(errors, []);
  } finally {
    await fresh.close();
  }
});
