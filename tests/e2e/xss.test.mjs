// Hostile input end to end. In the card: markup, script and `javascript:` strings in every text the
// widget renders (product, texts, the promoter link) and in the user and account it sends must
// show as literal text and never run, and a `javascript:` promoter link is a config error; the
// stored row keeps those strings verbatim, as data. At the collector, over real HTTP to the real
// binary: malformed JSON, wrong types, oversized and deeply nested bodies and invalid UTF-8 get a
// 4xx with a JSON error, nothing is stored, and the collector keeps serving.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { randomUUID } from 'node:crypto';
import { startCollectorAndBrowser, stopCollectorAndBrowser, rows, openPage, eventually, surveyUrl, widgetReady, consoleDelivered } from './harness.mjs';

let collector, browser;
before(async () => ({ collector, browser } = await startCollectorAndBrowser()));
after(() => stopCollectorAndBrowser({ collector, browser }));

const HOSTILE = [
  '<img src=x onerror="window.__xss=1">',
  '<script>window.__xss=1</script>',
  'javascript:window.__xss=1',
  '"><svg onload="window.__xss=1">',
];
/** Every hostile string at once, so each field carries all four. */
const ALL = HOSTILE.join(' ');
const CTA_URL = 'https://example.com/review?from="><script>window.__xss=1</script>';

function hostileConfig(userId) {
  return {
    endpoint: '/v1/responses',
    product: `P ${ALL}`,
    user: {
      id: `${userId} ${ALL}`,
      email: `E ${ALL}`,
      properties: { [HOSTILE[0]]: ALL, plan: HOSTILE[3], seats: 3 },
    },
    account: { id: `A ${ALL}`, name: `N ${ALL}`, properties: { [ALL]: HOSTILE[2] } },
    texts: {
      question: `Q ${ALL} {product}`,
      lowLabel: `L ${ALL}`,
      highLabel: `H ${ALL}`,
      followUp: { detractor: `FD ${ALL}`, passive: `FP ${ALL}`, promoter: `FR ${ALL}` },
      placeholder: `PH ${ALL}`,
      send: `S ${ALL}`,
      skip: `K ${ALL}`,
      thankYou: { detractor: `TD ${ALL}`, passive: `TP ${ALL}`, promoter: `TR ${ALL}` },
    },
    promoterCta: { text: `C ${ALL}`, url: CTA_URL },
  };
}

/** Nothing ran and nothing was parsed as markup, in the page or in the card's shadow root. */
async function assertInert(page, requests, step) {
  // A fixed wait, on purpose: nothing signals that something did *not* run. The checks below
  // see markup in the page and the card at once, but an <img> parsed into a node that was never
  // attached (innerHTML on a detached element) still loads, and shows only when its onerror
  // sets window.__xss after the 404 for `x`. 300 ms is ample for that on loopback.
  await page.waitForTimeout(300);
  const state = await page.evaluate(() => {
    const host = document.querySelector('nps-widget');
    const root = host?.shadowRoot;
    // The thank-you step's own icon (svg.icon, one path, no text) is the one svg.
    const markup = 'img, script, svg:not(.icon), iframe, object, embed, a[href^="javascript:" i], .icon :not(path), .icon *:not(:empty)';
    return {
      xss: window.__xss,
      inCard: root ? [...root.querySelectorAll(markup)].map((e) => e.outerHTML) : [],
      inPage: [...document.querySelectorAll('img, svg, iframe, object, embed')].map((e) => e.outerHTML),
      scripts: [...document.scripts].filter((s) => s.textContent.includes('__xss')).length,
    };
  });
  assert.equal(state.xss, undefined, `${step}: a hostile string ran`);
  assert.deepEqual(state.inCard, [], `${step}: markup in the card`);
  assert.deepEqual(state.inPage, [], `${step}: markup in the page`);
  assert.equal(state.scripts, 0, `${step}: script injected`);
  assert.deepEqual(requests.filter((u) => new URL(u).pathname === '/x'), [], `${step}: an injected <img> loaded`);
}

