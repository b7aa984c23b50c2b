// The wire end to end: the bodies the widget POSTs, in order, as the real collector stores them.
// Each answer is a display body the moment the card is shown, then its response or decline, all
// with one id and one secret key that never leaves the outbox and the wire; forced shows are
// previews that start no clock; the config's limits and the 16 KB body limit; a display time
// recorded by a clock that was ahead; and the user hash of identity verification.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import {
  startCollectorAndBrowser, stopCollectorAndBrowser, rows, openPage, eventually, surveyUrl, outboxOf, widgetReady, OUTPUT,
  startCollector, TEST_PAGES
} from './harness.mjs';

let collector, browser;
before(async () => ({ collector, browser } = await startCollectorAndBrowser()));
after(() => stopCollectorAndBrowser({ collector, browser }));

const MAX_BODY_BYTES = 16 * 1024;
const HEX32 = /^[0-9a-f]{32}$/;
const rowsFor = (userId) => rows(collector.db).filter((r) => r.user_id === userId);
const shownId = (page) => page.evaluate(() => window.events.find((e) => e.name === 'shown')?.payload.id);
const isAnswerPost = (request) => request.method() === 'POST' && new URL(request.url()).pathname === '/v1/responses';

/**
 * Records every POST of an answer body that `page` makes, in the order made: the parsed body,
 * its size in bytes and, once answered, the collector's status (0 when it got no answer).
 */
function recordPosts(page) {
  const posts = [];
  page.on('request', (request) => {
    if (!isAnswerPost(request)) return;
    const post = { body: JSON.parse(request.postData()), bytes: request.postDataBuffer().length, status: null };
    posts.push(post);
    request.response().then((response) => { post.status = response?.status() ?? 0; }, () => { post.status = 0; });
  });
  return posts;
}

/** Waits until `count` POSTs were made and answered; returns them. */
async function answeredPosts(posts, count) {
  const done = await eventually(() => posts.length === count && posts.every((p) => p.status !== null));
  assert.ok(done, `${count} answered POSTs; have ${JSON.stringify(posts.map((p) => [p.body.type, p.status]))}`);
  return posts;
}

/** Waits until `userId` has exactly one row and `check(row)` holds; returns the row. */
async function oneRow(userId, check, what) {
  const row = await eventually(() => {
    const list = rowsFor(userId);
    return list.length === 1 && check(list[0]) ? list[0] : null;
  });
  assert.ok(row, `one row for ${userId} (${what}); have ${JSON.stringify(rowsFor(userId).map((r) => [r.id, r.type, r.score, r.complete]))}`);
  return row;
}

/** Opens the survey for `config` in a fresh context, recording its POSTs; waits for the card. */
async function cardFor(config) {
  const context = await browser.newContext();
  const page = await openPage(context);
  const posts = recordPosts(page);
  await page.goto(surveyUrl(collector, config));
  await page.getByRole('dialog').waitFor();
  return { context, page, posts, id: await shownId(page) };
}

/** Asserts what every body of one answer shares: its id, one key of 32 hex digits, the survey and channel. */
function assertOneAnswer(posts, id) {
  const [first] = posts;
  assert.match(first.body.key, HEX32, 'a key of 32 hex digits');
  for (const { body, status } of posts) {
    assert.deepEqual([body.id, body.key, body.kind, body.survey, body.channel], [id, first.body.key, 'nps', 'nps', 'in-app']);
    assert.equal(status, 202, `${body.type} accepted`);
  }
}

test('shown, scored, commented: display → response → final response, one id and key, one response row', async () => {
  const user = 'wire-answer';
  const { context, page, posts, id } = await cardFor({ endpoint: '/v1/responses', user: { id: user } });
  await page.screenshot({ path: join(OUTPUT, 'wire-card-step1.png') });
  // The display is sent the moment the card is shown, before any score.
  const display = await oneRow(user, (r) => r.type === 'display', 'the display');
  assert.deepEqual([display.id, display.score, display.complete, display.preview], [id, null, false, false]);

  await page.getByRole('radio', { name: '9 out of 10' }).click();
  await oneRow(user, (r) => r.type === 'response' && r.score === 9, 'the score');
  await page.getByRole('textbox').fill('Clear and quick');
  await page.getByRole('button', { name: 'Send' }).click();
  const row = await oneRow(user, (r) => r.complete, 'the final answer');

  await answeredPosts(posts, 3);
  assert.deepEqual(posts.map((p) => [p.body.type, p.body.score, p.body.complete, p.body.comment]),
    [['display', undefined, undefined, undefined], ['response', 9, false, null], ['response', 9, true, 'Clear and quick']]);
  assertOneAnswer(posts, id);
  assert.ok(posts.every((p) => !('preview' in p.body)), 'not a preview');
  assert.ok(!('answeredAt' in posts[0].body) && !('category' in posts[0].body), 'a display has no answer fields');
  assert.equal(posts[0].body.shownAt, posts[2].body.shownAt, 'one shown time');
  assert.deepEqual([row.id, row.type, row.score, row.comment, row.complete, row.survey, row.channel, row.preview],
    [id, 'response', 9, 'Clear and quick', true, 'nps', 'in-app', false]);
  assert.deepEqual(page.pageErrors, []);
  await context.close();
});

