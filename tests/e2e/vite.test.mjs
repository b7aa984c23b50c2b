// The npm package in a bundler: a Vite app that imports the packed tarball (built by
// `./build.sh test` into tests/vite-app/dist) goes through one survey against the collector,
// and its React page runs the README's React component under <React.StrictMode>.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
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

test("the README's React example is the Vite app's NpsSurvey.jsx, character for character", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```jsx\n([\s\S]*?)```/g)].map((m) => m[1]);
  const example = blocks.filter((b) => b.includes('export function NpsSurvey'));
  assert.equal(example.length, 1, 'one React example in the README');
  assert.equal(example[0], readFileSync(join(ROOT, 'tests', 'vite-app', 'NpsSurvey.jsx'), 'utf8'));
});

test('React StrictMode: the effect runs twice, one card, and one answer gives exactly one response event', async () => {
  const context = await browser.newContext();
  const page = await openPage(context, collector.url + '/react.html');
  await page.getByRole('dialog').waitFor();
  assert.equal(await page.locator('h1').textContent(), 'Vite host app with React');
  // React's development build under StrictMode: mount, cleanup, mount again.
  assert.equal(await page.evaluate(() => window.effectRuns), 2, 'StrictMode ran the mount effects twice');
  assert.equal(await page.locator('nps-widget').count(), 1);
  await page.getByRole('radio', { name: '9 out of 10' }).click();
  await page.getByRole('textbox').fill('Strict and sound');
  await page.getByRole('button', { name: 'Send' }).click();
  const row = await eventually(() => rows(collector.db).find((r) => r.user_id === 'react-user' && r.complete));
  assert.equal(row.score, 9);
  assert.equal(row.comment, 'Strict and sound');
  assert.equal(row.user_email, 'react@example.com');
  // A second listener would have been called in the same turn; give a late one time anyway.
  await page.waitForTimeout(300);
  const calls = await page.evaluate(() => window.analytics.calls);
  assert.equal(calls.length, 1, JSON.stringify(calls));
  assert.equal(calls[0].name, 'NPS answered');
  assert.deepEqual([calls[0].payload.id, calls[0].payload.score, calls[0].payload.comment], [row.id, 9, 'Strict and sound']);
  assert.equal(rows(collector.db).filter((r) => r.user_id === 'react-user').length, 1, 'one answer stored');
  assert.deepEqual(page.pageErrors, []);
  assert.deepEqual(page.consoleErrors, []);
  await context.close();
});
