// Delivery end to end: an answer is never lost and never stored twice. A busy collector (503 with
// Retry-After), the network going offline, the page closing right after a score, the collector
// crashing (SIGKILL) and coming back, a request that never gets an answer, and answers near the
// widget's own size limits. Faults come from Playwright routing, the context's offline switch or
// a misbehaving proxy in front of the real collector; the rows are read from its SQLite file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startCollectorAndBrowser, stopCollectorAndBrowser, startOnPort, startFaultyProxy, rows, openPage, eventually, surveyUrl, outboxOf, widgetReady
} from './harness.mjs';

let collector, browser;
before(async () => ({ collector, browser } = await startCollectorAndBrowser()));
after(() => stopCollectorAndBrowser({ collector, browser }));

const config = (userId, extra = {}) => ({ endpoint: '/v1/responses', user: { id: userId }, ...extra });
const rowsFor = (userId) => rows(collector.db).filter((r) => r.user_id === userId);
/** The answer id of the card shown in `page` (from the `shown` event). */
const shownId = (page) => page.evaluate(() => window.events.find((e) => e.name === 'shown')?.payload.id);
const isPost = (request) => request.method() === 'POST' && new URL(request.url()).pathname === '/v1/responses';

/** Waits until the display body of answer `id` is stored, as the only row of `userId`. */
async function displayStored(userId, id) {
  const stored = await eventually(() => {
    const list = rowsFor(userId);
    return list.length === 1 && list[0].id === id && list[0].type === 'display';
  });
  assert.ok(stored, `the display of ${userId} is stored; have ${JSON.stringify(rowsFor(userId).map((r) => [r.id, r.type]))}`);
}

/**
 * Opens the survey for `userId` in a fresh context, waits for the card and for its display
 * body to be stored (the widget sends it the moment the card is shown).
 */
async function cardFor(userId, extra) {
  const context = await browser.newContext();
  const page = await openPage(context, surveyUrl(collector, config(userId, extra)));
  await page.getByRole('dialog').waitFor();
  const id = await shownId(page);
  await displayStored(userId, id);
  return { context, page, id };
}

/** Chooses `score`, then sends `comment` ('' sends without one). */
async function answer(page, score, comment) {
  await page.getByRole('radio', { name: `${score} out of 10`, exact: true }).click();
  const box = page.getByRole('textbox');
  await box.waitFor();
  if (comment) await box.fill(comment);
  await page.getByRole('button', { name: comment ? 'Send' : 'Skip' }).click();
}

/**
 * Waits until `userId` has exactly one complete row and returns it. With `page`, gives up early
 * when the widget reports an `error` event (the collector refused a body).
 */
async function oneCompleteRow(userId, timeout = 15000, page = null) {
  let refused = [];
  const found = await eventually(async () => {
    const list = rowsFor(userId);
    if (list.length === 1 && list[0].complete) return list;
    if (page && !page.isClosed()) {
      refused = await page.evaluate(() => window.events.filter((e) => e.name === 'error').map((e) => e.payload.message));
      if (refused.length) return 'refused';
    }
    return null;
  }, { timeout });
  const have = rowsFor(userId).map(({ id, score, comment, complete }) => ({ id, score, comment: comment?.slice(0, 40), complete }));
  assert.ok(Array.isArray(found), `one complete row for ${userId}; have ${JSON.stringify(have)}; widget errors ${JSON.stringify(refused)}`);
  return found[0];
}

test('three 503s with Retry-After: 1, then the real collector: the answer arrives, one row', async () => {
  const context = await browser.newContext();
  const page = await openPage(context);
  const attempts = [];
  // The display body passes; the score's body is refused three times.
  await page.route('**/v1/responses', async (route) => {
    if (!isPost(route.request()) || JSON.parse(route.request().postData()).type !== 'response') return route.continue();
    attempts.push(Date.now());
    if (attempts.length <= 3) {
      await route.fulfill({ status: 503, headers: { 'Retry-After': '1' }, contentType: 'application/json', body: '{"error":"busy"}' });
    } else {
      await route.continue();
    }
  });
  await page.goto(surveyUrl(collector, config('busy-collector')));
  await page.getByRole('dialog').waitFor();
  const id = await shownId(page);
  await displayStored('busy-collector', id);
  await page.getByRole('radio', { name: '8 out of 10' }).click();

  const scored = await eventually(() => rowsFor('busy-collector').find((r) => r.score === 8), { timeout: 15000 });
  assert.ok(scored, `the score arrives after the 503s (${attempts.length} attempts)`);
  assert.equal(scored.id, id);
  assert.ok(attempts.length >= 4, `three refusals and a success (${attempts.length} attempts)`);
  // Retry-After: 1 is honoured: about a second between tries, not the ~2 s backoff.
  const gaps = attempts.slice(1, 4).map((at, i) => at - attempts[i]);
  assert.ok(gaps.every((gap) => gap >= 900 && gap < 1900), `gaps ${gaps.join(', ')} ms`);

  await page.getByRole('textbox').fill('Slow but steady');
  await page.getByRole('button', { name: 'Send' }).click();
  const row = await oneCompleteRow('busy-collector');
  assert.equal(row.id, id);
  assert.equal(row.score, 8);
  assert.equal(row.comment, 'Slow but steady');
  assert.equal(await eventually(async () => (await outboxOf(page)) === ''), true, 'outbox empty');
  assert.deepEqual(page.pageErrors, []);
  await context.close();
});

