// The integration surface end to end: the command queue, the zero-inline install under a strict
// CSP, event / URL / page-view triggers, delaySeconds, destroy(), and the consent gate.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startCollectorAndBrowser, stopCollectorAndBrowser, surveyUrl, widgetReady, showsDecided, startHostServer, rows, openPage, eventually, ROOT } from './harness.mjs';

let collector, browser;
before(async () => ({ collector, browser } = await startCollectorAndBrowser()));
after(() => stopCollectorAndBrowser({ collector, browser }));

const ready = widgetReady;
const shownEvents = (page) => page.evaluate(() => window.events.filter((e) => e.name === 'shown').map((e) => e.payload));
/** Resolves when the widget (with `debug: true`) logs `text`; call it before the action that logs. */
const logged = (page, text) => page.waitForEvent('console', { predicate: (m) => m.text() === text });

test('calls queued before the loader arrives are replayed in order', async () => {
  const context = await browser.newContext();
  const page = await openPage(context);
  // Hold the module and the wasm back until the page's calls are all in the queue.
  let release;
  const queued = new Promise((resolve) => { release = resolve; });
  await page.route(/\/nps-widget\/(index\.js|nps_widget_bg\.wasm)$/, async (route) => {
    await queued;
    await route.continue();
  });
  await page.goto(surveyUrl(collector, { endpoint: '/v1/responses', triggers: [{ event: 'queued' }], user: { id: 'before-identify' } }));
  await page.evaluate(() => {
    nps('identify', { id: 'queued-user' });
    nps('track', 'queued');
  });
  assert.ok(await page.evaluate(() => Array.isArray(window.nps.q) && window.nps.q.length >= 3), 'calls were queued');
  release();
  await page.getByRole('dialog').waitFor();
  assert.deepEqual((await shownEvents(page)).map((e) => e.trigger), ['event:queued'], 'on → init → identify → track, in order');
  await page.getByRole('radio', { name: '6 out of 10' }).click();
  // The display body comes first; the row becomes a response once the score arrives.
  const row = await eventually(() => rows(collector.db).find((r) => r.user_id === 'queued-user' && r.type === 'response'));
  assert.equal(row.score, 6);
  assert.equal(row.trigger_name, 'event:queued');
  assert.deepEqual(page.pageErrors, []);
  await context.close();
});

test('data attributes under a strict CSP: card shown, answer delivered, no violation', async () => {
  const csp = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";
  const host = await startHostServer({ pages: join(ROOT, 'tests', 'e2e', 'csp'), headers: { 'content-security-policy': csp }, collectorUrl: collector.url });
  try {
    const context = await browser.newContext();
    const page = await openPage(context);
    await page.addInitScript(() => {
      window.violations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.violations.push(e.violatedDirective + ' ' + e.blockedURI));
    });
    const response = await page.goto(host.url + '/');
    assert.equal(response.headers()['content-security-policy'], csp);
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    assert.equal(await dialog.getByRole('heading').textContent(), 'How likely are you to recommend Acme to a friend or colleague?');
    // The constructable stylesheet applied: the card is a fixed, styled box.
    const position = await page.locator('nps-widget').evaluate((h) => getComputedStyle(h.shadowRoot.querySelector('.card')).position);
    assert.equal(position, 'fixed');
    await page.getByRole('radio', { name: '9 out of 10' }).click();
    await page.getByRole('textbox').fill('Works under CSP');
    await page.getByRole('button', { name: 'Send' }).click();
    const row = await eventually(() => rows(collector.db).find((r) => r.user_id === 'u_csp' && r.complete));
    assert.equal(row.comment, 'Works under CSP');
    assert.equal(row.user_email, 'csp@example.com');
    assert.equal(row.user_created_at, '2024-01-01T00:00:00.000Z');
    assert.deepEqual(await page.evaluate(() => window.violations), []);
    assert.deepEqual(page.consoleErrors.filter((m) => /Content Security Policy|Refused/i.test(m)), []);
    await context.close();
  } finally {
    await host.close();
  }
});

