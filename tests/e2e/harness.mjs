// Shared end-to-end plumbing: the real collector on a free loopback port with its own SQLite
// file, Debian's Chromium driven by playwright-core, and a reader for the stored rows.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const COLLECTOR = join(ROOT, 'target', 'release', 'nps-collector');
/** Screenshots and other artefacts of the test run (git-ignored). */
export const OUTPUT = join(ROOT, 'tests', 'output');
mkdirSync(OUTPUT, { recursive: true });

/** Flags that let headless Chromium run as root on a machine with a closed network. */
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
];

/** Starts the collector; resolves to { url, db, stop, restart }. */
export async function startCollector({ www = join(ROOT, 'www'), args = [] } = {}) {
  const db = join(mkdtempSync(join(tmpdir(), 'nps-e2e-')), 'answers.sqlite3');
  const collector = { db, url: null, process: null };
  collector.start = async (port = 0) => {
    const child = spawn(COLLECTOR, ['serve', '--addr', `127.0.0.1:${port}`, '--db', db, '--www', www,
      '--pkg', join(ROOT, 'pkg'), '--cors-origin', '*', '--rate-limit', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    collector.process = child;
    collector.log = '';
    child.stderr.on('data', (d) => { collector.log += d; });
    collector.url = await new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error('collector did not start: ' + collector.log)), 15000);
      child.stdout.on('data', (d) => {
        out += d;
        const m = out.match(/listening on (http:\/\/\S+)/);
        if (m) { clearTimeout(timer); resolve(m[1]); }
      });
      child.on('exit', (code) => reject(new Error(`collector exited with ${code}: ${collector.log}`)));
    });
    return collector.url;
  };
  collector.stop = async (signal = 'SIGTERM') => {
    const child = collector.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise((resolve) => { child.once('exit', resolve); child.kill(signal); });
  };
  await collector.start();
  return collector;
}

/** Every stored row, read from the SQLite file by the collector's `export` command. */
export function rows(db) {
  const out = execFileSync(COLLECTOR, ['export', '--db', db], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return out.split('\n').filter(Boolean).map((line) => JSON.parse(line));
}

/** Launches Debian's Chromium (never a downloaded browser). */
export function launch() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

/** The test pages of the end-to-end tests (served by the collector as its `www`). */
export const TEST_PAGES = join(ROOT, 'tests', 'e2e', 'www');

/**
 * What most test files share: one collector (serving the test pages unless told otherwise) and
 * one Chromium for all the file's tests. Resolves to { collector, browser }.
 */
export async function startCollectorAndBrowser({ www = TEST_PAGES } = {}) {
  const collector = await startCollector({ www });
  return { collector, browser: await launch() };
}

/** Closes what `startCollectorAndBrowser` started; either may be missing if it failed. */
export async function stopCollectorAndBrowser({ collector, browser }) {
  await browser?.close();
  await collector?.stop();
}

/**
 * Opens a page that records uncaught page errors and console errors (`pageErrors`,
 * `consoleErrors`), leaving out the 404 of the browser's own `/favicon.ico` request, which
 * arrives whenever a page stays open long enough.
 */
export async function openPage(context, url) {
  const page = await context.newPage();
  page.pageErrors = [];
  page.consoleErrors = [];
  page.on('pageerror', (error) => page.pageErrors.push(String(error)));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !msg.location().url?.endsWith('/favicon.ico')) page.consoleErrors.push(msg.text());
  });
  if (url) await page.goto(url);
  return page;
}

/** Polls `check` until it returns a truthy value or the time runs out. */
export async function eventually(check, { timeout = 10000, interval = 100 } = {}) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    last = await check();
    if (last) return last;
    await new Promise((r) => setTimeout(r, interval));
  }
  return last;
}

/**
 * A host page server of its own (a different origin from the collector unless proxied):
 * serves `pages` with `headers`, and forwards `/nps-widget/` and `/v1/` to the collector so a
 * strict Content-Security-Policy with `'self'` still allows them.
 */
