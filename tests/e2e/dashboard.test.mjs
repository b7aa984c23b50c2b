// The dashboard against a seeded database, in Chromium: its numbers are the ones the test
// computes itself from `export`, a segment filter changes them as the API says, the CSV it
// offers is the API's, the follow-up loop from the page is stored, and axe-core finds nothing
// in light and dark, on a desktop and a phone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COLLECTOR, ROOT, OUTPUT, startCollector, launch, rows, openPage } from './harness.mjs';

const TOKEN = 'npsa_e2e_dashboard_token_0123456789';
const AXE = join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');
const RANGE = { from: '2025-12-04', to: '2026-12-03', tz: 'UTC', interval: 'month' };

let collector, browser;
before(async () => {
  process.env.NPS_ADMIN_TOKEN = TOKEN;
  collector = await startCollector({ args: [] });
  delete process.env.NPS_ADMIN_TOKEN;
  execFileSync(COLLECTOR, ['seed', '--db', collector.db, '--answers', '1500', '--seed', '5']);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await collector?.stop();
});

const query = (extra = {}) => new URLSearchParams({ survey: 'nps', ...RANGE, ...extra });

async function apiJson(path) {
  const response = await fetch(collector.url + path, { headers: { Authorization: `Bearer ${TOKEN}` } });
  assert.equal(response.status, 200, path);
  return response.json();
}

/** A logged-in dashboard page (via the login form) at `search`. */
async function dashboard(search, options = {}) {
  const context = await browser.newContext(options);
  const page = await openPage(context);
  await page.goto(collector.url + '/dashboard/login');
  await page.getByLabel(/token/i).fill(TOKEN);
  await page.keyboard.press('Enter');
  await page.waitForURL('**/dashboard/');
  await page.goto(`${collector.url}/dashboard/?${search}`);
  await page.waitForFunction(() => document.getElementById('score').textContent !== '–');
  await page.waitForFunction(() => document.querySelectorAll('#comments > li').length > 0);
  return { context, page };
}

/** NPS of the exported answers shown in the range (effective time, no previews), one decimal. */
function npsFromExport(filter = () => true) {
  const from = Date.parse(RANGE.from + 'T00:00:00Z');
  const to = Date.parse(RANGE.to + 'T00:00:00Z') + 86_400_000;
  const counted = rows(collector.db).filter((r) => {
    const at = Date.parse(r.effective_shown_at);
    return !r.preview && r.survey === 'nps' && at >= from && at < to && filter(r);
  });
  const responses = counted.filter((r) => r.score !== null);
  const promoters = responses.filter((r) => r.score >= 9).length;
  const detractors = responses.filter((r) => r.score <= 6).length;
  return {
    displays: counted.length,
    responses: responses.length,
    score: Math.round((1000 * (promoters - detractors)) / responses.length) / 10,
  };
}

const shown = (score) => (score > 0 ? `+${score}` : String(score));

test('the headline, the split and the last trend point are what export says', async () => {
  const expected = npsFromExport();
  const { context, page } = await dashboard(query());
  assert.equal(await page.textContent('#score'), shown(expected.score));
  const counts = await page.textContent('#counts');
  assert.match(counts, new RegExp(`n = ${expected.responses.toLocaleString('en-US')}`));
  assert.match(counts, new RegExp(`${expected.displays.toLocaleString('en-US')} shown`));
  const report = await apiJson('/v1/report?' + query());
  assert.equal(report.score, expected.score);
  const legend = await page.textContent('#split-legend');
  for (const name of ['detractor', 'passive', 'promoter']) {
    assert.match(legend, new RegExp(`${name} ${report.categories[name].toLocaleString('en-US')} `));
  }
  // The last month of the trend, from the table alternative of the chart.
  const last = report.trend.at(-1);
  const lastRow = await page.locator('#trend-table tbody tr').last().locator('td').allTextContents();
  assert.deepEqual(lastRow.slice(0, 2), [last.start, shown(last.score)]);
  const december = npsFromExport((r) => r.effective_shown_at >= last.start);
  assert.equal(last.score, december.score);
  assert.deepEqual(page.consoleErrors.filter((e) => !/favicon/.test(e)), [], 'no CSP or script error');
  await page.screenshot({ path: join(OUTPUT, 'dashboard-light.png') });
  await context.close();
});