for (const [score, category, follow, thanks] of [[3, 'detractor', 'FD', 'TD'], [7, 'passive', 'FP', 'TP'], [10, 'promoter', 'FR', 'TR']]) {
  test(`hostile strings in every text field (${category}): shown literally, never run, stored verbatim`, async () => {
    const userId = `xss-${category}`;
    const config = hostileConfig(userId);
    const context = await browser.newContext();
    const page = await openPage(context);
    const requests = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(surveyUrl(collector, config));
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();

    assert.equal(await dialog.getByRole('heading').textContent(), `Q ${ALL} P ${ALL}`);
    assert.deepEqual(await dialog.locator('.ends span').allTextContents(), [`L ${ALL}`, `H ${ALL}`]);
    await assertInert(page, requests, 'question');

    await page.getByRole('radio', { name: `${score} out of 10`, exact: true }).click();
    const box = page.getByRole('textbox');
    await box.waitFor();
    assert.equal(await dialog.locator('label').textContent(), `${follow} ${ALL}`);
    assert.equal(await box.getAttribute('placeholder'), `PH ${ALL}`);
    const send = dialog.locator('button.send');
    assert.equal(await send.textContent(), `K ${ALL}`);
    await assertInert(page, requests, 'follow-up');

    await box.fill(ALL);
    assert.equal(await send.textContent(), `S ${ALL}`);
    await assertInert(page, requests, 'comment typed');
    await send.click();
    await dialog.getByRole('heading', { name: `${thanks} ${ALL}`, exact: true }).waitFor();
    assert.equal(await dialog.getByRole('heading').textContent(), `${thanks} ${ALL}`);
    const links = dialog.getByRole('link');
    if (category === 'promoter') {
      assert.equal(await links.textContent(), `C ${ALL}`);
      assert.equal(await links.getAttribute('href'), CTA_URL);
    } else {
      assert.equal(await links.count(), 0);
    }
    await assertInert(page, requests, 'thanks');
    assert.deepEqual(page.pageErrors, []);

    const row = await eventually(() => rows(collector.db).find((r) => r.user_id === config.user.id && r.complete));
    assert.ok(row, 'the answer is stored');
    assert.equal(row.score, score);
    assert.equal(row.comment, ALL);
    assert.equal(row.user_email, config.user.email);
    assert.deepEqual(row.user_properties, config.user.properties);
    assert.equal(row.account_id, config.account.id);
    assert.equal(row.account_name, config.account.name);
    assert.deepEqual(row.account_properties, config.account.properties);
    await context.close();
  });
}

test('promoterCta.url that is not http(s) is a config error naming it, and no card', async () => {
  const context = await browser.newContext();
  for (const url of [
    'javascript:window.__xss=1',
    'JavaScript:window.__xss=1',
    'javascript://example.com/%0Awindow.__xss=1',
    ' javascript:window.__xss=1',
    'java\tscript:window.__xss=1',
    'data:text/html,<script>window.__xss=1</script>',
    'vbscript:msgbox(1)',
    '//evil.example/review',
    '/relative/review',
  ]) {
    const page = await openPage(context, surveyUrl(collector, {
      endpoint: '/v1/responses', user: { id: 'xss-cta' }, promoterCta: { text: 'Review us', url },
    }));
    // The config is refused within `init`, which has run once the loader is ready; after that
    // the widget is inert. Every console message logged by then has arrived once a later one has.
    await widgetReady(page);
    await consoleDelivered(page);
    assert.equal(page.consoleErrors.length, 1, `one error for ${JSON.stringify(url)}: ${page.consoleErrors.join('\n')}`);
    assert.match(page.consoleErrors[0], /^nps-widget: config `promoterCta\.url` must be/, JSON.stringify(url));
    assert.equal(await page.locator('nps-widget').count(), 0, `no card for ${JSON.stringify(url)}`);
    assert.equal(await page.evaluate(() => window.__xss), undefined);
    await page.close();
  }
  await context.close();
});

// ---- The collector's front door, over real HTTP ------------------------------------------------

/** One HTTP request with exact bytes; resolves to { status, headers, text } or { error }. */
function send(path, { method = 'POST', headers = { 'content-type': 'application/json' }, body, chunked = false } = {}) {
  const url = new URL(path, collector.url);
  const data = body === undefined ? null : Buffer.isBuffer(body) ? body : Buffer.from(body);
  const allHeaders = { connection: 'close', ...headers };
  if (data && !chunked) allHeaders['content-length'] = data.length;
  return new Promise((resolve) => {
    let response = null;
    const req = request(url, { method, headers: allHeaders }, (res) => {
      const parts = [];
      res.on('data', (d) => parts.push(d));
      res.on('end', () => {
        response = { status: res.statusCode, headers: res.headers, text: Buffer.concat(parts).toString('utf8') };
        resolve(response);
      });
      res.on('error', (error) => resolve(response ?? { error: error.code ?? String(error) }));
    });
    // The collector may answer (413) before reading all of a large body and close the connection.
    req.on('error', (error) => { if (!response) setTimeout(() => resolve(response ?? { error: error.code ?? String(error) }), 200); });
    if (data && chunked) {
      for (let at = 0; at < data.length; at += 64 * 1024) req.write(data.subarray(at, at + 64 * 1024));
    } else if (data) {
      req.write(data);
    }
    req.end();
  });
}

function validAnswer(overrides = {}) {
  return {
    id: randomUUID(), type: 'response', kind: 'nps', score: 9, category: 'promoter', comment: null, complete: false,
    user: { id: 'hostile-body-user' }, language: 'en', trigger: 'load', page: 'https://app.example.com/',
    shownAt: '2026-11-22T10:00:00.000Z', answeredAt: '2026-11-22T10:00:04.210Z', widgetVersion: '0.1.0', ...overrides,
  };
}
const json = (value) => JSON.stringify(value);