test('closed with ✕ before a score: display then decline, one decline row; hidden: one display row', async () => {
  const dismissed = await cardFor({ endpoint: '/v1/responses', user: { id: 'wire-decline' } });
  await oneRow('wire-decline', (r) => r.type === 'display', 'the display');
  await dismissed.page.getByRole('button', { name: 'Close survey' }).click();
  const decline = await oneRow('wire-decline', (r) => r.type === 'decline', 'the decline');
  assert.deepEqual([decline.id, decline.score, decline.comment], [dismissed.id, null, null]);
  await answeredPosts(dismissed.posts, 2);
  assert.deepEqual(dismissed.posts.map((p) => p.body.type), ['display', 'decline']);
  assert.ok(dismissed.posts.every((p) => !('score' in p.body)), 'no score in either body');
  assertOneAnswer(dismissed.posts, dismissed.id);
  await dismissed.context.close();

  const hidden = await cardFor({ endpoint: '/v1/responses', user: { id: 'wire-hidden' } });
  await oneRow('wire-hidden', (r) => r.type === 'display', 'the display');
  await hidden.page.evaluate(() => window.nps('hide'));
  await hidden.page.locator('nps-widget').waitFor({ state: 'detached' });
  // Anything hide() sent would wait in the outbox until stored: once it is empty, the row is final.
  assert.equal(await eventually(async () => (await outboxOf(hidden.page)) === ''), true, 'outbox empty');
  const shownOnly = await oneRow('wire-hidden', (r) => r.type === 'display', 'still only the display');
  assert.equal(shownOnly.id, hidden.id);
  await answeredPosts(hidden.posts, 1);
  assert.deepEqual(hidden.posts.map((p) => p.body.type), ['display']);
  assert.deepEqual(await hidden.page.evaluate(() => window.events.map((e) => e.name)), ['shown'], 'neither dismissed nor response');
  await hidden.context.close();
});

test('a body whose id the collector holds under another key: 409, dropped and reported, the stored answer unchanged', async () => {
  const user = 'wire-conflict';
  const context = await browser.newContext();
  const page = await openPage(context);
  const posts = recordPosts(page);
  // Before the widget's display reaches the collector, another client posts a display with
  // the same id and another key; the collector keeps the first key it saw.
  let claimed = null;
  await page.route('**/v1/responses', async (route) => {
    if (!claimed) {
      claimed = { ...JSON.parse(route.request().postData()), key: 'f'.repeat(32) };
      const response = await fetch(`${collector.url}/v1/responses`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(claimed),
      });
      claimed.status = response.status;
    }
    await route.continue();
  });
  await page.goto(surveyUrl(collector, { endpoint: '/v1/responses', user: { id: user } }));
  await page.getByRole('dialog').waitFor();
  const error = await (await page.waitForFunction(() => window.events.find((e) => e.name === 'error')?.payload, null, { timeout: 10000 })).jsonValue();
  const message = 'nps-widget: the collector refused an answer (HTTP 409)';
  assert.equal(claimed.status, 202, 'the other client\'s body was stored first');
  assert.deepEqual(error, { message, id: claimed.id });
  assert.equal(await outboxOf(page), '', 'dropped, not kept for retries');
  await answeredPosts(posts, 1);
  assert.deepEqual([posts[0].body.id, posts[0].status], [claimed.id, 409]);
  assert.notEqual(posts[0].body.key, claimed.key);
  const row = await oneRow(user, (r) => r.type === 'display', 'the other client\'s display');
  assert.equal(row.id, claimed.id);
  assert.deepEqual(page.consoleErrors.filter((m) => m.startsWith('nps-widget:')), [message], 'one error logged');
  await context.close();
});