test('without wasm-unsafe-eval: one clear console error, the page unharmed', async () => {
  const csp = "default-src 'self'; script-src 'self'; style-src 'self'";
  const host = await startHostServer({ pages: join(ROOT, 'tests', 'e2e', 'csp'), headers: { 'content-security-policy': csp }, collectorUrl: collector.url });
  try {
    const context = await browser.newContext();
    const page = await openPage(context, host.url + '/');
    await eventually(() => page.consoleErrors.some((m) => m.startsWith('nps-widget:')));
    const ours = page.consoleErrors.filter((m) => m.startsWith('nps-widget:'));
    assert.equal(ours.length, 1, ours.join('\n'));
    assert.match(ours[0], /'wasm-unsafe-eval'/);
    assert.deepEqual(page.pageErrors, []);
    assert.equal(await page.locator('h1').count(), 1);
    await context.close();
  } finally {
    await host.close();
  }
});

test("track('x') fires the {event:'x'} trigger and no other", async () => {
  const context = await browser.newContext();
  const page = await openPage(context, surveyUrl(collector, { endpoint: '/v1/responses', triggers: [{ event: 'x' }, { event: 'y' }], debug: true }));
  await ready(page);
  const decided = logged(page, 'nps-widget: track: no trigger for event z');
  await page.evaluate(() => nps('track', 'z'));
  await decided;
  assert.equal(await page.locator('nps-widget').count(), 0, 'an event without a trigger shows nothing');
  await page.evaluate(() => nps('track', 'x'));
  await page.getByRole('dialog').waitFor();
  assert.deepEqual((await shownEvents(page)).map((e) => e.trigger), ['event:x']);
  await context.close();
});

test("pushState to /billing/plan fires {url:'/billing/*'}", async () => {
  const context = await browser.newContext();
  const page = await openPage(context, surveyUrl(collector, { endpoint: '/v1/responses', triggers: [{ url: '/billing/*' }] }));
  await showsDecided(page);
  assert.equal(await page.locator('nps-widget').count(), 0, 'not on /survey.html');
  await page.evaluate(() => history.pushState({}, '', '/billing/plan'));
  await page.getByRole('dialog').waitFor();
  assert.deepEqual((await shownEvents(page)).map((e) => e.trigger), ['url:/billing/*']);
  await context.close();
});

test('a popstate back onto a matching path fires too', async () => {
  const context = await browser.newContext();
  const page = await openPage(context, surveyUrl(collector, { endpoint: '/v1/responses', triggers: [{ url: '/settings/*' }] }));
  await ready(page);
  await page.evaluate(() => { history.pushState({}, '', '/settings/team'); });
  await page.getByRole('dialog').waitFor();
  await page.evaluate(() => nps('hide'));
  assert.equal(await page.locator('nps-widget').count(), 0);
  await context.close();
});

test('delaySeconds is cancelled by navigating away', async () => {
  const context = await browser.newContext();
  const page = await openPage(context);
  const logs = [];
  page.on('console', (m) => logs.push(m.text()));
  await page.goto(surveyUrl(collector, { endpoint: '/v1/responses', triggers: [{ url: '/billing/*' }], delaySeconds: 1, debug: true }));
  await ready(page);
  const fired = logged(page, 'nps-widget: trigger url:/billing/*');
  await page.evaluate(() => history.pushState({}, '', '/billing/plan'));
  await fired;
  const cancelled = logged(page, 'nps-widget: delayed show cancelled: navigated to /reports');
  await page.evaluate(() => history.pushState({}, '', '/reports'));
  await cancelled;
  assert.equal(await page.locator('nps-widget').count(), 0);
  // Staying on a matching path lets the delay run out: the card comes a full second after this
  // route change, so not from the cancelled show, which was due a second after /billing/plan.
  const again = Date.now();
  await page.evaluate(() => history.pushState({}, '', '/billing/invoices'));
  await page.getByRole('dialog').waitFor({ timeout: 3000 });
  const waited = Date.now() - again;
  assert.ok(waited >= 1000, `shown ${waited} ms after the route change, not before its delay`);
  assert.deepEqual((await shownEvents(page)).map((e) => e.trigger), ['url:/billing/*']);
  assert.equal(logs.filter((l) => l.startsWith('nps-widget: eligible, shown')).length, 1, logs.join('\n'));
  await context.close();
});

