// Load with faults: 1,000 answers from 20 concurrent clients through a proxy that fails 30% of
// requests (503 with Retry-After, dropped connections, and answers stored whose reply is lost),
// each answer sent as the widget sends it (the display, the score, then the comment, under the
// same id and key) with the widget's retry policy (exponential backoff with jitter, honouring
// Retry-After), scaled down in time. Then five browser pages answering through a route that
// fails 30% of their POSTs. Exact row counts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID, randomBytes } from 'node:crypto';
import {
  startCollectorAndBrowser, stopCollectorAndBrowser, startFaultyProxy, rows, openPage, eventually, surveyUrl, outboxOf, seededRandom
} from './harness.mjs';

let collector, browser;
before(async () => ({ collector, browser } = await startCollectorAndBrowser()));
after(() => stopCollectorAndBrowser({ collector, browser }));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The widget's retry delay (src/core/outbox.rs `retry_delay_ms`), times `scale`. */
function retryDelay(attempt, random, scale) {
  const base = Math.min(2000 * 2 ** Math.min(attempt, 20), 300_000);
  return base * (1 + 0.25 * random) * scale;
}

/**
 * Posts `body` until the collector stores it, the way the widget does (src/web/transport.rs
 * `classify`): 2xx stored; 408, 429, 5xx or no answer: retry after Retry-After or the backoff;
 * any other 4xx: refused. Resolves to { status, attempts }.
 */
async function deliver(url, body, { scale, random, stats }) {
  for (let attempt = 0; ; attempt++) {
    let status = 0, retryAfter = null;
    try {
      const response = await fetch(url, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(5000),
      });
      status = response.status;
      retryAfter = response.headers.get('retry-after');
      await response.arrayBuffer();
    } catch {
      stats.networkErrors += 1;
    }
    if (status >= 200 && status < 300) return { status, attempts: attempt + 1 };
    if (status >= 400 && status < 500 && status !== 408 && status !== 429) return { status, attempts: attempt + 1 };
    stats.retries += 1;
    const seconds = Number.parseInt(retryAfter ?? '', 10);
    await sleep(Number.isFinite(seconds) ? seconds * 1000 * scale : retryDelay(attempt, random(), scale));
  }
}

/** A body of the answer `id` in the widget's form: its display (`score` undefined) or a response. */
function answerBody(id, key, user, score, comment, complete) {
  const now = new Date().toISOString();
  const common = {
    id, key, kind: 'nps', survey: 'nps', user: { id: user, properties: { plan: 'load' } }, language: 'en', trigger: 'load',
    page: 'https://app.example.com/load', channel: 'in-app', shownAt: now, widgetVersion: '0.1.0',
  };
  if (score === undefined) return JSON.stringify({ ...common, type: 'display' });
  return JSON.stringify({
    ...common, type: 'response', score, category: score <= 6 ? 'detractor' : score <= 8 ? 'passive' : 'promoter',
    comment, complete, answeredAt: now,
  });
}

test('1,000 answers, 20 concurrent clients, 30% of requests failed: exactly 1,000 complete rows', async (t) => {
  const random = seededRandom(20261123);
  const fates = ['busy', 'drop', 'lose-reply'];
  let requests = 0;
  const proxy = await startFaultyProxy(collector.url, () => {
    requests += 1;
    const r = random();
    return r < 0.3 ? fates[Math.floor(r * 10)] : 'pass';
  });
  const before = rows(collector.db).length;
  const stats = { networkErrors: 0, retries: 0, refused: [] };
  // 1/200 of the widget's timings: backoff from 10 ms to a 1.5 s cap, Retry-After 1 s -> 5 ms.
  const options = { scale: 1 / 200, random, stats };
  const url = `${proxy.url}/v1/responses`;
  const sent = new Map();
  const started = Date.now();
  try {
    await Promise.all(Array.from({ length: 20 }, async (_, client) => {
      for (let n = 0; n < 50; n++) {
        const id = randomUUID();
        const user = `load-${client}-${n}`;
        const score = (client + n) % 11;
        const comment = `Comment ${n} from client ${client} <b>&amp;</b> "quoted" ✓`;
        const key = randomBytes(16).toString('hex');
        sent.set(id, { user, score, comment });
        const display = answerBody(id, key, user);
        const score_ = answerBody(id, key, user, score, null, false);
        const final = answerBody(id, key, user, score, comment, true);
        let results;
        if (n % 2 === 0) {
          // The widget's order: the display, the score, then the comment, each once the one
          // before is stored.
          results = [];
          for (const body of [display, score_, final]) results.push(await deliver(url, body, options));
        } else {
          // A page that closes right after Send: the display and the score still on their way
          // (retried) while the keepalive request carries the comment. They may arrive in any
          // order; the answer only ever moves forward.
          results = await Promise.all([display, score_, final].map((body) => deliver(url, body, options)));
        }
        for (const result of results) if (result.status >= 300) stats.refused.push([id, result.status]);
      }
    }));
  } finally {
    await proxy.close();
  }
  const took = Date.now() - started;
  t.diagnostic(`${requests} requests in ${took} ms; faults ${JSON.stringify(proxy.counts)}; ${stats.retries} retries`);

  assert.deepEqual(stats.refused, [], 'no body refused');
  const faults = proxy.counts.busy + proxy.counts.drop + proxy.counts['lose-reply'];
  assert.ok(faults / requests > 0.25 && faults / requests < 0.35, `about 30% of requests failed (${faults}/${requests})`);
  assert.ok(proxy.counts['lose-reply'] > 0 && proxy.counts.drop > 0 && proxy.counts.busy > 0);

  const stored = rows(collector.db).filter((r) => r.user_id?.startsWith('load-'));
  assert.equal(stored.length, 1000, 'exactly one row per answer');
  assert.equal(rows(collector.db).length, before + 1000);
  const wrong = stored.filter((row) => {
    const expected = sent.get(row.id);
    return !expected || row.type !== 'response' || !row.complete || row.score !== expected.score || row.comment !== expected.comment
      || row.user_id !== expected.user;
  });
  assert.deepEqual(wrong.map((r) => [r.id, r.type, r.score, r.complete, r.comment]), [], 'every row a complete response, with its score and comment');
});