test('offline while answering: kept in localStorage, delivered on the online event, one row', async () => {
  const { context, page, id } = await cardFor('offline-user');
  const failed = [];
  page.on('requestfailed', (request) => { if (isPost(request)) failed.push(Date.now()); });
  await context.setOffline(true);
  await answer(page, 3, 'Lost the connection on the train');
  // The score, the comment, then the first backoff retry (~2 s) fail; the next is >= 4 s away.
  assert.ok(await eventually(() => failed.length >= 3, { timeout: 8000 }), `${failed.length} failed POSTs`);

  const queued = await outboxOf(page);
  assert.ok(queued.includes(id), 'the answer waits in the outbox');
  assert.ok(queued.includes('"complete":true') && queued.includes('Lost the connection on the train'), queued);
  assert.deepEqual(rowsFor('offline-user').map((r) => [r.id, r.type, r.score]), [[id, 'display', null]], 'only the display, sent before going offline');

  await context.setOffline(false);
  const online = Date.now();
  const row = await oneCompleteRow('offline-user', 10000);
  const took = Date.now() - online;
  assert.ok(took < 2500, `delivered on the online event, not on the next backoff (${took} ms)`);
  assert.equal(row.id, id);
  assert.equal(row.score, 3);
  assert.equal(row.comment, 'Lost the connection on the train');
  assert.equal(await eventually(async () => (await outboxOf(page)) === ''), true, 'outbox empty afterwards');
  await context.close();
});

test('score, then the page closes at once: the score is stored once', async (t) => {
  const { context, page, id } = await cardFor('closes-fast');
  await page.getByRole('radio', { name: '6 out of 10' }).click();
  // Closed as soon as the click returns: the score's POST and the page's end race, and either
  // may come first; which one did is reported below, and either way there is one row.
  await page.close();

  const scored = () => rowsFor('closes-fast').find((r) => r.score !== null);
  let row = await eventually(scored, { timeout: 3000 });
  t.diagnostic(row ? 'stored by the closing page' : 'left in the outbox for the next page load');
  // The next page of the same origin sends whatever is still queued; still one row.
  const next = await openPage(context, surveyUrl(collector, config('closes-fast')));
  await next.waitForFunction(() => window.events.some((e) => e.name === 'ineligible'));
  assert.equal(await eventually(async () => (await outboxOf(next)) === '', { timeout: 10000 }), true, 'outbox empty');
  row = await eventually(scored);
  const all = rowsFor('closes-fast');
  assert.equal(all.length, 1, JSON.stringify(all));
  assert.equal(row.id, id);
  assert.equal(row.score, 6);
  await context.close();
});

test('score while offline, then the page closes: delivered on the next page load', async () => {
  // "Offline" is a proxy that, once the display is stored, drops every POST to the endpoint of
  // the page that closes: the context's offline switch does not reach keepalive requests, which
  // the browser carries on after the page is gone. The next page posts to the same collector
  // under an endpoint with a query, which the proxy lets through. So nothing the closing page
  // sent can arrive, however late, and a stored score is the next page's delivery.
  let offline = false;
  const NEXT_ENDPOINT = '/v1/responses?from=next-page';
  const proxy = await startFaultyProxy(collector.url, (req) => (req.method === 'POST' && offline && req.url !== NEXT_ENDPOINT ? 'drop' : 'pass'));
  try {
    const context = await browser.newContext();
    const page = await openPage(context, surveyUrl(proxy, config('closes-offline')));
    await page.getByRole('dialog').waitFor();
    const id = await shownId(page);
    await displayStored('closes-offline', id);
    offline = true;
    await page.getByRole('radio', { name: '9 out of 10' }).click();
    await page.close();
    assert.ok(await eventually(() => proxy.counts.drop >= 1), 'the POSTs were dropped');
    assert.deepEqual(rowsFor('closes-offline').map((r) => [r.type, r.score]), [['display', null]], 'nothing could be sent after the display');

    const next = await openPage(context, surveyUrl(proxy, config('closes-offline', { endpoint: NEXT_ENDPOINT })));
    const row = await eventually(() => rowsFor('closes-offline').find((r) => r.score !== null), { timeout: 5000 });
    assert.ok(row, 'the next page load delivers the queued score');
    assert.equal(row.id, id);
    assert.equal(row.score, 9);
    assert.equal(await eventually(async () => (await outboxOf(next)) === ''), true, 'outbox empty');
    assert.equal(rowsFor('closes-offline').length, 1);
    await context.close();
  } finally {
    await proxy.close();
  }
});