export async function startHostServer({ pages, headers = {}, collectorUrl }) {
  const { createServer, request } = await import('node:http');
  const { readFile } = await import('node:fs/promises');
  const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };
  const server = createServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path.startsWith('/nps-widget/') || path.startsWith('/v1/')) {
      const target = new URL(req.url, collectorUrl);
      const upstream = request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (up) => {
        res.writeHead(up.statusCode, up.headers);
        up.pipe(res);
      });
      upstream.on('error', () => { res.writeHead(502); res.end(); });
      req.pipe(upstream);
      return;
    }
    try {
      const file = path === '/' ? 'index.html' : path.slice(1);
      const body = await readFile(join(pages, file));
      const ext = file.slice(file.lastIndexOf('.'));
      res.writeHead(200, { 'content-type': types[ext] || 'application/octet-stream', ...headers });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

/** The generic host page of tests/e2e/www with `config` in its query. */
export function surveyUrl(collector, config, path = '/survey.html') {
  return `${collector.url}${path}?config=${encodeURIComponent(JSON.stringify(config))}`;
}

/** Resolves once the loader has replaced the command queue with the real `nps` function. */
export function widgetReady(page) {
  return page.waitForFunction(() => typeof window.nps === 'function' && !window.nps.q);
}

/**
 * Resolves once every show the widget in `page` has begun so far is decided: its card open or
 * its `ineligible` raised. For the shows no trigger starts, where no event says "nothing", this
 * is the moment to assert that there is no card. Triggers fire once the document is parsed; a
 * show the local rules allow is decided under the Web Lock `nps-widget:show:<user key>`
 * (src/web/locks.rs), and a request for that lock made after the widget's is granted only once
 * the widget has let go of it. `userId` is the widget's user (none: anonymous). Not for a
 * config with `eligibilityEndpoint`, whose collector is asked before the lock: there, wait for
 * the `ineligible` event.
 */
export async function showsDecided(page, userId) {
  await widgetReady(page);
  const lock = 'nps-widget:show:' + (userId == null ? 'nps-widget:anonymous' : 'nps-widget:user:' + userId);
  await page.evaluate(async (name) => {
    if (document.readyState === 'loading') {
      await new Promise((resolve) => document.addEventListener('DOMContentLoaded', resolve, { once: true }));
    }
    await navigator.locks.request(name, () => {});
  }, lock);
}

/**
 * Resolves once every console message `page` logged before this call has reached this process
 * (`page.on('console')` listeners, `page.consoleErrors`): a marker logged now arrives after them.
 */
export async function consoleDelivered(page) {
  const marker = `console delivered ${Math.random()}`;
  const arrived = page.waitForEvent('console', { predicate: (message) => message.text() === marker });
  await page.evaluate((text) => console.debug(text), marker);
  await arrived;
}

/** The widget's durable outbox as stored in the page's localStorage, one `key value` line per
 * queued body ('' when empty). */
export function outboxOf(page) {
  return page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('nps-widget:outbox:')).sort()
    .map((k) => k + ' ' + localStorage.getItem(k)).join('\n'));
}

/**
 * Stops the collector (SIGTERM, or SIGKILL to simulate a crash) and starts it again on the same
 * port and database file, retrying the bind for a moment if the port is not free yet.
 */
export async function restartCollector(collector, signal = 'SIGTERM') {
  const port = Number(new URL(collector.url).port);
  await collector.stop(signal);
  return startOnPort(collector, port);
}

/** Starts a stopped collector again on `port` (its old one), retrying the bind for a moment. */
export async function startOnPort(collector, port) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await collector.start(port);
    } catch (error) {
      if (attempt >= 30) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** A seeded pseudo-random generator (mulberry32) in 0..1, so fault patterns are reproducible. */
export function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A small HTTP proxy in front of `target` that misbehaves on request: `decide(req)` returns the
 * fate of each request —
 *   'pass'        forward it and relay the answer;
 *   'busy'        answer 503 with `Retry-After: 1` without forwarding;
 *   'drop'        close the connection without forwarding or answering;
 *   'lose-reply'  forward it (the collector stores it), then close the connection instead of
 *                 relaying the answer, so the client cannot know it was stored;
 *   'hang'        never answer (until the proxy closes).
 * Resolves to { url, counts, close }; `counts` tallies the fates.
 */
export async function startFaultyProxy(target, decide) {
  const { createServer, request, Agent } = await import('node:http');
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const counts = { pass: 0, busy: 0, drop: 0, 'lose-reply': 0, hang: 0 };
  const hanging = new Set();
  const server = createServer((req, res) => {
    const fate = decide(req) || 'pass';
    counts[fate] += 1;
    if (fate === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fate === 'hang') {
      hanging.add(req.socket);
      req.resume();
      return;
    }
    if (fate === 'busy') {
      req.resume();
      req.on('end', () => {
        res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
        res.end('{"error":"busy, try again"}');
      });
      return;
    }
    const url = new URL(req.url, target);
    const upstream = request(url, { method: req.method, headers: { ...req.headers, host: url.host }, agent }, (up) => {
      if (fate === 'lose-reply') {
        up.resume();
        up.on('end', () => req.socket.destroy());
        return;
      }
      res.writeHead(up.statusCode, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => {
      if (fate === 'lose-reply' || res.headersSent) req.socket.destroy();
      else { res.writeHead(502); res.end(); }
    });
    req.pipe(upstream);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    counts,
    close: () => new Promise((resolve) => {
      for (const socket of hanging) socket.destroy();
      server.closeAllConnections();
      server.close(() => { agent.destroy(); resolve(); });
    }),
  };
}
