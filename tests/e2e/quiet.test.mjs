// The quiet page view: a user who is not due costs the page the loader alone, and raises the
// same `ineligible` as the full widget; anything that could change the decision loads the full
// widget, which behaves as if it had been loaded at once. Every test reads the requests the page
// made (Playwright's request log, and the page's own resource timing for cached files).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startCollectorAndBrowser, stopCollectorAndBrowser, surveyUrl, rows, openPage, eventually, outboxOf,
} from './harness.mjs';

let collector, browser;
before(async () => ({ collector, browser } = await startCollectorAndBrowser()));
after(() => stopCollectorAndBrowser({ collector, browser }));

const DAY = 86_400_000;
const config = (id, extra = {}) => ({ endpoint: '/v1/responses', user: { id }, ...extra });

/** A context whose user `id` answered `daysAgo` days ago (the widget's stored state). */
async function contextAnswered(id, daysAgo = 30) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(collector.url + '/no-widget-here');
  await page.evaluate(([key, value]) => localStorage.setItem(key, value), [`nps-widget:user:${id}`, `s=${Date.now() - daysAgo * DAY};o=a`]);
  await page.close();
  return context;
}

/**
 * Opens the test host with `cfg` and resolves once the load trigger is decided, with the
 * widget files the page requested (`requests`, from the network log) and the events raised.
 */
async function visit(context, cfg, { path = '/survey.html', decided = 'ineligible' } = {}) {
  const page = await openPage(context);
  const requests = [];
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (path.startsWith('/nps-widget/')) requests.push(path.slice('/nps-widget/'.length));
  });
  page.widgetRequests = requests;
  await page.goto(surveyUrl(collector, cfg, path));
  if (decided) await page.waitForFunction((name) => window.events.some((e) => e.name === name), decided);
  return page;
}

/** The widget files the page loaded, cached or not (resource timing). */
const loadedFiles = (page) => page.evaluate(() => performance.getEntriesByType('resource')
  .map((entry) => new URL(entry.name).pathname).filter((p) => p.startsWith('/nps-widget/')).map((p) => p.slice(12)));

/** Resolves once the full widget was loaded and runs the page's commands. */
const fullWidget = (page) => page.waitForFunction(() =>
  performance.getEntriesByType('resource').some((e) => e.name.endsWith('/nps-widget/nps_widget_bg.wasm')) &&
  typeof window.nps === 'function' && !window.nps.q);

const ineligible = (page) => page.evaluate(() => window.events.filter((e) => e.name === 'ineligible').map((e) => e.payload));

/** A full page view first (it leaves the record), then the page view under test. */
async function quietPage(context, cfg, options) {
  const full = await visit(context, cfg, options);
  assert.ok(full.widgetRequests.includes('nps_widget_bg.wasm'), 'the first page view loads the widget');
  await full.close();
  const page = await visit(context, cfg, options);
  assert.deepEqual(page.widgetRequests, ['nps-widget.js'], 'a quiet page view fetches the loader alone');
  return page;
}

test('not due: one request, the loader; the same `ineligible` as the full widget', async () => {
  const context = await contextAnswered('quiet-1');
  const full = await visit(context, config('quiet-1'));
  assert.deepEqual(full.widgetRequests.sort(), ['index.js', 'nps-widget.js', 'nps_widget_bg.wasm']);
  const fromWidget = await ineligible(full);
  await full.close();

  const page = await visit(context, config('quiet-1'));
  assert.deepEqual(page.widgetRequests, ['nps-widget.js']);
  assert.deepEqual(await loadedFiles(page), ['nps-widget.js']);
  const quiet = await ineligible(page);
  assert.equal(quiet.length, 1);
  assert.deepEqual(quiet, fromWidget);
  assert.match(quiet[0].reason, /^answered on \d{4}-\d\d-\d\d, next on \d{4}-\d\d-\d\d$/);
  assert.equal(await page.locator('nps-widget').count(), 0);
  // The page view is counted, as the widget counts it.
  assert.equal(await page.evaluate(() => localStorage.getItem('nps-widget:user:quiet-1:views')), '2');
  assert.deepEqual([page.pageErrors, page.consoleErrors], [[], []]);
  await context.close();
});

test('the npm path: init() resolves at once and fetches no wasm while the record holds', async () => {
  const context = await contextAnswered('quiet-npm');
  const full = await visit(context, config('quiet-npm'), { path: '/module.html' });
  assert.ok(full.widgetRequests.includes('nps_widget_bg.wasm'));
  const fromWidget = await ineligible(full);
  await full.close();
  const page = await visit(context, config('quiet-npm'), { path: '/module.html' });
  await page.waitForFunction(() => window.surveyObject === true);
  assert.deepEqual(page.widgetRequests.sort(), ['index.js', 'main.js'], 'modules only: no wasm fetched or compiled');
  assert.deepEqual(await ineligible(page), fromWidget);
  await context.close();
});