test('score, then the page closes while its POST hangs: fetch(keepalive) on pagehide stores it', async () => {
  // The page comes through a proxy that never answers the score's POST (the first after the
  // display's); the keepalive one passes.
  let posts = 0, hangNext = false;
  const proxy = await startFaultyProxy(collector.url, (req) => {
    if (req.method !== 'POST') return 'pass';
    posts += 1;
    if (!hangNext) return 'pass';
    hangNext = false;
    return 'hang';
  });
  try {
    const context = await browser.newContext();
    const page = await openPage(context, surveyUrl(proxy, config('closes-keepalive')));
    await page.getByRole('dialog').waitFor();
    const id = await shownId(page);
    await displayStored('closes-keepalive', id);
    hangNext = true;
    await page.getByRole('radio', { name: '10 out of 10' }).click();
    // The page closes while the score's POST is on the wire, unanswered: the score is not stored.
    assert.ok(await eventually(() => proxy.counts.hang === 1), 'the score\'s POST reached the proxy');
    assert.deepEqual(rowsFor('closes-keepalive').map((r) => [r.type, r.score]), [['display', null]], 'only the display is stored when the page closes');
    await page.close();
    const row = await eventually(() => rowsFor('closes-keepalive').find((r) => r.score !== null), { timeout: 5000 });
    assert.ok(row, `stored by the keepalive request (${posts} POSTs reached the proxy)`);
    assert.equal(proxy.counts.hang, 1, 'the score\'s first POST hung');
    assert.equal(row.id, id);
    assert.equal(row.score, 10);
    assert.equal(rowsFor('closes-keepalive').length, 1);
    await context.close();
  } finally {
    await proxy.close();
  }
});