test('choosing a segment filters everything by it, as the API says', async () => {
  const { context, page } = await dashboard(query({ by: 'user.properties.plan' }));
  await page.getByRole('button', { name: 'enterprise', exact: true }).click();
  await page.waitForURL(/where=user\.properties\.plan%3Aenterprise/);
  const report = await apiJson('/v1/report?' + query({ where: 'user.properties.plan:enterprise' }));
  await page.waitForFunction((score) => document.getElementById('score').textContent === score, shown(report.score));
  const expected = npsFromExport((r) => r.user_properties?.plan === 'enterprise');
  assert.equal(report.score, expected.score);
  assert.equal(await page.locator('#where li').count(), 1);
  await context.close();
});

test('the CSV offered by the page is the API CSV of what is filtered', async () => {
  const { context, page } = await dashboard(query());
  await page.getByLabel('Category').selectOption('detractor');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForURL(/category=detractor/);
  await page.waitForFunction(() => document.getElementById('csv').href.includes('category=detractor'));
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
  const fromPage = readFileSync(await download.path(), 'utf8');
  const href = await page.getAttribute('#csv', 'href');
  const response = await fetch(collector.url + href, { headers: { Authorization: `Bearer ${TOKEN}` } });
  const fromApi = await response.text();
  assert.equal(fromPage, fromApi);
  const lines = fromApi.trim().split('\n');
  assert.ok(lines.length > 10, `${lines.length} lines`);
  assert.ok(lines.slice(1).every((line) => line.includes('detractor')));
  await context.close();
});

test('claim, note, tag and resolve a detractor from the page: stored', async () => {
  const { context, page } = await dashboard(query());
  const first = page.locator('#inbox > li').first();
  const id = await first.getAttribute('data-id');
  await first.getByRole('button', { name: 'Claim' }).click();
  const item = page.locator(`#inbox > li[data-id="${id}"]`);
  await item.getByLabel('Note').fill('Called them, fix ships Friday');
  await item.getByLabel(/Tags/).fill('export, speed');
  await item.getByRole('button', { name: 'Save' }).click();
  await page.locator(`#inbox > li[data-id="${id}"]`).getByText('Note: Called them').waitFor();
  await page.locator(`#inbox > li[data-id="${id}"]`).getByRole('button', { name: 'Resolve' }).click();
  await page.locator(`#inbox > li[data-id="${id}"] .meta`).first().getByText(/resolved by admin/).waitFor();
  const { answers } = await apiJson('/v1/answers?' + new URLSearchParams({ status: 'resolved', assignee: 'admin' }));
  const stored = answers.find((a) => a.id === id);
  assert.deepEqual(
    [stored.followUp.status, stored.followUp.assignee, stored.followUp.note, stored.followUp.tags],
    ['resolved', 'admin', 'Called them, fix ships Friday', ['export', 'speed']],
  );
  await context.close();
});

for (const colorScheme of ['light', 'dark']) {
  for (const viewport of [{ width: 1280, height: 900 }, { width: 390, height: 844 }]) {
    test(`axe: no violations, ${colorScheme}, ${viewport.width} px; no horizontal overflow`, async () => {
      // axe-core is injected as a script, which the dashboard's own policy would block.
      const { context, page } = await dashboard(query(), { colorScheme, viewport, bypassCSP: true });
      await page.addScriptTag({ path: AXE });
      const violations = await page.evaluate(async () => {
        const result = await window.axe.run(document, { resultTypes: ['violations'] });
        return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(' ')}`);
      });
      assert.deepEqual(violations, []);
      assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), true);
      await page.screenshot({ path: join(OUTPUT, `dashboard-${colorScheme}-${viewport.width}.png`) });
      await context.close();
    });
  }
}
