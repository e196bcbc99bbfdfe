// Case export with redaction: an officer opens the export page of a case of their unit, previews
// the redacted case file (the victim's identity masked wherever it was typed, pattern hits
// highlighted by kind), adds a term to mask, keeps one pattern hit as written, confirms, and finds
// the export in the case's export list and on the timeline. The victim's identity never appears on
// the page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertServerUp, gotoApp, launch, login, OFFICER, setLang, shotBoth, uniqueTag } from './lib.mjs';

const tag = uniqueTag();
const VICTIM = { name: '林晓雨', phone: '13987654321' };
let officer;
before(async () => {
  await assertServerUp();
  officer = await launch();
  await login(officer.page, OFFICER);
});
after(async () => {
  await officer?.close();
});

/** A case of the officer's own unit (exportable), with a victim and an action that mentions her. */
async function prepareCase(page) {
  return page.evaluate(
    async ({ victim, tag }) => {
      const call = async (method, path, body) => {
        const res = await fetch(`/api/v1${path}`, {
          method,
          headers: body ? { 'Content-Type': 'application/json' } : {},
          body: body ? JSON.stringify(body) : undefined,
        });
        if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
        return res.json();
      };
      const list = await call('GET', '/cases?stage=under_investigation&limit=50');
      for (const item of list.items) {
        const c = await call('GET', `/cases/${item.id}`);
        if (!c.can_export) continue;
        await call('POST', `/cases/${c.id}/persons`, {
          role: 'victim',
          sex: 'female',
          age_at_offence: 16,
          identity: { name: victim.name, phone: victim.phone },
        });
        await call('POST', `/cases/${c.id}/actions`, {
          title: `走访学校 ${tag}`,
          description: `前往广州市第五中学了解${victim.name}的情况，学校值班电话020-87654321；晓雨的网名是小海豚，手机${victim.phone.slice(0, 3)} ${victim.phone.slice(3, 7)} ${victim.phone.slice(7)}。`,
        });
        return { id: c.id, reference: c.reference };
      }
      throw new Error('no exportable case under investigation');
    },
    { victim: VICTIM, tag },
  );
}

async function pageText(page) {
  return page.evaluate(() => document.body.innerText);
}

test('officer previews, adjusts and confirms a redacted export', async () => {
  const { page, errors } = officer;
  const c = await prepareCase(page);
  await gotoApp(page, `#/cases/${c.id}`);
  await page.locator('[data-testid=case-page]').waitFor();
  await page.click('[data-testid=case-export]');
  await page.locator('[data-testid=export-page]').waitFor();

  // Audience and purpose are required before a preview.
  await page.click('[data-testid=export-preview]');
  await page.locator('[data-testid=error-export-audience]').waitFor();
  await page.selectOption('[data-testid=export-audience]', 'prosecution');
  await page.fill('[data-testid=export-recipient]', '示范市人民检察院');
  await page.fill('[data-testid=export-purpose]', `移送审查起诉 ${tag}`);
  await page.click('[data-testid=export-preview]');
  const doc = page.locator('[data-testid=export-document]');
  await doc.waitFor();

  // The victim's identity is masked wherever it was typed, and never reaches the page.
  const text = await pageText(page);
  for (const secret of [VICTIM.name, '晓雨', VICTIM.phone, '139 8765 4321']) assert.ok(!text.includes(secret), `${secret} on the page`);
  assert.ok((await doc.locator('[data-source=identity]').count()) >= 3, 'identity spans');
  // Pattern hits: the school and the school's phone, which the officer can judge.
  const school = doc.locator('button.redact-school[data-source=pattern]').first();
  await school.waitFor();
  assert.equal(await school.getAttribute('aria-pressed'), 'false');
  await page.locator('[data-testid=export-legend] [data-kind=person_name]').waitFor();
  await shotBoth(page, 'export-preview');

  // The nickname is not found by any pattern: add it as a term to mask.
  assert.ok(text.includes('小海豚'));
  await page.fill('[data-testid=export-term]', '小海豚');
  await page.click('[data-testid=export-term-add]');
  await page.locator('[data-testid=export-terms] li').waitFor();
  await doc.locator('[data-source=added_term]').first().waitFor();
  assert.ok(!(await doc.innerText()).includes('小海豚'));

  // Keep the school's phone as written (a false positive for this audience).
  const phone = doc.locator('button.redact-phone[data-source=pattern]').first();
  await phone.click();
  assert.equal(await phone.getAttribute('aria-pressed'), 'true');
  assert.equal((await phone.innerText()).trim(), '020-87654321');

  await page.click('[data-testid=export-confirm]');
  await page.locator('[data-testid=export-done]').waitFor();
  const row = page.locator('[data-testid=export-history] tbody tr').first();
  await row.waitFor();
  assert.ok((await row.innerText()).includes(tag));
  await shotBoth(page, 'export-done');

  // The stored document: identity masked, the kept hit as written, the added term masked.
  const stored = await page.evaluate(async (caseId) => {
    const list = await (await fetch(`/api/v1/cases/${caseId}/exports`)).json();
    return (await fetch(`/api/v1/exports/${list.items[0].id}`)).text();
  }, c.id);
  for (const secret of [VICTIM.name, '晓雨', VICTIM.phone, '小海豚']) assert.ok(!stored.includes(secret), `${secret} exported`);
  assert.ok(stored.includes('020-87654321'));

  // The case timeline records the export.
  await gotoApp(page, `#/cases/${c.id}`);
  await page.locator('[data-testid=timeline] [data-kind=exported]').first().waitFor();
  await setLang(page, 'zh');
  assert.deepEqual(errors, []);
});
