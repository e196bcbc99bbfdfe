import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertServerUp, launch, login, shotBoth, SUPERVISOR } from './lib.mjs';

let b;
before(async () => {
  await assertServerUp();
  b = await launch();
  await login(b.page, SUPERVISOR);
});
after(async () => {
  await b?.close();
});

test('campaign dashboard renders totals, the unit table and the month chart', async () => {
  const { page } = b;
  await page.click('[data-testid=nav-dashboard]');
  await page.locator('[data-testid=dashboard]').waitFor();
  const cards = page.locator('[data-testid=totals] .stat');
  assert.equal(await cards.count(), 8);
  await page.waitForFunction(() => /^\d[\d,]*$/.test(document.querySelector('[data-testid=total-clues_received] .stat-value')?.textContent ?? ''));
  for (const k of ['clues_received', 'cases_filed', 'cases_solved']) {
    const v = await page.locator(`[data-testid=total-${k}] .stat-value`).innerText();
    assert.match(v, /^\d[\d,]*$/, `${k} = ${v}`);
  }
  const chart = page.locator('[data-testid=month-chart] svg');
  await chart.waitFor();
  assert.ok((await chart.locator('rect.bar-rect').count()) > 0, 'bars drawn');
  await shotBoth(page, 'dashboard');

  // Drill down from a unit to the case list filtered by that unit.
  const drill = page.locator('[data-testid=unit-table] tbody a').first();
  if (await drill.count()) {
    await drill.click();
    await page.locator('[data-testid=case-list]').waitFor();
    assert.match(page.url(), /#\/cases\?.*unit_id=\d+/);
    await page.locator('[data-testid=unit-chip]').waitFor();
  }
});

test('supervisor board lists pending decisions, major cases and workload', async () => {
  const { page, errors } = b;
  await page.click('[data-testid=nav-board]');
  await page.locator('[data-testid=board]').waitFor();
  await page.waitForFunction(() => !document.querySelector('[data-testid=board] [aria-busy=true]'));
  assert.equal(await page.locator('#board-pending h2').count(), 1);
  assert.equal(await page.locator('#board-workload h2').count(), 1);
  await shotBoth(page, 'board');

  await page.click('[data-testid=nav-cases]');
  await page.locator('[data-testid=case-list]').waitFor();
  await page.waitForFunction(() => !document.querySelector('[data-testid=case-list] [aria-busy=true]'));
  await shotBoth(page, 'case-list');
  assert.deepEqual(errors, []);
});