test('the key is never in an event, a log line, the DOM or a storage key name', async () => {
  const context = await browser.newContext();
  const logs = [];
  const events = [];
  const doms = [];
  const posts = [];
  const keys = () => [...new Set(posts.map((p) => p.body.key))];
  /** A page of `userId` with debug on, its console and POSTs recorded. */
  const open = async (userId, setup) => {
    const page = await openPage(context);
    page.on('console', (msg) => logs.push(msg.text()));
    page.on('request', (request) => { if (isAnswerPost(request)) posts.push({ body: JSON.parse(request.postData()) }); });
    if (setup) await setup(page);
    await page.goto(surveyUrl(collector, { endpoint: '/v1/responses', user: { id: userId }, debug: true }));
    return page;
  };
  const snapshot = async (page) => doms.push(await page.evaluate(() =>
    (document.querySelector('nps-widget')?.shadowRoot?.innerHTML ?? '') + document.documentElement.outerHTML));
  const eventsOf = async (page) => events.push(...await page.evaluate(() => window.events));

  // Shown, scored, commented, thanked, closed; then the next load is not asked.
  const answered = await open('leak-answered');
  await answered.getByRole('dialog').waitFor();
  await snapshot(answered);
  await answered.getByRole('radio', { name: '4 out of 10' }).click();
  await answered.getByRole('textbox').fill('Too slow');
  await snapshot(answered);
  await answered.getByRole('button', { name: 'Send' }).click();
  await answered.getByRole('button', { name: 'Close survey' }).waitFor();
  await snapshot(answered);
  await answered.getByRole('button', { name: 'Close survey' }).click();
  await oneRow('leak-answered', (r) => r.complete, 'the final answer');
  await eventsOf(answered);
  await answered.reload();
  await answered.waitForFunction(() => window.events.some((e) => e.name === 'ineligible'));
  await eventsOf(answered);

  // Shown and dismissed.
  const dismissed = await open('leak-dismissed');
  await dismissed.getByRole('dialog').waitFor();
  await dismissed.getByRole('button', { name: 'Close survey' }).click();
  await oneRow('leak-dismissed', (r) => r.type === 'decline', 'the decline');
  await eventsOf(dismissed);

  // Shown, and every body refused (400): the error event names the answer.
  const refused = await open('leak-refused', (page) => page.route('**/v1/responses', (route) =>
    route.fulfill({ status: 400, contentType: 'application/json', body: '{"error":"no","field":"id"}' })));
  await refused.getByRole('dialog').waitFor();
  await refused.waitForFunction(() => window.events.some((e) => e.name === 'error'));
  await snapshot(refused);
  await eventsOf(refused);

  const names = await answered.evaluate(() => Object.keys(localStorage));
  const values = await answered.evaluate(() => Object.values(localStorage).join('\n'));
  assert.deepEqual([...new Set(events.map((e) => e.name))].sort(), ['dismissed', 'error', 'ineligible', 'response', 'score', 'shown'],
    'every kind of event was seen');
  assert.ok(logs.some((l) => l.startsWith('nps-widget: eligible, shown')) && logs.some((l) => l.includes('refused')), 'debug logs were seen');
  assert.equal(keys().length, 3, 'one key per answer');
  assert.ok(keys().every((key) => HEX32.test(key)));
  for (const key of keys()) {
    assert.ok(!JSON.stringify(events).includes(key), 'not in an event payload');
    assert.ok(!logs.some((line) => line.includes(key)), 'not in the console');
    assert.ok(!doms.some((html) => html.includes(key)), 'not in the DOM');
    assert.ok(!names.some((name) => name.includes(key)), `not in a storage key name: ${names}`);
    assert.ok(!JSON.stringify(await context.cookies()).includes(key), 'not in a cookie');
  }
  // Storage values are where the outbox keeps queued bodies, key included: allowed (and the
  // answers above were all delivered or refused, so nothing is left there).
  assert.ok(!keys().some((key) => values.includes(key)), 'delivered bodies leave no copy behind');
  await context.close();
});

