// The README's "Deploy" section, checked: the collector serving pkg/ with the types a browser
// needs, a page and a collector on two origins under the documented Content-Security-Policy and
// `--cors-origin`, what an origin left out of the list sees, and a wasm served with another type.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, request } from 'node:http';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COLLECTOR, ROOT, launch, openPage, rows, eventually, outboxOf } from './harness.mjs';

let browser;
before(async () => { browser = await launch(); });
after(() => browser?.close());

/** The collector with exactly `args` for CORS (the shared harness always allows '*'). */
async function startCollector(args) {
  const db = join(mkdtempSync(join(tmpdir(), 'nps-deploy-')), 'answers.sqlite3');
  const child = spawn(COLLECTOR, ['serve', '--addr', '127.0.0.1:0', '--db', db, '--pkg', join(ROOT, 'pkg'),
    '--rate-limit', '0', ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('collector did not start')), 15000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
  });
  const stop = () => new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
  return { url, db, stop };
}

/**
 * A host app on an origin of its own: `/` is `page()` with `headers()` (functions, so that they
 * may name a collector started after the host); with `pkgFrom`, its `/nps-widget/` is that
 * collector's (proxied), the wasm served as `wasmType` when given.
 */
async function startHost({ page, headers = () => ({}), pkgFrom, wasmType }) {
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...headers() });
      res.end(page());
    } else if (pkgFrom && wasmType && path.endsWith('.wasm')) {
      res.writeHead(200, { 'content-type': wasmType });
      res.end(readFileSync(join(ROOT, 'pkg', 'nps_widget_bg.wasm')));
    } else if (pkgFrom && path.startsWith('/nps-widget/')) {
      const target = new URL(req.url, pkgFrom.url);
      const upstream = request(target, { headers: { ...req.headers, host: target.host } }, (up) => {
        res.writeHead(up.statusCode, up.headers);
        up.pipe(res);
      });
      upstream.on('error', () => { res.writeHead(502); res.end(); });
      req.pipe(upstream);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

/** The data-attribute install. */
const tag = (src, endpoint, user) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>host</title></head>
<body><h1>Host app</h1><script async src="${src}" data-endpoint="${endpoint}" data-user-id="${user}"></script></body></html>`;

async function openRecording(url) {
  const context = await browser.newContext();
  const page = await openPage(context);
  page.warnings = [];
  page.on('console', (m) => { if (m.type() === 'warning') page.warnings.push(m.text()); });
  await page.addInitScript(() => {
    window.violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.violations.push(e.violatedDirective + ' ' + e.blockedURI));
  });
  await page.goto(url);
  return { context, page };
}

async function answer(page) {
  await page.getByRole('dialog').waitFor();
  await page.getByRole('radio', { name: '8 out of 10' }).click();
  await page.getByRole('button', { name: 'Skip' }).click();
}

test('the collector serves pkg/ at /nps-widget/: application/wasm, text/javascript, Last-Modified and 304', async () => {
  const collector = await startCollector([]);
  try {
    const types = {};
    for (const file of ['nps-widget.js', 'index.js', 'nps_widget_bg.wasm', 'i18n/de.js']) {
      const response = await fetch(`${collector.url}/nps-widget/${file}`);
      assert.equal(response.status, 200, file);
      types[file] = response.headers.get('content-type');
      assert.ok(response.headers.get('last-modified'), file);
      assert.equal(response.headers.get('cache-control'), null, file);
    }
    assert.deepEqual(types, {
      'nps-widget.js': 'text/javascript', 'index.js': 'text/javascript',
      'nps_widget_bg.wasm': 'application/wasm', 'i18n/de.js': 'text/javascript',
    });
    const first = await fetch(`${collector.url}/nps-widget/index.js`);
    const again = await fetch(`${collector.url}/nps-widget/index.js`, { headers: { 'if-modified-since': first.headers.get('last-modified') } });
    assert.equal(again.status, 304);
  } finally {
    await collector.stop();
  }
});

test('page and collector on two origins: the documented policy and --cors-origin: card, answer stored, no violation', async () => {
  let collector;
  const host = await startHost({
    page: () => tag(`${collector.url}/nps-widget/nps-widget.js`, `${collector.url}/v1/responses`, 'u_two_origins'),
    headers: () => ({ 'content-security-policy': `default-src 'self'; script-src 'self' ${collector.url} 'wasm-unsafe-eval'; connect-src 'self' ${collector.url}; style-src 'self'` }),
  });
  collector = await startCollector(['--cors-origin', host.url, '--cors-origin', 'https://staging.example.com']);
  try {
    const { context, page } = await openRecording(host.url + '/');
    await answer(page);
    const row = await eventually(() => rows(collector.db).find((r) => r.user_id === 'u_two_origins' && r.complete));
    assert.equal(row?.score, 8);
    assert.deepEqual(await page.evaluate(() => window.violations), []);
    assert.deepEqual(page.consoleErrors, []);
    await context.close();
  } finally {
    await host.close();
    await collector.stop();
  }
});

test('an origin left out of --cors-origin: the files from the collector do not load; an endpoint there keeps the answer in the outbox', async () => {
  const collector = await startCollector(['--cors-origin', 'https://app.example.com']);
  const filesThere = await startHost({ page: () => tag(`${collector.url}/nps-widget/nps-widget.js`, `${collector.url}/v1/responses`, 'u_unlisted') });
  const filesHere = await startHost({ page: () => tag('/nps-widget/nps-widget.js', `${collector.url}/v1/responses`, 'u_unlisted'), pkgFrom: collector });
  try {
    const first = await openRecording(filesThere.url + '/');
    const failed = await eventually(() => first.page.consoleErrors.find((m) => m.startsWith('nps-widget: could not load')));
    assert.ok(failed, first.page.consoleErrors.join('\n'));
    assert.ok(first.page.consoleErrors.some((m) => /blocked by CORS policy/.test(m)));
    assert.equal(await first.page.locator('nps-widget').count(), 0);
    assert.deepEqual(first.page.pageErrors, []);
    await first.context.close();

    const second = await openRecording(filesHere.url + '/');
    await answer(second.page);
    assert.ok(await eventually(() => second.page.consoleErrors.some((m) => /blocked by CORS policy/.test(m))));
    assert.notEqual(await outboxOf(second.page), '', 'the answer waits in the outbox');
    assert.deepEqual(rows(collector.db).filter((r) => r.user_id === 'u_unlisted'), []);
    await second.context.close();
  } finally {
    await filesThere.close();
    await filesHere.close();
    await collector.stop();
  }
});

test('the wasm served as application/octet-stream: the fallback warning, and the card still appears', async () => {
  const collector = await startCollector([]);
  const host = await startHost({ page: () => tag('/nps-widget/nps-widget.js', '/v1/responses', 'u_mime'), pkgFrom: collector, wasmType: 'application/octet-stream' });
  try {
    const { context, page } = await openRecording(host.url + '/');
    await page.getByRole('dialog').waitFor();
    assert.ok(page.warnings.some((m) => m.includes('does not serve Wasm with `application/wasm` MIME type')), page.warnings.join('\n'));
    assert.deepEqual(page.pageErrors, []);
    await context.close();
  } finally {
    await host.close();
    await collector.stop();
  }
});
