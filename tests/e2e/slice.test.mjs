// The vertical slice: demo page → card on load → score → comment → one stored row → no card on reload.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startCollectorAndBrowser, stopCollectorAndBrowser, rows, openPage, eventually, OUTPUT, widgetReady, ROOT } from './harness.mjs';

let collector, browser;
before(async () => ({ collector, browser } = await startCollectorAndBrowser({ www: join(ROOT, 'www') })));
after(() => stopCollectorAndBrowser({ collector, browser }));

test('demo: answer 9 with a comment, one complete row, no card after reload', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await openPage(context, collector.url + '/');
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  await assert.doesNotReject(page.locator('nps-widget').evaluate((host) => {
    if (!host.shadowRoot || host.shadowRoot.mode !== 'open') throw new Error('no open shadow root');
  }));
  const radios = dialog.getByRole('radio');
  assert.equal(await radios.count(), 11);
  assert.equal(await radios.nth(9).getAttribute('aria-label'), '9 out of 10');
  await page.screenshot({ path: join(OUTPUT, 'slice-step1.png') });

  await radios.nth(9).click();
  const score = await eventually(() => rows(collector.db).find((r) => r.score === 9));
  assert.ok(score, 'the score is stored as soon as it is chosen');

  const comment = page.getByRole('textbox');
  await comment.waitFor();
  assert.equal(await dialog.getByRole('textbox', { name: 'Great to hear! What do you love most?' }).count(), 1, 'the box asks the promoters\' follow-up');
  await comment.fill('Fast and simple');
  await page.screenshot({ path: join(OUTPUT, 'slice-step2.png') });
  await page.getByRole('button', { name: 'Send' }).click();
  await dialog.getByRole('heading', { name: "Thank you! We're glad you're enjoying it." }).waitFor();
  await page.screenshot({ path: join(OUTPUT, 'slice-step3.png') });

  const stored = await eventually(() => {
    const all = rows(collector.db);
    return all.length === 1 && all[0].complete ? all : null;
  });
  assert.ok(stored, 'one complete row: ' + JSON.stringify(rows(collector.db)));
  const [row] = stored;
  assert.equal(row.score, 9);
  assert.equal(row.category, 'promoter');
  assert.equal(row.comment, 'Fast and simple');
  assert.equal(row.complete, true);
  assert.equal(row.user_id, 'demo-user');
  assert.equal(row.page, collector.url + '/');
  assert.equal(row.trigger_name, 'load');

  await dialog.waitFor({ state: 'detached', timeout: 8000 });
  // The demo page has `debug: true`: the widget logs its decision on the load trigger.
  const decided = page.waitForEvent('console', { predicate: (m) => /^nps-widget: (not shown|eligible, shown)/.test(m.text()) });
  await page.reload();
  assert.match((await decided).text(), /^nps-widget: not shown: (shown in another tab; )?answered on \d{4}-\d{2}-\d{2}, next on /);
  assert.equal(await page.locator('nps-widget').count(), 0, 'no card within six months');
  assert.deepEqual(page.pageErrors, []);
  assert.equal(rows(collector.db).length, 1);
  await context.close();
});

test('bad config logs one nps-widget error and leaves the page alone', async () => {
  const context = await browser.newContext();
  const page = await openPage(context, collector.url + '/');
  await widgetReady(page);
  const cases = [
    [{}, 'nps-widget: config `endpoint` must be a collector URL (required)'],
    [{ endpoint: 'javascript:alert(1)' }, 'nps-widget: config `endpoint` must be an http(s) URL or a path starting with /'],
    [{ endpoint: '/v1/responses', colour: 'red' }, 'nps-widget: unknown config key `colour`'],
    [{ endpoint: '/v1/responses', debug: 'yes' }, 'nps-widget: config `debug` must be true or false'],
  ];
  for (const [config, message] of cases) {
    page.consoleErrors.length = 0;
    await page.evaluate((c) => window.nps('init', c), config);
    assert.deepEqual(page.consoleErrors, [message]);
    await page.evaluate(() => window.nps('show', { force: true }));
    assert.equal(await page.locator('nps-widget').count(), 0, 'inert after a bad config');
  }
  assert.deepEqual(page.pageErrors, []);
  await context.close();
});