test('show({ force: true }): previews on the wire and in the collector, no clock started, a normal show still due', async () => {
  const user = 'wire-preview';
  const config = { endpoint: '/v1/responses', eligibilityEndpoint: '/v1/eligibility', user: { id: user }, debug: true };
  const context = await browser.newContext();
  const page = await openPage(context);
  const posts = recordPosts(page);
  await page.goto(surveyUrl(collector, { ...config, triggers: [{ event: 'never' }] }));
  await widgetReady(page);
  await page.evaluate(() => window.nps('show', { force: true }));
  await page.getByRole('dialog').waitFor();
  const id = await shownId(page);
  await oneRow(user, (r) => r.type === 'display' && r.preview === true, 'the preview display');
  await page.getByRole('radio', { name: '7 out of 10' }).click();
  await oneRow(user, (r) => r.score === 7, 'the preview score');
  await page.getByRole('button', { name: 'Skip' }).click();
  const row = await oneRow(user, (r) => r.complete, 'the final preview');
  await answeredPosts(posts, 3);
  assert.deepEqual(posts.map((p) => [p.body.type, p.body.preview]), [['display', true], ['response', true], ['response', true]]);
  assertOneAnswer(posts, id);
  assert.deepEqual([row.id, row.type, row.preview, row.complete], [id, 'response', true, true]);
  assert.equal(await page.evaluate((key) => localStorage.getItem(key), `nps-widget:user:${user}`), null, 'no display recorded locally');

  // The collector leaves previews out of eligibility.
  const verdict = await (await fetch(`${collector.url}/v1/eligibility?userId=${user}&survey=nps`)).json();
  assert.equal(verdict.eligible, true, JSON.stringify(verdict));

  // So the next page load with a load trigger shows the card for real.
  const logs = [];
  page.on('console', (msg) => logs.push(msg.text()));
  await page.goto(surveyUrl(collector, config));
  await page.getByRole('dialog').waitFor();
  assert.deepEqual(await page.evaluate(() => window.events.map((e) => [e.name, e.payload.trigger])), [['shown', 'load']]);
  assert.ok(logs.includes('nps-widget: collector says eligible'), logs.join('\n'));
  const real = await eventually(() => rowsFor(user).find((r) => r.type === 'display'));
  assert.ok(real && real.preview === false && real.id !== id, 'a real display, stored apart from the preview');
  assert.match(await page.evaluate((key) => localStorage.getItem(key), `nps-widget:user:${user}`), /^s=\d+;o=i$/, 'the real display starts the clock');
  await context.close();
});

test('limits: a property key over 1,000 bytes is refused at init; properties full of quotes are cut to fit 16 KB, the answer kept', async () => {
  // A 1,200-character property name: one console error naming the key, nothing sent.
  const context = await browser.newContext();
  const page = await openPage(context);
  const requests = [];
  page.on('request', (request) => { if (new URL(request.url()).pathname.startsWith('/v1/')) requests.push(request.url()); });
  await page.goto(surveyUrl(collector, { endpoint: '/v1/responses', user: { id: 'wire-long-key', properties: { ['p'.repeat(1200)]: 'x' } } }));
  await widgetReady(page);
  assert.ok(await eventually(() => page.consoleErrors.length > 0), 'an error is logged');
  assert.equal(page.consoleErrors.length, 1, page.consoleErrors.join('\n'));
  assert.match(page.consoleErrors[0], /^nps-widget: config `user\.properties` must be an object with at most 50 keys of at most 1000 bytes/);
  await page.evaluate(() => window.nps('show', { force: true }));
  assert.equal(await page.locator('nps-widget').count(), 0, 'inert');
  assert.deepEqual(requests, [], 'nothing sent');
  assert.deepEqual(rowsFor('wire-long-key'), []);
  await context.close();

  // Four properties of ~1,000 bytes each, user's and account's, nearly all `"`: within the
  // config's 4,000 bytes per object, but each `"` takes 2 bytes in a body (~16 KB in all).
  const quoted = (prefix) => Object.fromEntries(Array.from({ length: 4 }, (_, i) => [`${prefix}${i}` + '"'.repeat(497), '"'.repeat(500)]));
  const user = { id: 'wire-quotes', properties: quoted('u') };
  const account = { id: 'acme', properties: quoted('a') };
  const comment = '"'.repeat(5000);
  const card = await cardFor({ endpoint: '/v1/responses', user, account });
  await oneRow(user.id, (r) => r.type === 'display', 'the display');
  await card.page.getByRole('radio', { name: '10 out of 10' }).click();
  await oneRow(user.id, (r) => r.score === 10, 'the score');
  await card.page.getByRole('textbox').fill(comment);
  await card.page.getByRole('button', { name: 'Send' }).click();
  const row = await oneRow(user.id, (r) => r.complete, 'the final answer');
  await answeredPosts(card.posts, 3);
  assertOneAnswer(card.posts, card.id);
  assert.ok(card.posts.every((p) => p.bytes <= MAX_BODY_BYTES), `bodies of ${card.posts.map((p) => p.bytes).join(', ')} bytes`);
  assert.equal(row.comment, comment, 'the comment whole: properties go first');

  // Cut account's then user's, last first, and no more than needed: the last one cut would
  // not have fitted.
  const final = card.posts[2];
  const order = [...Object.entries(user.properties), ...Object.entries(account.properties)];
  const kept = [...Object.entries(final.body.user.properties), ...Object.entries(final.body.account.properties)];
  assert.ok(kept.length < order.length, `some properties cut (${kept.length} kept)`);
  assert.deepEqual(kept, order.slice(0, kept.length), 'a prefix: the account\'s go first, last first');
  assert.deepEqual(row.user_properties, final.body.user.properties);
  assert.deepEqual(row.account_properties, final.body.account.properties);
  const [name, value] = order[kept.length];
  const group = kept.length < 4 ? kept.length : kept.length - 4;
  const restored = final.bytes + (group > 0 ? 1 : 0) + Buffer.byteLength(JSON.stringify(name) + ':' + JSON.stringify(value));
  assert.ok(restored > MAX_BODY_BYTES, `the last property cut would not fit (${restored} bytes)`);
  await card.context.close();
});

