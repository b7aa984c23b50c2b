// The npm package in a bundler: a Vite app that imports the packed tarball (built by
// `./build.sh test` into tests/vite-app/dist) goes through one survey against the collector.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { existsSync, readdirSync } from 'node:fs';
import { startCollectorAndBrowser, stopCollectorAndBrowser, rows, openPage, eventually, ROOT } from './harness.mjs';

const DIST = join(ROOT, 'tests', 'vite-app', 'dist');
let collector, browser;
before(async () => {
  assert.ok(existsSync(join(DIST, 'index.html')), 'tests/vite-app/dist is built by ./build.sh test');
  ({ collector, browser } = await startCollectorAndBrowser({ www: DIST }));
});
after(() => stopCollectorAndBrowser({ collector, browser }));

test('Vite build: the bundler found the wasm and one chunk per language', () => {
  const assets = readdirSync(join(DIST, 'assets'));
  assert.equal(assets.filter((f) => f.endsWith('.wasm')).length, 1);
  assert.ok(assets.filter((f) => /^(de|ar|ja|pt-BR)-.*\.js$/.test(f)).length === 4, assets.join(' '));
});

test('Vite app: track → card → score → comment → one stored row, response event', async () => {
  const context = await browser.newContext();
  const page = await openPage(context, collector.url + '/');
  await page.getByRole('dialog').waitFor();
  assert.equal(await page.locator('h1').textContent(), 'Vite host app');
  await page.getByRole('radio', { name: '10 out of 10' }).click();
  await page.getByRole('textbox').fill('Bundled fine');
  await page.getByRole('button', { name: 'Send' }).click();
  const row = await eventually(() => rows(collector.db).find((r) => r.user_id === 'vite-user' && r.complete));
  assert.equal(row.score, 10);
  assert.equal(row.comment, 'Bundled fine');
  assert.equal(row.trigger_name, 'event:report_exported');
  const analytics = await page.evaluate(() => window.analytics);
  assert.equal(analytics.length, 1);
  assert.equal(analytics[0].comment, 'Bundled fine');
  assert.deepEqual(page.pageErrors, []);
  await context.close();
});

test('Vite app in German loads the German chunk', async () => {
  const context = await browser.newContext();
  const page = await openPage(context);
  const scripts = [];
  page.on('request', (r) => scripts.push(new URL(r.url()).pathname));
  await page.goto(collector.url + '/?lang=de');
  await page.getByRole('dialog').waitFor();
  assert.equal(await page.getByRole('radio').nth(9).getAttribute('aria-label'), '9 von 10');
  assert.ok(scripts.some((p) => /\/assets\/de-.*\.js$/.test(p)), 'de chunk requested');
  assert.ok(!scripts.some((p) => /\/assets\/fr-.*\.js$/.test(p)), 'no other language requested');
  await context.close();
});