test('hostile bodies over real HTTP get a 4xx with a JSON error; the collector keeps serving', async () => {
  const before = rows(collector.db).length;
  const valid = json(validAnswer());
  const nested = (depth) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
  const [head, tail] = valid.split('"comment":null');
  const invalidUtf8 = Buffer.concat([Buffer.from(head + '"comment":"'), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('"' + tail)]);
  const cases = [
    ['malformed JSON', '{"id": "0b0f', 400],
    ['trailing garbage', valid + ' trailing', 400],
    ['empty body', '', 400],
    ['a JSON array', '[]', 400],
    ['a JSON string', '"response"', 400],
    ['JSON null', 'null', 400],
    ['score as a string', json(validAnswer({ score: '9' })), 400],
    ['score 11', json(validAnswer({ score: 11, category: undefined })), 400],
    ['score -1', json(validAnswer({ score: -1, category: undefined })), 400],
    ['score 9.5', json(validAnswer({ score: 9.5 })), 400],
    ['score 1e400', valid.replace('"score":9', '"score":1e400'), 400],
    ['complete as a string', json(validAnswer({ complete: 'yes' })), 400],
    ['user as a string', json(validAnswer({ user: 'u_42' })), 400],
    ['a nested property', json(validAnswer({ user: { id: 'u', properties: { deep: { a: 1 } } } })), 400],
    ['id not a UUID', json(validAnswer({ id: '<script>window.__xss=1</script>' })), 400],
    ['id as a number', json(validAnswer({ id: 12345 })), 400],
    ['unknown type', json(validAnswer({ type: 'survey' })), 400],
    ['unknown kind', json(validAnswer({ kind: 'csat' })), 400],
    ['shownAt not a time', json(validAnswer({ shownAt: 'yesterday' })), 400],
    ['comment of 5,001 characters', json(validAnswer({ comment: 'x'.repeat(5001) })), 400],
    ['comment as an array', json(validAnswer({ comment: ['a'] })), 400],
    ['category against the score', json(validAnswer({ score: 3 })), 400],
    ['a decline with a score', json(validAnswer({ type: 'decline' })), 400],
    ['deeply nested arrays', '['.repeat(8000) + ']'.repeat(8000), 400],
    ['deeply nested objects in a field', valid.replace('"user":{', `"user":{"x":${nested(2500)},`), 400],
    ['a lone surrogate escape', valid.replace('"comment":null', '"comment":"\\ud800"'), 400],
    ['invalid UTF-8 in a string', invalidUtf8, 400],
    ['1 MB body with Content-Length', json(validAnswer({ comment: 'a'.repeat(1 << 20) })), 413],
    ['1 MB body, chunked', { chunked: true, body: json(validAnswer({ comment: 'a'.repeat(1 << 20) })) }, 413],
    ['text/plain', { headers: { 'content-type': 'text/plain' }, body: valid }, 415],
    ['no content type', { headers: {}, body: valid }, 415],
    ['GET', { method: 'GET', headers: {} }, 405],
  ];

  let validPosts = 0;
  for (const [name, input, expected] of cases) {
    const options = typeof input === 'string' || Buffer.isBuffer(input) ? { body: input } : input;
    const response = await send('/v1/responses', options);
    // A declared 1 MB body is refused from its Content-Length: the collector answers 413 and
    // closes without reading it, and the sender may see the connection close (EPIPE, reset)
    // before it reads the answer. Either way the body is refused unread.
    const refusedUnread = expected === 413 && !options.chunked && ['EPIPE', 'ECONNRESET'].includes(response.error);
    if (!refusedUnread) {
      assert.equal(response.status, expected, `${name}: ${JSON.stringify(response).slice(0, 300)}`);
      assert.match(response.headers['content-type'] ?? '', /^application\/json/, `${name}: JSON error`);
      const error = JSON.parse(response.text);
      assert.equal(typeof error.error, 'string', `${name}: ${response.text}`);
    }
    assert.equal(collector.process.exitCode, null, `${name}: the collector is still running`);
    // Still serving: a valid answer right after is stored.
    const ok = await send('/v1/responses', { body: json(validAnswer({ user: { id: 'after-hostile' } })) });
    assert.equal(ok.status, 202, `after ${name}: ${JSON.stringify(ok)}`);
    validPosts += 1;
  }
  const stored = rows(collector.db);
  assert.equal(stored.length, before + validPosts, 'only the valid answers are stored');
  assert.ok(stored.every((r) => r.user_id !== 'hostile-body-user'), 'no hostile body stored');
});

test('odd but valid strings are data: stored verbatim, less any NUL', async () => {
  const odd = 'NUL\u0000 LS\u2028 PS\u2029 RLO\u202E emoji 😀 quote " backslash \\ tab \t <script>window.__xss=1</script>';
  const body = validAnswer({ comment: odd, complete: true, user: { id: 'odd-strings', properties: { [odd]: odd } } });
  const response = await send('/v1/responses', { body: json(body) });
  assert.equal(response.status, 202, response.text);
  const row = rows(collector.db).find((r) => r.id === body.id);
  // NUL is the one character no database column keeps (PostgreSQL refuses it in text): it is
  // dropped from free text and properties; everything else is kept as sent.
  const kept = odd.replace('\u0000', '');
  assert.equal(row.comment, kept);
  assert.deepEqual(row.user_properties, { [kept]: kept });
});