/** `ms` plus `months` calendar months, clamped to the month's end (as the widget counts). */
function addMonths(ms, months) {
  const date = new Date(ms);
  const day = date.getUTCDate();
  date.setUTCDate(1);
  date.setUTCMonth(date.getUTCMonth() + months);
  const last = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  date.setUTCDate(Math.min(day, last));
  return date.getTime();
}

test('a display time in the future (a clock that was ahead) counts as now and is rewritten', async () => {
  const user = 'wire-future';
  const key = `nps-widget:user:${user}`;
  const ahead = Date.now() + 365 * 86_400_000;
  const context = await browser.newContext();
  const page = await openPage(context);
  const logs = [];
  page.on('console', (msg) => logs.push(msg.text()));
  // Recorded before the widget loads, once (not again on a later navigation).
  await page.addInitScript(([name, value]) => {
    if (!sessionStorage.getItem('seeded')) {
      localStorage.setItem(name, value);
      sessionStorage.setItem('seeded', '1');
    }
  }, [key, `s=${ahead};o=a`]);
  const loaded = Date.now();
  await page.goto(surveyUrl(collector, { endpoint: '/v1/responses', user: { id: user }, debug: true }));
  await page.waitForFunction(() => window.events.some((e) => e.name === 'ineligible'));
  const decided = Date.now();
  assert.equal(await page.locator('nps-widget').count(), 0, 'not asked');

  const { reason, nextEligibleAt } = await page.evaluate(() => window.events.find((e) => e.name === 'ineligible').payload);
  const next = Date.parse(nextEligibleAt);
  assert.ok(Math.abs(next - addMonths(loaded, 6)) < 60_000, `next eligible ≈ now + 6 months, not ${nextEligibleAt}`);
  assert.ok(Math.abs(next - addMonths(ahead, 6)) > 300 * 86_400_000, 'not counted from the future time');

  const stored = await page.evaluate((name) => localStorage.getItem(name), key);
  const [, at, outcome] = stored.match(/^s=(\d+);o=(\w)$/) ?? [];
  assert.ok(Number(at) >= loaded - 1000 && Number(at) <= decided + 1000, `rewritten to about now: ${stored}`);
  assert.equal(outcome, 'a', 'the outcome is kept');
  // The page's own record, moved: not mistaken for a display made by another tab just now.
  const day = (ms) => new Date(ms).toISOString().slice(0, 10);
  assert.equal(reason, `answered on ${day(Number(at))}, next on ${day(next)}`);
  assert.ok(logs.includes(`nps-widget: not shown: ${reason}`), logs.join('\n'));
  assert.deepEqual(rowsFor(user), [], 'nothing sent');
  await context.close();
});