test('five pages answering through a route that fails 30% of POSTs: exactly five complete rows', async (t) => {
  // Fates dealt from shuffled decks of ten: three failures (a 503, a reset, a lost reply) and
  // seven passes, so 30% of POSTs fail at random places whatever order the pages post in.
  const random = seededRandom(7);
  let deck = [];
  const deal = () => {
    if (!deck.length) {
      deck = ['busy', 'abort', 'lose-reply', ...Array(7).fill('pass')];
      for (let i = deck.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [deck[i], deck[j]] = [deck[j], deck[i]];
      }
    }
    return deck.pop();
  };
  const failuresInARow = new Map();
  const tally = { posts: 0, busy: 0, abort: 0, 'lose-reply': 0 };
  /** Fails 30% of POSTs (never more than twice in a row for one answer, to bound the run time). */
  const faulty = async (route) => {
    const request = route.request();
    if (request.method() !== 'POST') return route.continue();
    tally.posts += 1;
    const id = JSON.parse(request.postData()).id;
    const fate = deal();
    const streak = failuresInARow.get(id) ?? 0;
    if (fate === 'pass' || streak >= 2) {
      failuresInARow.set(id, 0);
      return route.continue();
    }
    failuresInARow.set(id, streak + 1);
    if (fate === 'busy') {
      tally.busy += 1;
      return route.fulfill({ status: 503, contentType: 'application/json', body: '{"error":"busy"}' });
    }
    if (fate === 'abort') {
      tally.abort += 1;
      return route.abort('connectionreset');
    }
    // Stored by the collector, but the page never hears back.
    tally['lose-reply'] += 1;
    await route.fetch();
    return route.abort('connectionreset');
  };

  const users = ['route-0', 'route-1', 'route-2', 'route-3', 'route-4'];
  const pages = await Promise.all(users.map(async (user, i) => {
    const context = await browser.newContext();
    const page = await openPage(context);
    await page.route('**/v1/responses', faulty);
    await page.goto(surveyUrl(collector, { endpoint: '/v1/responses', user: { id: user } }));
    await page.getByRole('dialog').waitFor();
    const id = await page.evaluate(() => window.events.find((e) => e.name === 'shown').payload.id);
    await page.getByRole('radio', { name: `${i * 2} out of 10`, exact: true }).click();
    await page.getByRole('textbox').fill(`Answer from page ${i}`);
    await page.getByRole('button', { name: 'Send' }).click();
    return { context, page, user, id, score: i * 2, comment: `Answer from page ${i}` };
  }));

  const done = await eventually(() => {
    const list = rows(collector.db).filter((r) => users.includes(r.user_id));
    return list.length === 5 && list.every((r) => r.complete) ? list : null;
  }, { timeout: 40000, interval: 250 });
  t.diagnostic(JSON.stringify(tally));
  const list = rows(collector.db).filter((r) => users.includes(r.user_id));
  assert.ok(done, `five complete rows; have ${JSON.stringify(list.map((r) => [r.user_id, r.score, r.complete]))}`);
  assert.ok(tally.busy + tally.abort + tally['lose-reply'] >= 2, `POSTs failed: ${JSON.stringify(tally)}`);
  for (const { page, user, id, score, comment } of pages) {
    const mine = list.filter((r) => r.user_id === user);
    assert.equal(mine.length, 1, user);
    assert.deepEqual([mine[0].id, mine[0].score, mine[0].comment], [id, score, comment]);
    assert.equal(await eventually(async () => (await outboxOf(page)) === ''), true, `${user}: outbox empty`);
  }
  await Promise.all(pages.map(({ context }) => context.close()));
});
