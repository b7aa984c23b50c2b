// Failures that speak and hosts that misbehave: every way answers can fail to arrive is logged
// once, naming the URL and what to do, and raised as an `error` event; a wasm URL that serves a
// web page says so; config errors reach `error` listeners added after `init`; a full
// localStorage, a throwing `fetch`, `identify` while a card is open, an element with id="nps"
// and a second `init` in the same tab all keep the widget's promises.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  startCollectorAndBrowser, stopCollectorAndBrowser, rows, openPage, eventually, surveyUrl, widgetReady, showsDecided,
  startHostServer, startFaultyProxy, TEST_PAGES, ROOT,
} from './harness.mjs';

let collector, browser;
before(async () => ({ collector, browser } = await startCollectorAndBrowser()));
after(() => stopCollectorAndBrowser({ collector, browser }));

/** The `error` events the page recorded. */
const errorEvents = (page) => page.evaluate(() => window.events.filter((e) => e.name === 'error').map((e) => e.payload.message));

/** Opens `url`, shows the card (forced) and chooses 9: two bodies to deliver. */
async function answer(context, url) {
  const page = await openPage(context, url);
  await widgetReady(page);
  await page.evaluate(() => window.nps('show', { force: true }));
  await page.getByRole('radio', { name: '9 out of 10' }).click();
  await page.getByRole('textbox').waitFor();
  return page;
}

/** Waits for the one delivery failure report, and checks the event says the same. */
async function failureReport(page) {
  const logged = await eventually(() => page.consoleErrors.find((m) => m.startsWith('nps-widget: answers are not reaching')));
  assert.ok(logged, 'a delivery failure is logged: ' + page.consoleErrors.join('\n'));
  assert.deepEqual(await eventually(() => errorEvents(page).then((e) => (e.length ? e : null))), [logged]);
  return logged;
}

test('a wrong endpoint: one error naming the URL, the status and the queued answers', async () => {
  const context = await browser.newContext();
  const page = await answer(context, surveyUrl(collector, { endpoint: '/v1/nope' }));
  const report = await failureReport(page);
  assert.match(report, new RegExp(`^nps-widget: answers are not reaching ${collector.url}/v1/nope: HTTP 405; [12] waiting in the outbox`));
  await page.getByRole('button', { name: 'Skip' }).click();
  // More failures of the same kind are not reported again.
  await page.waitForFunction(() => Object.keys(localStorage).filter((k) => k.startsWith('nps-widget:outbox:')).length === 1);
  assert.equal(page.consoleErrors.filter((m) => m.startsWith('nps-widget: answers')).length, 1);
  assert.deepEqual(page.pageErrors, []);
  await context.close();
});