test('an answer waiting in the outbox: the full widget loads and delivers it', async () => {
  const context = await contextAnswered('quiet-outbox', 200);
  // A card shown and answered while the collector cannot be reached: the answer waits.
  const offline = await openPage(context);
  await offline.route('**/v1/responses', (route) => route.abort());
  await offline.goto(surveyUrl(collector, config('quiet-outbox')));
  await offline.getByRole('radio', { name: '4 out of 10' }).click();
  await eventually(async () => (await outboxOf(offline)).includes('"score":4'));
  await offline.close();
  // Still unreachable: this page view decides "not now" and leaves the record, the answer stays.
  const stillOffline = await openPage(context);
  await stillOffline.route('**/v1/responses', (route) => route.abort());
  await stillOffline.goto(surveyUrl(collector, config('quiet-outbox')));
  await stillOffline.waitForFunction(() => window.events.some((e) => e.name === 'ineligible'));
  await stillOffline.close();

  const page = await visit(context, config('quiet-outbox'));
  assert.ok(page.widgetRequests.includes('nps_widget_bg.wasm'), 'the outbox needs the widget');
  const row = await eventually(() => rows(collector.db).find((r) => r.user_id === 'quiet-outbox' && r.score === 4));
  assert.ok(row, 'the queued answer is delivered');
  await eventually(async () => (await outboxOf(page)) === '');
  await context.close();
});

test('another user is decided afresh: the full widget shows the new user the card', async () => {
  const context = await contextAnswered('quiet-a');
  const first = await quietPage(context, config('quiet-a'));
  await first.close();
  const page = await visit(context, config('quiet-b'), { decided: 'shown' });
  assert.ok(page.widgetRequests.includes('nps_widget_bg.wasm'));
  await page.getByRole('dialog').waitFor();
  await context.close();
});

test('show({ force: true }) on a quiet page loads the widget and shows the card', async () => {
  const context = await contextAnswered('quiet-force');
  const page = await quietPage(context, config('quiet-force'));
  await page.evaluate(() => window.nps('show', { force: true }));
  await page.getByRole('dialog').waitFor();
  assert.ok(page.widgetRequests.includes('nps_widget_bg.wasm'));
  assert.equal(await page.evaluate(() => window.events.filter((e) => e.name === 'shown').length), 1);
  // The display voids the record: the next page view loads the widget again.
  const next = await visit(context, config('quiet-force'));
  assert.ok(next.widgetRequests.includes('nps_widget_bg.wasm'));
  await context.close();
});

test("track: an event a trigger names is decided by the widget; any other stays quiet", async () => {
  const cfg = config('quiet-track', { triggers: [{ on: 'load' }, { event: 'report_exported' }] });
  const context = await contextAnswered('quiet-track');
  const page = await quietPage(context, cfg);
  await page.evaluate(() => window.nps('track', 'something_else'));
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 50)));
  assert.deepEqual(await loadedFiles(page), ['nps-widget.js'], 'an event no trigger names changes nothing');
  await page.evaluate(() => window.nps('track', 'report_exported'));
  await page.waitForFunction(() => window.events.filter((e) => e.name === 'ineligible').length === 2);
  assert.ok(page.widgetRequests.includes('nps_widget_bg.wasm'));
  const [onLoad, onEvent] = await ineligible(page);
  assert.deepEqual(onEvent, onLoad, 'the widget decides the event as the quiet page decided the load');
  await context.close();
});

for (const [name, call] of [
  ['identify', () => window.nps('identify', { id: 'quiet-someone-else' })],
  ['consent', () => window.nps('consent', true)],
  ['reset', () => window.nps('reset')],
  ['destroy', () => window.nps('destroy')],
]) {
  test(`${name} on a quiet page loads the full widget`, async () => {
    const context = await contextAnswered('quiet-' + name);
    const page = await quietPage(context, config('quiet-' + name));
    await page.evaluate(call);
    await fullWidget(page);
    assert.deepEqual(page.pageErrors, []);
    await context.close();
  });
}