test('user.hash is sent as user.hash in every body and as userHash in the eligibility query', async () => {
  const user = 'wire-hash';
  const hash = createHmac('sha256', 'e2e identity secret').update(user).digest('hex');
  const context = await browser.newContext();
  const page = await openPage(context);
  const posts = recordPosts(page);
  const asked = [];
  page.on('request', (request) => { if (new URL(request.url()).pathname === '/v1/eligibility') asked.push(new URL(request.url())); });
  await page.goto(surveyUrl(collector, { endpoint: '/v1/responses', eligibilityEndpoint: '/v1/eligibility', user: { id: user, hash } }));
  await page.getByRole('dialog').waitFor();
  await page.getByRole('radio', { name: '8 out of 10' }).click();
  await oneRow(user, (r) => r.score === 8, 'the score');
  await answeredPosts(posts, 2);
  assert.deepEqual(posts.map((p) => [p.body.type, p.body.user.id, p.body.user.hash]), [['display', user, hash], ['response', user, hash]]);
  assert.equal(asked.length, 1);
  assert.deepEqual(Object.fromEntries(asked[0].searchParams), { userId: user, survey: 'nps', userHash: hash });
  await context.close();
});

test('a collector with --identity-secret stores the answer of a user with the right hash and refuses a wrong one', async () => {
  const secret = 'e2e identity secret';
  const verifying = await startCollector({ www: TEST_PAGES, args: ['--identity-secret', secret] });
  try {
    const context = await browser.newContext();
    const statuses = [];
    const page = await openPage(context);
    page.on('response', (response) => {
      const path = new URL(response.url()).pathname;
      if (path === '/v1/responses' || path === '/v1/eligibility') statuses.push([path, response.status()]);
    });
    const config = (id, hash) => ({ endpoint: '/v1/responses', eligibilityEndpoint: '/v1/eligibility', user: { id, hash } });
    const right = createHmac('sha256', secret).update('verified-user').digest('hex');
    await page.goto(surveyUrl(verifying, config('verified-user', right)));
    await page.getByRole('dialog').waitFor();
    await page.getByRole('radio', { name: '9 out of 10' }).click();
    const stored = await eventually(() => rows(verifying.db).find((r) => r.user_id === 'verified-user' && r.score === 9));
    assert.ok(stored, 'the verified answer is stored');
    assert.deepEqual(statuses.filter(([path]) => path === '/v1/eligibility'), [['/v1/eligibility', 200]]);

    // The hash of another user: the collector refuses the eligibility check (the widget then
    // decides locally) and every body (401), which stays in the outbox to be retried.
    const forged = createHmac('sha256', secret).update('verified-user').digest('hex');
    const other = await openPage(await browser.newContext());
    const otherStatuses = [];
    other.on('response', (response) => otherStatuses.push([new URL(response.url()).pathname, response.status()]));
    await other.goto(surveyUrl(verifying, config('impostor', forged)));
    await other.getByRole('dialog').waitFor();
    const refused = await eventually(() => otherStatuses.some(([path, status]) => path === '/v1/responses' && status === 401));
    assert.ok(refused, `the display body is refused: ${JSON.stringify(otherStatuses)}`);
    assert.ok(otherStatuses.some(([path, status]) => path === '/v1/eligibility' && status === 401));
    assert.deepEqual(rows(verifying.db).filter((r) => r.user_id === 'impostor'), []);
    assert.notEqual(await outboxOf(other), '', 'kept for a retry, not dropped');
    await context.close();
  } finally {
    await verifying.stop();
  }
});

test('a refusal of the display body does not drop the score queued behind it under the same id', async () => {
  // E.g. a collector that predates display bodies answers 400 to them.
  const user = 'wire-refused-display';
  const context = await browser.newContext();
  const page = await openPage(context);
  let displaySent;
  const displayInFlight = new Promise((resolve) => { displaySent = resolve; });
  let answerDisplay;
  const displayAnswered = new Promise((resolve) => { answerDisplay = resolve; });
  await page.route('**/v1/responses', async (route) => {
    if (JSON.parse(route.request().postData()).type !== 'display') return route.continue();
    displaySent();
    await displayAnswered;
    return route.fulfill({ status: 400, contentType: 'application/json', body: '{"error":"unknown type","field":"type"}' });
  });
  await page.goto(surveyUrl(collector, { endpoint: '/v1/responses', user: { id: user } }));
  await page.getByRole('dialog').waitFor();
  await displayInFlight;
  await page.getByRole('radio', { name: '6 out of 10' }).click();
  // The score's body has replaced the display's in the outbox before the display is refused.
  assert.match(await outboxOf(page), /"type":"response"/);
  answerDisplay();
  await oneRow(user, (r) => r.type === 'response' && r.score === 6, 'the score, delivered after the display was refused');
  await context.close();
});
