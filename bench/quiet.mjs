// The quiet page view's benchmark, part of `./build.sh bench`: a page view of a user who is
// not due (surveyed 30 days ago), as a host's script tag makes it, next to an empty script
// and posthog-js (array.js + surveys.js) on the same page. Alternating rounds, each in a fresh
// browser context after one unmeasured page view there: bytes and requests fetched after the
// tag (cached or not), time to the decision (our
// `ineligible` event; the scripts' onload for the others), and main-thread time (Chromium's
// TaskDuration from the tag's insertion to two frames after the decision).
import { join } from 'node:path';

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]; };
const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

const USER = 'quiet-bench-user';
const CONFIG = { endpoint: '/v1/responses', language: 'en', user: { id: USER } };

/**
 * One page view of `kind` in a fresh context, after one unmeasured page view of the same kind
 * there: a user who is not due has been on the host's pages before (the widget left its quiet
 * record then, and every kind's files are in the HTTP cache). Its figures.
 */
async function pageView(browser, url, kind) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    // The user answered 30 days ago: not due for five more months.
    const state = `s=${Date.now() - 30 * 86_400_000};o=a`;
    await context.addInitScript(([key, value]) => localStorage.getItem(key) || localStorage.setItem(key, value),
      [`nps-widget:user:${USER}`, state]);
    await measuredView(context, url, kind);
    return await measuredView(context, url, kind);
  } finally {
    await context.close();
  }
}

/** A page view of `kind` in `context`: its figures. */
async function measuredView(context, url, kind) {
  {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url, { waitUntil: 'load' });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const taskSeconds = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration').value;
    const before = await taskSeconds();
    const result = await page.evaluate(({ kind, config }) => {
      const b = window.bench;
      const settle = (r) => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(r))));
      if (kind === 'ours') return b.loadQuiet(config).then(settle);
      const srcs = kind === 'empty' ? ['/empty.js'] : ['/posthog/array.js', '/posthog/surveys.js'];
      return b.loadScripts(srcs).then((r) => settle({ t0: r.t0, decision_ms: r.load_ms, end: r.end }));
    }, { kind, config: CONFIG });
    const after = await taskSeconds();
    const fetched = await page.evaluate((t0) => window.bench.fetchedSince(t0), result.t0);
    if (errors.length) throw new Error('page errors: ' + errors.join('; '));
    await page.close();
    return { decision_ms: result.decision_ms, main_thread_ms: (after - before) * 1000, ...fetched, reason: result.reason };
  }
}

/** `runs` alternating rounds (after one unmeasured), medians and paired ratios to the empty script. */
export async function quietBench({ browser, url, runs }) {
  const kinds = ['ours', 'empty', 'posthog'];
  for (const kind of kinds) await pageView(browser, url, kind);
  const rounds = { ours: [], empty: [], posthog: [] };
  for (let i = 0; i < runs; i++) {
    // The order rotates each round, so that no kind always runs first.
    for (let k = 0; k < kinds.length; k++) {
      const kind = kinds[(i + k) % kinds.length];
      rounds[kind].push(await pageView(browser, url, kind));
    }
  }
  const summary = (list) => ({
    requests: median(list.map((r) => r.requests)),
    transfer_bytes: median(list.map((r) => r.transfer_bytes)),
    body_bytes: median(list.map((r) => r.body_bytes)),
    decision_ms: round(median(list.map((r) => r.decision_ms))),
    main_thread_ms: round(median(list.map((r) => r.main_thread_ms))),
    files: list[0].names,
  });
  const paired = (key) => round(median(rounds.ours.map((r, i) => r[key] / rounds.empty[i][key])), 2);
  return {
    runs, reason: rounds.ours[0].reason,
    ours: summary(rounds.ours), empty: summary(rounds.empty), posthog: summary(rounds.posthog),
    ours_to_empty: { decision: paired('decision_ms'), main_thread: paired('main_thread_ms') },
  };
}

/** The section's lines. */
export function printQuietBench(p, q) {
  p(`8. The quiet page view (a user surveyed 30 days ago), ${q.runs} alternating rounds, medians; decision: "${q.reason}"`);
  p(`   ${''.padEnd(28)}${'requests'.padStart(9)}${'bytes'.padStart(9)}${'to decision'.padStart(13)}${'main thread'.padStart(13)}   (bytes: the files' bodies as served, uncompressed, cached or not)`);
  const row = (label, r) => p(`   ${label.padEnd(28)}${String(r.requests).padStart(9)}${String(r.body_bytes).padStart(9)}` +
    `${(r.decision_ms + ' ms').padStart(13)}${(r.main_thread_ms + ' ms').padStart(13)}`);
  row('nps-widget (not due)', q.ours);
  row('an empty script', q.empty);
  row('posthog-js array + surveys', q.posthog);
  p(`   nps-widget / empty script (median of the rounds' ratios): decision ${q.ours_to_empty.decision}, main thread ${q.ours_to_empty.main_thread} (goal <= 1.3)`);
  p(`   nps-widget fetched: ${q.ours.files.join(', ')}`);
  p();
}