test('debug, requireConsent, a changed throttle, storage that throws: the full widget', async () => {
  const context = await contextAnswered('quiet-config');
  await (await quietPage(context, config('quiet-config'))).close();
  for (const extra of [{ debug: true }, { requireConsent: true }]) {
    const page = await visit(context, config('quiet-config', extra), { decided: null });
    await fullWidget(page);
    assert.ok(page.widgetRequests.includes('nps_widget_bg.wasm'), JSON.stringify(extra));
    await page.close();
  }
  // A changed throttle is decided by the widget, which leaves a record for the new config.
  const shorter = config('quiet-config', { throttle: { resurveyAfter: '3 months' } });
  const changed = await visit(context, shorter);
  assert.ok(changed.widgetRequests.includes('nps_widget_bg.wasm'), 'a changed throttle loads the widget');
  const [decision] = await ineligible(changed);
  await changed.close();
  const quietAgain = await visit(context, shorter);
  assert.deepEqual(quietAgain.widgetRequests, ['nps-widget.js'], 'then quiet under the new config');
  assert.deepEqual(await ineligible(quietAgain), [decision]);
  await quietAgain.close();

  const blocked = await openPage(context);
  await blocked.addInitScript(() => Object.defineProperty(window, 'localStorage', { get() { throw new Error('denied'); } }));
  const requests = [];
  blocked.on('request', (r) => requests.push(new URL(r.url()).pathname));
  await blocked.goto(surveyUrl(collector, config('quiet-config')));
  await fullWidget(blocked);
  assert.ok(requests.includes('/nps-widget/nps_widget_bg.wasm'));
  await context.close();
});

test('an answer queued by another tab wakes the widget, which sends it', async () => {
  // An answer body as the widget queues it, taken from a page whose collector is unreachable.
  const donor = await browser.newContext();
  const source = await openPage(donor);
  await source.route('**/v1/responses', (route) => route.abort());
  await source.goto(surveyUrl(collector, config('quiet-other-tab')));
  await source.getByRole('radio', { name: '2 out of 10' }).click();
  await eventually(async () => (await outboxOf(source)).includes('"score":2'));
  const entries = await source.evaluate(() => Object.entries(localStorage).filter(([k]) => k.startsWith('nps-widget:outbox:')));
  await donor.close();

  const context = await contextAnswered('quiet-other-tab');
  const page = await quietPage(context, config('quiet-other-tab'));
  const other = await context.newPage();
  await other.goto(collector.url + '/no-widget-here');
  await other.evaluate((list) => list.forEach(([key, value]) => localStorage.setItem(key, value)), entries);
  await fullWidget(page);
  assert.ok(await eventually(() => rows(collector.db).find((r) => r.user_id === 'quiet-other-tab' && r.score === 2)));
  await context.close();
});

test("a display in another tab voids the record: the quiet tab's next trigger asks the widget", async () => {
  const cfg = config('quiet-tabs', { triggers: [{ on: 'load' }, { url: '/spa/*' }] });
  const context = await contextAnswered('quiet-tabs');
  const page = await quietPage(context, cfg);
  // Another tab, under a config that makes the user due, shows the card and records it.
  const other = await visit(context, { ...cfg, throttle: { resurveyAfter: '1 day' } }, { decided: 'shown' });
  await other.getByRole('dialog').waitFor();
  await page.evaluate(() => history.pushState({}, '', '/spa/settings'));
  await page.waitForFunction(() => window.events.filter((e) => e.name === 'ineligible').length === 2);
  assert.ok(page.widgetRequests.includes('nps_widget_bg.wasm'), 'the state changed: the widget decides');
  const [, afterDisplay] = await ineligible(page);
  assert.match(afterDisplay.reason, /^shown in another tab; asked on /);
  const third = await visit(context, cfg);
  assert.ok(third.widgetRequests.includes('nps_widget_bg.wasm'), 'and the next page view loads it too');
  await context.close();
});

test('SPA route changes are counted while quiet, and their triggers raise what the widget raises', async () => {
  const cfg = config('quiet-spa', { triggers: [{ on: 'load' }, { url: '/spa/billing*' }, { pageViews: 4 }] });
  const routes = ['/spa/home', '/spa/billing', '/spa/home#top', '/spa/reports'];
  const run = async (page) => {
    for (const route of routes) await page.evaluate((r) => history.pushState({}, '', r), route);
    await page.evaluate(() => history.back());
    await page.waitForFunction(() => location.pathname === '/spa/home');
    return {
      events: await ineligible(page),
      views: await page.evaluate(() => localStorage.getItem('nps-widget:user:quiet-spa:views')),
    };
  };
  const context = await contextAnswered('quiet-spa');
  const full = await visit(context, cfg);
  const withWidget = await run(full);
  await full.close();
  // The same page view again, quiet, from the same count of views.
  const reset = await context.newPage();
  await reset.goto(collector.url + '/no-widget-here');
  await reset.evaluate(() => localStorage.removeItem('nps-widget:user:quiet-spa:views'));
  await reset.close();
  const page = await visit(context, cfg);
  const quiet = await run(page);
  assert.deepEqual(page.widgetRequests, ['nps-widget.js'], 'route changes stay quiet');
  assert.equal(quiet.views, '6');
  assert.deepEqual(quiet, withWidget);
  await context.close();
});