test('pageViews: 3 fires on the third view', async () => {
  const context = await browser.newContext();
  const page = await openPage(context, surveyUrl(collector, { endpoint: '/v1/responses', user: { id: 'viewer' }, triggers: [{ pageViews: 3 }] }));
  for (const view of [1, 2]) {
    await showsDecided(page, 'viewer');
    assert.equal(await page.locator('nps-widget').count(), 0, `no card on view ${view}`);
    await page.reload();
  }
  await ready(page);
  await page.getByRole('dialog').waitFor();
  assert.deepEqual((await shownEvents(page)).map((e) => e.trigger), ['pageViews:3']);
  await context.close();
});

test('SPA route changes count as page views', async () => {
  const context = await browser.newContext();
  const page = await openPage(context, surveyUrl(collector, { endpoint: '/v1/responses', user: { id: 'spa-viewer' }, triggers: [{ pageViews: 3 }] }));
  await ready(page);
  await page.evaluate(() => history.pushState({}, '', '/a'));
  await showsDecided(page, 'spa-viewer');
  assert.equal(await page.locator('nps-widget').count(), 0);
  await page.evaluate(() => history.pushState({}, '', '/b'));
  await page.getByRole('dialog').waitFor();
  await context.close();
});

test('destroy() leaves zero nodes, listeners or patches added by the widget', async () => {
  const context = await browser.newContext();
  const page = await openPage(context, surveyUrl(collector, { endpoint: '/v1/responses', triggers: [{ url: '/x/*' }] }));
  await ready(page);
  const before = await page.evaluate(() => document.querySelectorAll('*').length);
  await page.evaluate(() => nps('show', { force: true }));
  await page.getByRole('dialog').waitFor();
  assert.equal(await page.evaluate(() => history.pushState.toString().includes('[native code]')), false, 'pushState is wrapped while alive');
  await page.evaluate(() => nps('destroy'));
  assert.equal(await page.evaluate(() => document.querySelectorAll('*').length), before);
  assert.equal(await page.locator('nps-widget').count(), 0);
  assert.equal(await page.evaluate(() => history.pushState.toString().includes('[native code]')), true, 'pushState restored');
  // Listeners are gone: a route change that used to fire a trigger does nothing.
  await page.evaluate(() => history.pushState({}, '', '/x/y'));
  await showsDecided(page);
  assert.equal(await page.locator('nps-widget').count(), 0);
  assert.deepEqual(page.pageErrors, []);
  await context.close();
});

test('consent gate: no storage and no requests until consent(true)', async () => {
  const context = await browser.newContext();
  const page = await openPage(context);
  const requests = [];
  page.on('request', (r) => { if (new URL(r.url()).pathname.startsWith('/v1/')) requests.push(r.url()); });
  await page.goto(surveyUrl(collector, { endpoint: '/v1/responses', user: { id: 'consenting' }, requireConsent: true, triggers: [{ on: 'load' }, { pageViews: 1 }] }));
  await ready(page);
  const refusals = () => page.evaluate(() => window.events.filter((e) => e.name === 'ineligible').map((e) => e.payload.reason));
  const refused = (count) => page.waitForFunction((n) => window.events.filter((e) => e.name === 'ineligible').length >= n, count);
  // The load trigger is refused, and then the forced show, each with the widget's reason.
  await refused(1);
  await page.evaluate(() => nps('show', { force: true }));
  await refused(2);
  assert.deepEqual(await refusals(), ['consent not given', 'consent not given']);
  const stored = () => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('nps-widget:')));
  assert.deepEqual(await stored(), []);
  assert.equal(await page.locator('nps-widget').count(), 0, 'no card before consent');
  assert.deepEqual(requests, []);

  await page.evaluate(() => nps('consent', true));
  await page.getByRole('dialog').waitFor();
  assert.ok((await stored()).includes('nps-widget:user:consenting'), 'state is stored after consent');
  await page.getByRole('radio', { name: '7 out of 10' }).click();
  assert.ok(await eventually(() => rows(collector.db).find((r) => r.user_id === 'consenting' && r.score === 7)), 'the score is stored');
  // Playwright reports the page's request event to this process asynchronously.
  assert.ok(await eventually(() => requests.length >= 1), 'the answer was sent after consent');

  await page.evaluate(() => nps('consent', false));
  assert.deepEqual(await stored(), [], 'consent(false) clears what was stored');
  await context.close();
});
