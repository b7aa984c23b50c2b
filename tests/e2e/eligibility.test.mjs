// Eligibility end to end: the six-month rule across reloads (with Playwright's clock), after a
// dismissal, two tabs at once, and a second device asking the collector.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCollectorAndBrowser, stopCollectorAndBrowser, surveyUrl, rows, openPage, eventually } from './harness.mjs';

let collector, browser;
before(async () => ({ collector, browser } = await startCollectorAndBrowser()));
after(() => stopCollectorAndBrowser({ collector, browser }));

const DAY = 86_400_000;
const card = (page) => page.locator('nps-widget');

/**
 * Reloads and reports whether the widget shows the card: waits for its decision on the load
 * trigger, `shown` or `ineligible`, and checks that the page agrees with it.
 */
async function cardAfterReload(page) {
  const requests = [];
  const record = (request) => requests.push(new URL(request.url()).pathname);
  page.on('request', record);
  await page.reload();
  page.off('request', record);
  page.lastWidgetRequests = requests.filter((p) => p.startsWith('/nps-widget/'));
  const decided = await page.waitForFunction(() => window.events.find((e) => e.name === 'shown' || e.name === 'ineligible')?.name);
  const shown = (await decided.jsonValue()) === 'shown';
  assert.equal(await card(page).count(), shown ? 1 : 0, 'the card is there exactly when `shown` was raised');
  return shown;
}

test('answered: no card on reload, none at +6 months - 1 day, a card at +6 months + 1 minute', async () => {
  const shownAt = new Date('2026-05-15T09:00:00Z');
  const context = await browser.newContext();
  const page = await openPage(context);
  await page.clock.install({ time: shownAt });
  await page.goto(surveyUrl(collector, { endpoint: '/v1/responses', user: { id: 'clock-user' } }));
  await page.getByRole('radio', { name: '8 out of 10' }).click();
  await page.getByRole('button', { name: 'Skip' }).click();
  await eventually(() => rows(collector.db).find((r) => r.user_id === 'clock-user' && r.complete));

  assert.equal(await cardAfterReload(page), false, 'no card right after answering');
  await page.clock.setSystemTime(new Date('2026-11-15T09:00:00Z').getTime() - DAY);
  assert.equal(await cardAfterReload(page), false, 'no card at six months minus a day');
  assert.deepEqual(page.lastWidgetRequests, ['/nps-widget/nps-widget.js'], 'a quiet page view: the loader alone');
  await page.clock.setSystemTime(new Date('2026-11-15T09:01:00Z'));
  assert.equal(await cardAfterReload(page), true, 'a card at six months plus a minute');
  assert.ok(page.lastWidgetRequests.includes('/nps-widget/nps_widget_bg.wasm'), 'time passed: the widget decides');
  assert.deepEqual(page.pageErrors, []);
  await context.close();
});

test('dismissed: the same six months, and the decline is stored', async () => {
  const context = await browser.newContext();
  const page = await openPage(context);
  await page.clock.install({ time: new Date('2026-03-31T12:00:00Z') });
  await page.goto(surveyUrl(collector, { endpoint: '/v1/responses', user: { id: 'dismiss-user' } }));
  await page.getByRole('button', { name: 'Close survey' }).click();
  // The display body may be stored first; wait until the row is no longer only a display.
  const decline = await eventually(() => rows(collector.db).find((r) => r.user_id === 'dismiss-user' && r.type !== 'display'));
  assert.equal(decline.type, 'decline');
  assert.equal(decline.score, null);

  assert.equal(await cardAfterReload(page), false);
  // 2026-03-31 + 6 calendar months = 2026-09-30 (September has 30 days).
  await page.clock.setSystemTime(new Date('2026-09-30T12:00:00Z').getTime() - 60_000);
  assert.equal(await cardAfterReload(page), false, 'no card a minute before');
  assert.deepEqual(page.lastWidgetRequests, ['/nps-widget/nps-widget.js'], 'a quiet page view: the loader alone');
  const reasons = await page.evaluate(() => window.events.filter((e) => e.name === 'ineligible').map((e) => e.payload));
  assert.equal(reasons.at(-1).reason, 'dismissed on 2026-03-31, next on 2026-09-30');
  // The clock runs from 12:00:00 while the page loads, so the card was shown a moment after;
  // the wait is six months from that moment, as the widget recorded it.
  assert.match(decline.shown_at, /^2026-03-31T12:00:/);
  assert.equal(reasons.at(-1).nextEligibleAt, decline.shown_at.replace(/^2026-03-31/, '2026-09-30'));
  await page.clock.setSystemTime(new Date('2026-09-30T12:01:00Z'));
  assert.equal(await cardAfterReload(page), true, 'a card a minute after');
  await context.close();
});

test('two tabs becoming eligible at once: exactly one card', async () => {
  const context = await browser.newContext();
  const url = surveyUrl(collector, { endpoint: '/v1/responses', user: { id: 'two-tabs' }, debug: true });
  const [a, b] = await Promise.all([openPage(context), openPage(context)]);
  const logs = [];
  for (const p of [a, b]) p.on('console', (m) => logs.push(m.text()));
  await Promise.all([a.goto(url), b.goto(url)]);
  await Promise.all([a, b].map((p) => p.waitForFunction(() => window.events.some((e) => e.name === 'shown' || e.name === 'ineligible'))));
  const counts = await Promise.all([a, b].map((p) => card(p).count()));
  assert.deepEqual(counts.sort(), [0, 1], 'one tab shows the card, the other stays quiet');
  assert.ok(logs.some((l) => l.includes('not shown: shown in another tab')), logs.join('\n'));
  await context.close();
});

test('a second device asks the collector and is not asked again', async () => {
  const config = { endpoint: '/v1/responses', eligibilityEndpoint: '/v1/eligibility', user: { id: 'two-devices' }, debug: true };
  const laptop = await browser.newContext();
  const first = await openPage(laptop, surveyUrl(collector, config));
  await first.getByRole('radio', { name: '10 out of 10' }).click();
  assert.ok(await eventually(() => rows(collector.db).find((r) => r.user_id === 'two-devices' && r.score === 10)), 'the score is stored');
  await laptop.close();

  const phone = await browser.newContext();
  const second = await openPage(phone);
  const logs = [];
  second.on('console', (m) => logs.push(m.text()));
  await second.goto(surveyUrl(collector, config));
  await second.waitForFunction(() => window.events.some((e) => e.name === 'ineligible'));
  assert.equal(await card(second).count(), 0);
  const today = new Date().toISOString().slice(0, 10);
  assert.ok(logs.some((l) => l.startsWith('nps-widget: not shown: collector says: answered on ' + today)), logs.join('\n'));
  await phone.close();
});

test('a collector that does not answer in time: the local decision is used', async () => {
  const context = await browser.newContext();
  const page = await openPage(context);
  const logs = [];
  page.on('console', (m) => logs.push(m.text()));
  await page.route('**/v1/eligibility**', () => { /* never answered */ });
  const started = Date.now();
  await page.goto(surveyUrl(collector, { endpoint: '/v1/responses', eligibilityEndpoint: '/v1/eligibility', user: { id: 'slow-collector' }, debug: true }));
  await card(page).waitFor({ state: 'attached', timeout: 6000 });
  const waited = Date.now() - started;
  assert.ok(waited >= 1900 && waited < 5000, `shown after the 2 s timeout (${waited} ms)`);
  assert.ok(logs.includes('nps-widget: collector eligibility check failed or timed out; using the local decision'), logs.join('\n'));
  await context.close();
});