test('collector killed with SIGKILL and restarted: acknowledged answers kept, the rest delivered later', async () => {
  const port = Number(new URL(collector.url).port);
  const before = rows(collector.db).length;
  // Answered and acknowledged before the crash.
  const a = await cardFor('crash-a');
  await answer(a.page, 9, 'Before the crash');
  await oneCompleteRow('crash-a');
  assert.equal(await eventually(async () => (await outboxOf(a.page)) === ''), true, 'acknowledged: outbox empty');

  // Three more devices with the card open; D's score is on the wire when the collector dies.
  const [b, c, d] = await Promise.all(['crash-b', 'crash-c', 'crash-d'].map((user) => cardFor(user)));
  let held, onHeld;
  const heldRequest = new Promise((resolve) => { onHeld = resolve; });
  await d.page.route('**/v1/responses', (route) => { held = route; onHeld(); });
  await d.page.getByRole('radio', { name: '4 out of 10' }).click();
  await heldRequest;

  await collector.stop('SIGKILL');
  const afterCrash = rows(collector.db);
  assert.equal(afterCrash.length, before + 4, 'the acknowledged answer and the three displays are stored');
  assert.deepEqual(
    afterCrash.filter((r) => ['crash-b', 'crash-c', 'crash-d'].includes(r.user_id)).map((r) => [r.user_id, r.id, r.type, r.score]).sort(),
    [['crash-b', b.id, 'display', null], ['crash-c', c.id, 'display', null], ['crash-d', d.id, 'display', null]],
    'of the other three only the displays: D\'s score never reached the collector',
  );
  const kept = afterCrash.find((r) => r.user_id === 'crash-a');
  assert.equal(kept.id, a.id);
  assert.equal(kept.complete, true);
  assert.equal(kept.comment, 'Before the crash');

  const failed = { b: 0, c: 0, d: 0 };
  for (const [name, device] of Object.entries({ b, c, d })) {
    device.page.on('requestfailed', (request) => { if (isPost(request)) failed[name] += 1; });
  }
  await held.continue().catch(() => {});
  await d.page.unroute('**/v1/responses');
  await answer(b.page, 2, 'While it was down');
  await answer(c.page, 10, '');
  assert.ok(await eventually(() => failed.b && failed.c && failed.d, { timeout: 5000 }), JSON.stringify(failed));
  for (const device of [b, c, d]) assert.ok((await outboxOf(device.page)).includes(device.id), 'queued while down');

  await startOnPort(collector, port);
  const expected = { 'crash-b': [b.id, 2, 'While it was down', true], 'crash-c': [c.id, 10, null, true], 'crash-d': [d.id, 4, null, false] };
  const all = await eventually(() => {
    const list = rows(collector.db);
    const done = Object.entries(expected).every(([user, [, score]]) => list.some((r) => r.user_id === user && r.score === score));
    return done && list.find((r) => r.user_id === 'crash-b')?.complete && list.find((r) => r.user_id === 'crash-c')?.complete ? list : null;
  }, { timeout: 20000 });
  assert.ok(all, `delivered after the restart: ${JSON.stringify(rows(collector.db).map((r) => [r.user_id, r.score, r.complete]))}`);
  for (const [user, [id, score, comment, complete]] of Object.entries(expected)) {
    const mine = all.filter((r) => r.user_id === user);
    assert.equal(mine.length, 1, user);
    assert.deepEqual([mine[0].id, mine[0].score, mine[0].comment, mine[0].complete], [id, score, comment, complete], user);
  }
  assert.equal(all.length, before + 4, 'exactly one row per answer');
  for (const device of [b, c, d]) {
    assert.equal(await eventually(async () => (await outboxOf(device.page)) === ''), true, 'outbox empty');
  }
  await Promise.all([a, b, c, d].map((device) => device.context.close()));
});

test('a POST that never gets an answer is given up and retried, in its tab, for the other tabs, and without AbortSignal.timeout', async () => {
  // Only the first POST hangs, like a half-open connection after a network switch; the retry
  // would go through. One device with one tab, and one device whose second tab answers too.
  const hangFirstPost = async (page) => {
    let posts = 0;
    await page.route('**/v1/responses', (route) => (isPost(route.request()) && ++posts === 1 ? undefined : route.continue()));
  };
  const single = await browser.newContext();
  const alone = await openPage(single);
  await hangFirstPost(alone);
  await alone.goto(surveyUrl(collector, config('hang-alone')));
  await alone.getByRole('dialog').waitFor();
  await answer(alone, 7, 'Answered over a bad connection');

  const twoTabs = await browser.newContext();
  const stuck = await openPage(twoTabs);
  await hangFirstPost(stuck);
  await stuck.goto(surveyUrl(collector, config('hang-tab-1')));
  await stuck.getByRole('dialog').waitFor();
  await stuck.getByRole('radio', { name: '5 out of 10' }).click();
  const other = await openPage(twoTabs, surveyUrl(collector, config('hang-tab-2')));
  await other.getByRole('dialog').waitFor();
  await answer(other, 9, 'From the second tab');

  // A browser without AbortSignal.timeout (Safari before 16): the hung POST is not aborted, the
  // round stops waiting for it after the same 10 s.
  const oldBrowser = await browser.newContext();
  await oldBrowser.addInitScript(() => { delete AbortSignal.timeout; });
  const old = await openPage(oldBrowser);
  await hangFirstPost(old);
  await old.goto(surveyUrl(collector, config('hang-no-timeout-signal')));
  await old.getByRole('dialog').waitFor();
  assert.equal(await old.evaluate(() => typeof AbortSignal.timeout), 'undefined');
  await answer(old, 6, 'From a browser without AbortSignal.timeout');

  // Generous enough for a request timeout of about 10 s plus one backoff.
  const [a, b, c] = await Promise.allSettled(
    ['hang-alone', 'hang-tab-2', 'hang-no-timeout-signal'].map((user) => oneCompleteRow(user, 16000)),
  );
  await Promise.all([single.close(), twoTabs.close(), oldBrowser.close()]);
  assert.equal(a.status, 'fulfilled', String(a.reason));
  assert.equal(b.status, 'fulfilled', String(b.reason));
  assert.equal(c.status, 'fulfilled', String(c.reason));
  assert.equal(a.value.comment, 'Answered over a bad connection');
  assert.equal(b.value.comment, 'From the second tab');
  assert.equal(c.value.comment, 'From a browser without AbortSignal.timeout');
});