test('a collector on another origin without CORS: "blocked (CORS? …)" with the flag to add', async () => {
  // Another origin that answers without any CORS header, as a collector without --cors-origin.
  const other = createServer((req, res) => { req.resume(); res.writeHead(204); res.end(); });
  await new Promise((resolve) => other.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${other.address().port}/v1/responses`;
  try {
    const context = await browser.newContext();
    const page = await answer(context, surveyUrl(collector, { endpoint }));
    const report = await failureReport(page);
    assert.ok(report.startsWith(`nps-widget: answers are not reaching ${endpoint}: blocked (CORS? start the collector with --cors-origin ${collector.url})`), report);
    await context.close();
  } finally {
    other.closeAllConnections();
    await new Promise((resolve) => other.close(resolve));
  }
});

test('a collector that answers 503: the status, and the answer arrives once it recovers', async () => {
  let busy = true;
  const proxy = await startFaultyProxy(collector.url, (req) => (busy && req.method === 'POST' ? 'busy' : 'pass'));
  const host = await startHostServer({ pages: TEST_PAGES, collectorUrl: proxy.url });
  try {
    const context = await browser.newContext();
    const page = await answer(context, surveyUrl(host, { endpoint: '/v1/responses', user: { id: 'busy-503' } }));
    assert.match(await failureReport(page), /: HTTP 503; [12] waiting in the outbox, retried with backoff$/);
    busy = false;
    const stored = await eventually(() => rows(collector.db).find((r) => r.user_id === 'busy-503' && r.score === 9), { timeout: 15000 });
    assert.ok(stored, 'delivered after the collector recovered');
    await context.close();
  } finally {
    await host.close();
    await proxy.close();
  }
});

test('offline: says the browser is offline, and delivers when it is back', async () => {
  const context = await browser.newContext();
  const page = await openPage(context, surveyUrl(collector, { endpoint: '/v1/responses', user: { id: 'offline-user' } }));
  await widgetReady(page);
  await context.setOffline(true);
  await page.evaluate(() => window.nps('show', { force: true }));
  await page.getByRole('radio', { name: '3 out of 10' }).click();
  assert.match(await failureReport(page), /: the browser is offline; [12] waiting in the outbox/);
  await context.setOffline(false);
  assert.ok(await eventually(() => rows(collector.db).find((r) => r.user_id === 'offline-user' && r.score === 3), { timeout: 15000 }));
  await context.close();
});

test('a wasm URL that serves a web page (an SPA fallback) says which URL returned what', async () => {
  const pkg = join(ROOT, 'pkg');
  const server = createServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>SPA</title><script async src="/w/nps-widget.js" data-endpoint="/v1/responses"></script>');
    } else if (path === '/w/nps-widget.js' || path === '/w/index.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(await readFile(join(pkg, path.slice(3))));
    } else {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>SPA</title><div id="app"></div>');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  try {
    const context = await browser.newContext();
    const page = await openPage(context, url + '/');
    const message = await eventually(() => page.consoleErrors.find((m) => m.startsWith('nps-widget:')));
    assert.match(message, new RegExp(`^nps-widget: ${url}/w/nps_widget_bg.wasm returned HTTP 200 \\(text/html; charset=utf-8\\) instead of the widget's WebAssembly: serve pkg/nps_widget_bg.wasm at that URL, as application/wasm`));
    assert.deepEqual(page.pageErrors, []);
    await context.close();
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test('listeners added right after init hear the load decision and config errors', async () => {
  const context = await browser.newContext();
  const shown = await openPage(context, surveyUrl(collector, { endpoint: '/v1/responses' }, '/after-init.html'));
  await shown.getByRole('dialog').waitFor();
  await eventually(() => shown.evaluate(() => window.events.length > 0));
  assert.deepEqual(await shown.evaluate(() => window.events.map((e) => e.name)), ['shown']);
  // The same user on the next page: the decision is `ineligible`, heard by the late listener.
  await shown.getByRole('button', { name: 'Close survey' }).click();
  await shown.reload();
  const reason = await eventually(() => shown.evaluate(() => window.events.find((e) => e.name === 'ineligible')?.payload.reason));
  assert.match(reason, /dismissed on /);

  const typo = await openPage(context, surveyUrl(collector, { endpoint: '/v1/responses', prodcut: 'Acme' }, '/after-init.html'));
  const messages = await eventually(() => errorEvents(typo).then((e) => (e.length ? e : null)));
  assert.deepEqual(messages, ['nps-widget: unknown config key `prodcut`; did you mean `product`?']);
  assert.deepEqual(typo.consoleErrors, messages);
  await context.close();
});

test('a second init in the same tab does not call its own display "shown in another tab"', async () => {
  const context = await browser.newContext();
  const config = { endpoint: '/v1/responses', user: { id: 'reinit' }, triggers: [{ event: 'go' }] };
  const page = await openPage(context, surveyUrl(collector, config));
  await widgetReady(page);
  await page.evaluate(() => window.nps('track', 'go'));
  await page.getByRole('button', { name: 'Close survey' }).click();
  await page.evaluate((config) => { window.nps('init', config); window.nps('track', 'go'); }, config);
  const reason = await eventually(() => page.evaluate(() => window.events.find((e) => e.name === 'ineligible')?.payload.reason));
  assert.match(reason, /^dismissed on /);
  await context.close();
});

test('a full localStorage still holds the record: no second card', async () => {
  const context = await browser.newContext();
  const config = { endpoint: '/v1/responses', user: { id: 'full-storage' } };
  const page = await openPage(context, surveyUrl(collector, config));
  await page.getByRole('dialog').waitFor();
  await page.getByRole('button', { name: 'Close survey' }).click();
  const filled = await page.evaluate(() => {
    // Fill the origin's quota with the host's own data.
    let size = 1 << 20, n = 0;
    while (size >= 1) {
      try { localStorage.setItem('host-data-' + n++, 'x'.repeat(size)); } catch { size >>= 1; }
    }
    try { localStorage.setItem('host-probe', '1'); return false; } catch { return true; }
  });
  assert.ok(filled, 'localStorage is full');
  await page.reload();
  const reason = await eventually(() => page.evaluate(() => window.events.find((e) => e.name === 'ineligible')?.payload.reason));
  assert.match(reason, /dismissed on /);
  assert.equal(await page.locator('nps-widget').count(), 0);
  await page.evaluate(() => localStorage.clear());
  await context.close();
});

test('a host fetch that throws, then returns no promise: no page error, and the answer still arrives', async () => {
  const context = await browser.newContext();
  await context.addInitScript(() => {
    const real = window.fetch;
    let calls = 0;
    window.fetch = function (...args) {
      if (args[1]?.method !== 'POST') return real.apply(this, args);
      calls += 1;
      if (calls === 1) throw new Error('the host fetch wrapper threw');
      if (calls === 2) return 'not a promise';
      return real.apply(this, args);
    };
  });
  const page = await openPage(context, surveyUrl(collector, { endpoint: '/v1/responses', user: { id: 'odd-fetch' } }));
  await page.getByRole('dialog').waitFor();
  await page.getByRole('radio', { name: '8 out of 10' }).click();
  await page.getByRole('button', { name: 'Skip' }).click();
  const stored = await eventually(() => rows(collector.db).find((r) => r.user_id === 'odd-fetch' && r.complete), { timeout: 15000 });
  assert.equal(stored.score, 8);
  assert.deepEqual(page.pageErrors, []);
  await context.close();
});

test('identify while a card is open: the answer and its record stay the first user\'s', async () => {
  const context = await browser.newContext();
  const page = await openPage(context, surveyUrl(collector, { endpoint: '/v1/responses', user: { id: 'user-a' }, triggers: [{ event: 'go' }] }));
  await widgetReady(page);
  await page.evaluate(() => window.nps('track', 'go'));
  await page.getByRole('radio', { name: '4 out of 10' }).waitFor();
  await page.evaluate(() => window.nps('identify', { id: 'user-b' }));
  await page.getByRole('radio', { name: '4 out of 10' }).click();
  await page.getByRole('button', { name: 'Skip' }).click();
  const stored = await eventually(() => rows(collector.db).find((r) => r.score === 4 && r.complete && ['user-a', 'user-b'].includes(r.user_id)));
  assert.equal(stored.user_id, 'user-a');
  const records = await page.evaluate(() => [localStorage.getItem('nps-widget:user:user-a'), localStorage.getItem('nps-widget:user:user-b')]);
  assert.match(records[0] ?? '', /;o=a$/, "user A's record says answered");
  assert.equal(records[1], null, 'user B was never shown the card');
  await context.close();
});

test('an element with id="nps" does not break the snippet or the loader', async () => {
  const context = await browser.newContext();
  const page = await openPage(context, surveyUrl(collector, { endpoint: '/v1/responses' }, '/id-nps.html'));
  await page.getByRole('dialog').waitFor();
  assert.equal(await page.evaluate(() => typeof window.nps), 'function');
  assert.deepEqual([page.pageErrors, page.consoleErrors], [[], []]);
  await context.close();
});

test('a language file is fetched only when a card is about to be shown', async () => {
  const fetchedLanguages = (page) => {
    const urls = [];
    page.on('request', (request) => { if (request.url().includes('/i18n/')) urls.push(new URL(request.url()).pathname); });
    return urls;
  };
  const context = await browser.newContext();
  // Not due (sampled out): the decision needs no texts.
  const notDue = await openPage(context);
  const notDueFetched = fetchedLanguages(notDue);
  await notDue.goto(surveyUrl(collector, { endpoint: '/v1/responses', language: 'de', user: { id: 'lang-not-due' },
    throttle: { sampleRate: 0 } }));
  await showsDecided(notDue, 'lang-not-due');
  assert.deepEqual(notDueFetched, []);
  // Due: the German file, once, then the card in German.
  const due = await openPage(context);
  const dueFetched = fetchedLanguages(due);
  await due.goto(surveyUrl(collector, { endpoint: '/v1/responses', language: 'de', user: { id: 'lang-due' } }));
  await due.getByRole('dialog').waitFor();
  assert.equal(await due.locator('nps-widget').evaluate((host) => host.shadowRoot.querySelector('section').lang), 'de');
  assert.deepEqual(dueFetched, ['/nps-widget/i18n/de.js']);
  assert.deepEqual([notDue.pageErrors, due.pageErrors], [[], []]);
  await context.close();
});

test('a forced show right after init waits for the language file and is not replaced by the load trigger', async () => {
  const context = await browser.newContext();
  // Sampled out: the load trigger's own request would be refused; the forced one must win.
  const config = { endpoint: '/v1/responses', language: 'de', throttle: { sampleRate: 0 } };
  const page = await openPage(context, surveyUrl(collector, config, '/after-init.html') + '&force=1');
  await page.getByRole('dialog').waitFor();
  assert.equal(await page.locator('nps-widget').evaluate((host) => host.shadowRoot.querySelector('section').lang), 'de');
  assert.deepEqual(page.pageErrors, []);
  await context.close();
});