test('a quiet page hands over its timers: the widget goes on as if loaded at once', async () => {
  const cfg = config('quiet-handover', { triggers: [{ on: 'load' }, { afterSeconds: 2 }] });
  const context = await contextAnswered('quiet-handover');
  const page = await quietPage(context, cfg);
  const started = await page.evaluate(() => performance.timeOrigin + performance.now());
  // identify (the same user) needs the widget; the load trigger has fired quietly already.
  await page.evaluate(() => window.nps('identify', { id: 'quiet-handover' }));
  await fullWidget(page);
  assert.equal((await ineligible(page)).length, 1, 'the load trigger is not run again');
  await page.waitForFunction(() => window.events.filter((e) => e.name === 'ineligible').length === 2);
  const at = await page.evaluate(() => performance.timeOrigin + performance.now());
  assert.ok(at - started >= 1500, `the afterSeconds trigger kept its time (${at - started} ms)`);
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 2500)));
  assert.equal((await ineligible(page)).length, 2, 'and fired once');
  await context.close();
});

test("the collector's verdict keeps page views quiet for a short while, with its reason", async () => {
  const cfg = config('quiet-verdict', { eligibilityEndpoint: '/v1/eligibility' });
  // Answered on another device: this browser has no state, the collector knows.
  const laptop = await browser.newContext();
  const first = await visit(laptop, cfg, { decided: 'shown' });
  await first.getByRole('radio', { name: '9 out of 10' }).click();
  await eventually(() => rows(collector.db).find((r) => r.user_id === 'quiet-verdict' && r.score === 9));
  await laptop.close();

  const phone = await browser.newContext();
  const asked = await visit(phone, cfg);
  assert.ok(asked.widgetRequests.includes('nps_widget_bg.wasm'));
  const [verdict] = await ineligible(asked);
  assert.match(verdict.reason, /^collector says: answered on /);
  await asked.close();
  const page = await visit(phone, cfg);
  assert.deepEqual(page.widgetRequests, ['nps-widget.js']);
  assert.deepEqual(await ineligible(page), [verdict]);
  const record = JSON.parse(await page.evaluate(() => localStorage.getItem('nps-widget:quiet')));
  assert.ok(record.t - record.a <= 15 * 60_000, 'for 15 minutes at most');
  await phone.close();
});

test('delaySeconds while quiet: the delayed `ineligible` comes when the widget would raise it', async () => {
  const cfg = config('quiet-delay', { triggers: [{ on: 'load' }], delaySeconds: 1 });
  const context = await contextAnswered('quiet-delay');
  const full = await visit(context, cfg);
  const withWidget = await ineligible(full);
  await full.close();
  const page = await openPage(context);
  const started = Date.now();
  await page.goto(surveyUrl(collector, cfg));
  assert.deepEqual(await ineligible(page), [], 'nothing before the delay');
  await page.waitForFunction(() => window.events.some((e) => e.name === 'ineligible'));
  assert.ok(Date.now() - started >= 900, 'after the delay');
  assert.deepEqual(await ineligible(page), withWidget);
  assert.deepEqual(await loadedFiles(page), ['nps-widget.js']);
  await context.close();
});

test('a forced show while a quiet delayed show waits: the card opens and stays, as in the widget', async () => {
  const cfg = config('quiet-delay-force', { delaySeconds: 2 });
  const context = await contextAnswered('quiet-delay-force');
  await (await visit(context, cfg)).close();
  const page = await openPage(context);
  await page.goto(surveyUrl(collector, cfg));
  // The load trigger waits out its delay quietly; the forced show replaces it.
  await page.evaluate(() => window.nps('show', { force: true }));
  await page.getByRole('dialog').waitFor();
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 2500)));
  assert.equal(await page.getByRole('dialog').count(), 1, 'the card is still open after the delay');
  assert.deepEqual(await ineligible(page), [], 'the delayed show was replaced, not raised');
  await context.close();
});

test('a route change while the widget loads is a page view the widget counts', async () => {
  const context = await contextAnswered('quiet-route-load');
  const page = await quietPage(context, config('quiet-route-load'));
  const key = 'nps-widget:user:quiet-route-load:views';
  const before = Number(await page.evaluate((k) => localStorage.getItem(k), key));
  await page.evaluate(() => {
    window.nps('identify', { id: 'quiet-route-load' });
    history.pushState({}, '', '/spa/while-loading');
  });
  await fullWidget(page);
  await page.waitForFunction(([k, n]) => Number(localStorage.getItem(k)) === n, [key, before + 1]);
  await context.close();
});