test('a body the collector keeps failing (503) does not hold back the answers queued after it', async () => {
  const context = await browser.newContext();
  // Every POST of the first user's answer (its display included) fails, in every tab; the
  // others go through.
  let refusedScores = 0;
  await context.route('**/v1/responses', (route) => {
    const body = route.request().postData();
    if (!body?.includes('"id":"blocked-first"')) return route.continue();
    if (body.includes('"type":"response"')) refusedScores += 1;
    return route.fulfill({ status: 503, contentType: 'application/json', body: '{"error":"busy"}' });
  });
  const first = await openPage(context, surveyUrl(collector, config('blocked-first')));
  await first.getByRole('dialog').waitFor();
  await first.getByRole('radio', { name: '6 out of 10' }).click();
  // The failing score waits in the outbox before the second answer is queued behind it.
  assert.ok(await eventually(() => refusedScores >= 1), 'the first answer\'s score was refused');
  assert.match(await outboxOf(first), /"type":"response"/);

  const second = await openPage(context, surveyUrl(collector, config('blocked-second')));
  await second.getByRole('dialog').waitFor();
  await answer(second, 10, 'Queued behind a failing one');
  const row = await oneCompleteRow('blocked-second', 6000);
  assert.equal(row.comment, 'Queued behind a failing one');
  assert.deepEqual(rowsFor('blocked-first'), []);
  await context.close();
});

test('the longest comment the card takes, in a CJK script, with user properties, is stored: properties cut first, then the comment\'s end, to fit 16 KB', async () => {
  // maxlength=5000 UTF-16 units: 5,000 CJK characters, 15,000 bytes of UTF-8.
  const comment = '速'.repeat(5000);
  const properties = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`segment_${i}`, '値'.repeat(60)]));
  const names = Object.keys(properties);
  const sizes = [];
  const answerWith = async (user, account) => {
    const { context, page, id } = await cardFor(user.id, { user, ...(account ? { account } : {}) });
    page.on('request', (request) => { if (isPost(request)) sizes.push(request.postDataBuffer().length); });
    await answer(page, 8, comment);
    const row = await oneCompleteRow(user.id, 8000, page);
    assert.equal(row.id, id);
    assert.deepEqual(page.consoleErrors, []);
    await context.close();
    return row;
  };

  // With every property the body would pass the collector's 16 KB limit: the last properties
  // give way, the comment is kept whole.
  const kept = await answerWith({ id: 'long-comment', email: 'kenji@example.com', properties });
  assert.equal(kept.comment, comment, 'the whole comment');
  const keptNames = Object.keys(kept.user_properties);
  assert.ok(keptNames.length >= 1 && keptNames.length < 8, `some properties cut: ${keptNames}`);
  assert.deepEqual(keptNames, names.slice(0, keptNames.length), 'the last ones first');

  // With a 1,000-character email and account name even no properties are not enough: then the
  // end of the comment gives way, never the whole answer.
  const email = 'k'.repeat(988) + '@example.com';
  const cut = await answerWith({ id: 'long-comment-cut', email, properties }, { id: 'acme', name: 'A'.repeat(1000), properties });
  assert.ok(comment.startsWith(cut.comment), 'a prefix of what was typed');
  assert.ok(cut.comment.length >= 4000 && cut.comment.length < 5000, String(cut.comment.length));
  assert.deepEqual([cut.user_properties, cut.account_properties], [{}, {}], 'every property cut first');
  assert.deepEqual([cut.user_email, cut.account_name], [email, 'A'.repeat(1000)]);
  assert.ok(sizes.length >= 4 && sizes.every((size) => size <= 16384), `bodies of ${sizes.join(', ')} bytes`);
});

test('an answer given on a page with a very long path is stored', async () => {
  const context = await browser.newContext();
  const page = await openPage(context, surveyUrl(collector, config('long-path', { triggers: [{ event: 'ask' }] })));
  await widgetReady(page);
  // A 1,129-character path, as some single-page apps build from filters and ids.
  const path = '/reports/' + 'quarterly-revenue-by-region/'.repeat(40);
  await page.evaluate((to) => { history.pushState({}, '', to); window.nps('track', 'ask'); }, path);
  await page.getByRole('dialog').waitFor();
  await answer(page, 9, '');
  const row = await oneCompleteRow('long-path', 8000, page);
  assert.ok(row.page.startsWith(collector.url + '/reports/quarterly-revenue-by-region/'), row.page);
  await context.close();
});
