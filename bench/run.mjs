// nps-widget benchmarks, run by `./build.sh bench` after the build:
//   1. bytes a host downloads (raw, gzip -9, brotli) next to posthog-js surveys.js + array.js;
//   2. timings in headless Chromium (load -> ready, show -> frame, posthog-js surveys.js load);
//   3. long tasks on the main thread; 4. wasm memory and JS heap;
//   5. collector throughput under concurrent keep-alive clients (bench/loadgen): one collector on
//      SQLite, one on PostgreSQL, two on one PostgreSQL (bench/postgres.mjs);
//   6. the report, the answers list, the CSV and the dashboard on 1,000,000 seeded answers
//      (bench/report.mjs);
//   7. the answer POST's latency at 1,000 answers/s with and without three hooks (bench/hooks.mjs);
//   8. the quiet page view of a user who is not due, next to an empty script and posthog-js
//      (bench/quiet.mjs).
// Prints a report, each report figure next to the previous run's, and writes it as JSON under
// bench-results/ (latest.json is the previous run's for the next one).
import { spawn, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, createWriteStream } from 'node:fs';
import { tmpdir, loadavg, cpus } from 'node:os';
import { join, dirname, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants, brotliCompressSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { reportBench, printReportBench } from './report.mjs';
import { hooksBench, printHooksBench } from './hooks.mjs';
import { quietBench, printQuietBench } from './quiet.mjs';
import { startPostgres } from './postgres.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = join(BENCH, '..');
const BUILT = join(ROOT, 'pkg');
const COLLECTOR = join(ROOT, 'target', 'release', 'nps-collector');
const LOADGEN = join(ROOT, 'target', 'release', 'nps-loadgen');
const POSTHOG = join(BENCH, 'node_modules', 'posthog-js');
const WORK = join(ROOT, 'target', 'bench');
const RESULTS = join(ROOT, 'bench-results');
// Everything is measured on a copy of pkg/ taken at the start, so that sizes and timings come
// from the same files even if pkg/ is rebuilt while the benchmarks run.
const PKG = join(WORK, 'pkg');
const PKG_FILES = ['nps-widget.js', 'index.js', 'nps_widget_bg.wasm'];

function snapshotPkg() {
  for (let attempt = 0; ; attempt++) {
    try {
      rmSync(PKG, { recursive: true, force: true });
      cpSync(BUILT, PKG, { recursive: true });
      for (const f of PKG_FILES) readFileSync(join(PKG, f));
      if (readdirSync(join(PKG, 'i18n')).length) return;
    } catch (error) {
      if (attempt >= 20) throw new Error('pkg/ is incomplete; run ./build.sh first (' + error.message + ')');
    }
    execFileSync('sleep', ['0.5']);
  }
}

const option = (name, fallback) => {
  const i = process.argv.indexOf('--' + name);
  return i > 0 ? process.argv[i + 1] : process.env['BENCH_' + name.toUpperCase().replace(/-/g, '_')] ?? fallback;
};
const RUNS = Number(option('runs', 21));
const LEVELS = String(option('levels', '16,32,64')).split(',').map(Number);
const SECONDS = Number(option('seconds', 10));
const ONLY = option('only', 'all'); // all | size | browser | quiet | collector | report | hooks
const REPORT_ANSWERS = Number(option('report-answers', 1_000_000));

// Headless Chromium as the end-to-end tests launch it (tests/e2e/harness.mjs), plus what the
// memory figures need: precise heap sizes and gc() to read them after a collection.
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
  '--enable-precise-memory-info', '--js-flags=--expose-gc',
];

// ---------------------------------------------------------------------------------- helpers

const gzipBytes = (file) => execFileSync('gzip', ['-9c', file], { maxBuffer: 1 << 26 }).length;
const brotliBytes = (file) => {
  const data = readFileSync(file);
  return brotliCompressSync(data, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
  }).length;
};
const sizeOf = (file, label = basename(file)) => ({
  file: label, raw: readFileSync(file).length, gzip: gzipBytes(file), brotli: brotliBytes(file),
});
const sum = (rows) => rows.reduce((t, r) => ({ raw: t.raw + r.raw, gzip: t.gzip + r.gzip, brotli: t.brotli + r.brotli }),
  { raw: 0, gzip: 0, brotli: 0 });
const ratio = (a, b) => (b ? Math.round((a / b) * 10) / 10 : null);
const round = (x, d = 1) => (x == null ? null : Math.round(x * 10 ** d) / 10 ** d);

function stats(values) {
  const v = values.filter((x) => typeof x === 'number').sort((a, b) => a - b);
  if (!v.length) return null;
  const rank = (p) => v[Math.min(v.length, Math.max(1, Math.ceil((p / 100) * v.length))) - 1];
  return { n: v.length, median: round(rank(50), 2), p95: round(rank(95), 2), min: round(v[0], 2), max: round(v[v.length - 1], 2) };
}

// A collector on a free port, on a new database in a temporary folder (removed by cleanup())
// or on `options.db`, with `options.env` added to its environment.
async function startCollector(args, logFile, options = {}) {
  const dir = options.db ? null : mkdtempSync(join(tmpdir(), 'nps-bench-'));
  const db = options.db ?? join(dir, 'answers.sqlite3');
  const child = spawn(COLLECTOR, ['serve', '--addr', '127.0.0.1:0', '--db', db, '--rate-limit', '0', ...args],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
  // The collector logs one line per request; keep it, as a deployment would.
  child.stderr.pipe(createWriteStream(logFile));
  const url = await new Promise((resolve, reject) => {
    let out = '';
    // A database of an older schema is migrated before the collector listens.
    const timer = setTimeout(() => reject(new Error('the collector did not start')), options.startSeconds * 1000 || 15000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error('the collector exited with ' + code)); });
  });
  child.removeAllListeners('exit');
  const stop = () => new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
  const cleanup = () => dir && rmSync(dir, { recursive: true, force: true });
  return { url, db, stop, cleanup, pid: child.pid };
}

function run(cmd, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} exited with ${code}`))));
  });
}

// ------------------------------------------------------------------------------------ sizes

function sizes() {
  const languages = readdirSync(join(PKG, 'i18n')).filter((f) => f.endsWith('.js'))
    .map((f) => sizeOf(join(PKG, 'i18n', f), 'i18n/' + f));
  const largest = languages.reduce((a, b) => (b.gzip > a.gzip ? b : a));
  const ours = PKG_FILES.map((f) => sizeOf(join(PKG, f)));
  const theirs = ['surveys.js', 'array.js'].map((f) => sizeOf(join(POSTHOG, 'dist', f), 'dist/' + f));
  const oursEnglish = sum(ours);
  const oursWithLanguage = sum([...ours, largest]);
  const theirsTotal = sum(theirs);
  return {
    ours: { files: ours, language_file: { ...largest, note: 'largest of ' + languages.length + ' language files; downloaded only when the card is shown in that language (English is built in)' },
      total_english: oursEnglish, total_with_language: oursWithLanguage },
    posthog: { version: JSON.parse(readFileSync(join(POSTHOG, 'package.json'), 'utf8')).version, files: theirs, total: theirsTotal,
      surveys_only: theirs[0] },
    ratio_posthog_to_ours: {
      raw: ratio(theirsTotal.raw, oursWithLanguage.raw), gzip: ratio(theirsTotal.gzip, oursWithLanguage.gzip),
      brotli: ratio(theirsTotal.brotli, oursWithLanguage.brotli),
      note: 'posthog-js surveys.js + array.js over ours with the largest language file',
    },
  };
}

// ---------------------------------------------------------------------------------- browser

function benchWww() {
  const www = join(WORK, 'www');
  rmSync(www, { recursive: true, force: true });
  mkdirSync(join(www, 'posthog'), { recursive: true });
  cpSync(join(BENCH, 'www'), www, { recursive: true });
  for (const f of ['surveys.js', 'array.js']) cpSync(join(POSTHOG, 'dist', f), join(www, 'posthog', f));
  return www;
}

const CONFIG = {
  endpoint: '/v1/responses', product: 'Acme Analytics', language: 'en',
  user: { id: 'bench-user', email: 'ada@example.com', createdAt: '2025-01-15' },
  // No trigger fires by itself: the card is shown by show({ force: true }) alone.
  triggers: [{ event: 'bench-never-fired' }],
};

async function ours(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url, { waitUntil: 'load' });
    const load = await page.evaluate((config) => window.bench.loadOurs(config), CONFIG);
    const show = await page.evaluate(() => window.bench.showOurs());
    const answer = await page.evaluate(() => window.bench.answerOurs());
    const after = await page.evaluate(({ load, show, answer }) => ({
      longLoad: window.bench.longTasksBetween(load.t0, load.readyAt),
      longShow: window.bench.longTasksBetween(show.t0, show.frameAt),
      longAnswer: window.bench.longTasksBetween(answer.t0, answer.end),
      longAll: window.bench.longTasksBetween(load.t0, answer.end),
      resources: window.bench.resources(load.t0),
      wasm: window.bench.wasmMemoryBytes(),
      heapAfter: window.bench.heap(),
      events: window.bench.events.map((e) => e.name),
    }), { load, show, answer });
    if (errors.length) throw new Error('page errors: ' + errors.join('; '));
    return {
      ready_ms: load.ready_ms, show_call_ms: show.call_ms, show_frame_ms: show.frame_ms,
      score_call_ms: answer.score_call_ms, score_frame_ms: answer.score_frame_ms,
      send_call_ms: answer.send_call_ms, send_frame_ms: answer.send_frame_ms, delivered_ms: answer.delivered_ms,
      resources: after.resources,
      long: { load: after.longLoad, show: after.longShow, answer: after.longAnswer, all: after.longAll },
      wasm_memory_bytes: after.wasm,
      heap_delta_bytes: after.heapAfter != null && load.heapBefore != null ? after.heapAfter - load.heapBefore : null,
      events: after.events,
    };
  } finally {
    await context.close();
  }
}

async function theirs(browser, url, srcs) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'load' });
    const load = await page.evaluate((s) => window.bench.loadScripts(s), srcs);
    const after = await page.evaluate((load) => ({
      long: window.bench.longTasksBetween(load.t0, load.end),
      heapAfter: window.bench.heap(),
    }), load);
    return { load_ms: load.load_ms, long: { load: after.long }, heap_delta_bytes: after.heapAfter - load.heapBefore };
  } finally {
    await context.close();
  }
}

async function browserBench() {
  const www = benchWww();
  const collector = await startCollector(['--www', www, '--pkg', PKG], join(WORK, 'collector-pages.log'));
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  try {
    const url = collector.url + '/index.html';
    const kinds = {
      ours: () => ours(browser, url),
      posthog_surveys: () => theirs(browser, url, ['/posthog/surveys.js']),
      posthog_array_and_surveys: () => theirs(browser, url, ['/posthog/array.js', '/posthog/surveys.js']),
    };
    const names = Object.keys(kinds);
    // One unmeasured round first (browser start-up, disk cache of the files), then RUNS
    // rounds, the order rotating each round so that no kind always runs first.
    for (const name of names) await kinds[name]();
    const results = Object.fromEntries(names.map((n) => [n, []]));
    for (let i = 0; i < RUNS; i++) {
      for (let j = 0; j < names.length; j++) {
        const name = names[(i + j) % names.length];
        results[name].push(await kinds[name]());
      }
    }
    const o = results.ours;
    const longOf = (rows, phase) => ({
      runs_with_long_tasks: rows.filter((r) => r.long[phase].count > 0).length,
      count_total: rows.reduce((t, r) => t + r.long[phase].count, 0),
      count_per_run: stats(rows.map((r) => r.long[phase].count)),
      longest_ms: round(Math.max(0, ...rows.map((r) => r.long[phase].longest_ms))),
    });
    const ready = stats(o.map((r) => r.ready_ms));
    const surveys = stats(results.posthog_surveys.map((r) => r.load_ms));
    return {
      chromium: browser.version(),
      runs: RUNS,
      ours: {
        load_to_ready_ms: ready,
        show_call_ms: stats(o.map((r) => r.show_call_ms)),
        show_to_frame_ms: stats(o.map((r) => r.show_frame_ms)),
        score_call_ms: stats(o.map((r) => r.score_call_ms)),
        score_to_frame_ms: stats(o.map((r) => r.score_frame_ms)),
        send_call_ms: stats(o.map((r) => r.send_call_ms)),
        send_to_frame_ms: stats(o.map((r) => r.send_frame_ms)),
        score_to_both_posts_delivered_ms: stats(o.map((r) => r.delivered_ms)),
        ready_breakdown_median_ms: Object.fromEntries(PKG_FILES.map((f) => [f, {
          fetch_start: stats(o.map((r) => r.resources.find((x) => x.name === f)?.start_ms))?.median ?? null,
          fetch_end: stats(o.map((r) => r.resources.find((x) => x.name === f)?.end_ms))?.median ?? null,
        }])),
        long_tasks: { load: longOf(o, 'load'), show: longOf(o, 'show'), answer: longOf(o, 'answer'), all: longOf(o, 'all') },
        wasm_memory_bytes: stats(o.map((r) => r.wasm_memory_bytes)),
        js_heap_delta_bytes: stats(o.map((r) => r.heap_delta_bytes)),
        events_seen: o[0]?.events,
      },
      posthog_surveys_js: {
        load_ms: surveys,
        long_tasks: longOf(results.posthog_surveys, 'load'),
        js_heap_delta_bytes: stats(results.posthog_surveys.map((r) => r.heap_delta_bytes)),
      },
      posthog_array_and_surveys_js: {
        load_ms: stats(results.posthog_array_and_surveys.map((r) => r.load_ms)),
        long_tasks: longOf(results.posthog_array_and_surveys, 'load'),
        js_heap_delta_bytes: stats(results.posthog_array_and_surveys.map((r) => r.heap_delta_bytes)),
      },
      ratio_our_ready_to_posthog_surveys_load: {
        median: round(ready.median / surveys.median, 2), p95: round(ready.p95 / surveys.p95, 2),
      },
      raw: results,
    };
  } finally {
    await browser.close();
    await collector.stop();
    collector.cleanup();
  }
}

/** Section 8: the quiet page view (bench/quiet.mjs), on the same host page and collector. */
async function quietPageBench() {
  const www = benchWww();
  const collector = await startCollector(['--www', www, '--pkg', PKG], join(WORK, 'collector-quiet.log'));
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  try {
    return await quietBench({ browser, url: collector.url + '/index.html', runs: Math.max(15, Math.min(RUNS, 21)) });
  } finally {
    await browser.close();
    await collector.stop();
    collector.cleanup();
  }
}

// -------------------------------------------------------------------------------- collector

/**
 * One level of load on `nodes` collectors over one database: the clients split evenly across
 * them, one load generator per collector at once, their figures added up and their latencies
 * pooled. Then the collectors stop and the database's rows are counted: one per 202.
 */
async function loadLevel(connections, nodes, label) {
  const collectors = [];
  try {
    for (let i = 0; i < nodes.count; i++) {
      collectors.push(await startCollector([], join(WORK, `collector-load-${label}-${connections}-${i}.log`), { db: nodes.db?.() }));
    }
    const runs = await Promise.all(collectors.map((collector, i) => {
      const latencies = join(WORK, `collector-load-${label}-${connections}-${i}.latencies`);
      return run(LOADGEN, ['--url', collector.url + '/v1/responses', '--connections', String(connections / collectors.length),
        '--duration', String(SECONDS), '--warmup', '1', '--seed', String(1 + i), '--latencies', latencies])
        .then((out) => ({ ...JSON.parse(out), latencies }));
    }));
    const sum = (key) => runs.reduce((total, r) => total + r[key], 0);
    const all = runs.flatMap((r) => readFileSync(r.latencies, 'utf8').split('\n').filter(Boolean).map(Number)).sort((a, b) => a - b);
    const at = (p) => all[Math.min(all.length - 1, Math.ceil((p / 100) * all.length) - 1)] / 1000;
    const result = {
      connections, answers_per_s: sum('answers_per_s'), requests: sum('requests'), accepted_202: sum('accepted_202'),
      accepted_202_total: sum('accepted_202_total'), errors: sum('errors'),
      latency_ms: { p50: at(50), p99: at(99), max: all.at(-1) / 1000 },
    };
    for (const collector of collectors) await collector.stop();
    // Every 202 is a row: count what the database holds once the servers have stopped.
    const rows = execFileSync(COLLECTOR, ['export', '--db', collectors[0].db], { maxBuffer: 1 << 30 })
      .toString().split('\n').filter(Boolean).length;
    result.rows_stored = rows;
    // Unique ids and no request left unanswered: one row per 202, no more, no fewer.
    result.every_202_stored = rows === result.accepted_202_total;
    return result;
  } finally {
    for (const collector of collectors) {
      await collector.stop();
      collector.cleanup();
    }
  }
}

/** Section 5: throughput at each level on SQLite, on PostgreSQL, and two collectors on one PostgreSQL. */
async function collectorBench() {
  const postgres = await startPostgres();
  let database = 0;
  const fresh = () => postgres.database(`load_${database++}`);
  const setups = [
    { label: 'sqlite', name: 'one collector, SQLite (WAL, synchronous=FULL, group commit)', count: 1 },
    { label: 'postgres', name: 'one collector, PostgreSQL (fsync and synchronous_commit on)', count: 1, db: fresh },
    { label: 'postgres-2', name: 'two collectors, one PostgreSQL (clients split between them)', count: 2 },
  ];
  const results = [];
  try {
    for (const setup of setups) {
      const levels = [];
      for (const connections of LEVELS) {
        // Two collectors share one database: made once per level, named for both.
        let shared = null;
        const db = setup.count === 2 ? () => (shared ??= fresh()) : setup.db;
        levels.push(await loadLevel(connections, { count: setup.count, db }, setup.label));
      }
      results.push({ setup: setup.name, levels });
    }
  } finally {
    postgres.stop();
  }
  return { rate_limit: 0, seconds: SECONDS, setups: results };
}

// ----------------------------------------------------------------------------------- report

const kb = (b) => (b / 1024).toFixed(1);
function printReport(r) {
  const lines = [];
  const p = (s = '') => lines.push(s);
  if (r.sizes) {
    const s = r.sizes;
    p('1. Bytes a host downloads to show the survey');
    p(`   ${'file'.padEnd(30)}${'raw B'.padStart(10)}${'gzip -9 B'.padStart(11)}${'brotli B'.padStart(10)}`);
    const row = (f, label = f.file) => p(`   ${label.padEnd(30)}${String(f.raw).padStart(10)}${String(f.gzip).padStart(11)}${String(f.brotli).padStart(10)}`);
    s.ours.files.forEach((f) => row(f));
    row(s.ours.total_english, 'total, English');
    row(s.ours.language_file, `+ ${s.ours.language_file.file} (largest language)`);
    row(s.ours.total_with_language, 'total, with that language');
    p(`   posthog-js ${s.posthog.version}:`);
    s.posthog.files.forEach((f) => row(f));
    row(s.posthog.total, 'total posthog-js');
    p(`   posthog-js / ours: ${s.ratio_posthog_to_ours.raw}x raw, ${s.ratio_posthog_to_ours.gzip}x gzip, ${s.ratio_posthog_to_ours.brotli}x brotli`);
    p();
  }
  if (r.browser) {
    const b = r.browser;
    const t = (x) => (x ? `median ${x.median} ms, p95 ${x.p95} ms` : 'n/a');
    p(`2. Timings in headless Chromium ${b.chromium}, ${b.runs} alternating runs each (fresh context per run)`);
    p(`   ours: script tag -> ready                   ${t(b.ours.load_to_ready_ms)}`);
    p(`   ours: show({force:true}) call               ${t(b.ours.show_call_ms)}`);
    p(`   ours: show({force:true}) -> next frame      ${t(b.ours.show_to_frame_ms)}`);
    p(`   ours: score click -> next frame (step 2)    ${t(b.ours.score_to_frame_ms)}`);
    p(`   ours: Send click -> next frame (thanks)     ${t(b.ours.send_to_frame_ms)}`);
    const w = b.ours.ready_breakdown_median_ms;
    p(`   ours, where ready goes (median ms after the tag): ` + Object.entries(w).map(([f, x]) => `${f} ${x.fetch_start}-${x.fetch_end}`).join(', ') +
      `, ready ${b.ours.load_to_ready_ms.median}`);
    p(`   posthog-js surveys.js: tag -> onload        ${t(b.posthog_surveys_js.load_ms)}`);
    p(`   posthog-js array.js + surveys.js -> onload  ${t(b.posthog_array_and_surveys_js.load_ms)}`);
    p(`   our ready / posthog-js surveys.js load: ${b.ratio_our_ready_to_posthog_surveys_load.median} (median), ${b.ratio_our_ready_to_posthog_surveys_load.p95} (p95)`);
    p();
    const l = b.ours.long_tasks;
    const lt = (x) => `${x.count_total} in ${b.runs} runs, longest ${x.longest_ms} ms`;
    p('3. Long tasks (>= 50 ms) on the main thread');
    p(`   ours: load ${lt(l.load)}; show ${lt(l.show)}; answer ${lt(l.answer)}`);
    p(`   posthog-js surveys.js load ${lt(b.posthog_surveys_js.long_tasks)}; array.js + surveys.js ${lt(b.posthog_array_and_surveys_js.long_tasks)}`);
    p();
    p('4. Memory');
    p(`   ours: wasm memory after a full survey ${b.ours.wasm_memory_bytes ? kb(b.ours.wasm_memory_bytes.median) + ' KiB' : 'n/a'}; ` +
      `JS heap delta (load + show + answer) median ${kb(b.ours.js_heap_delta_bytes.median)} KiB`);
    p(`   posthog-js: JS heap delta surveys.js median ${kb(b.posthog_surveys_js.js_heap_delta_bytes.median)} KiB, ` +
      `array.js + surveys.js median ${kb(b.posthog_array_and_surveys_js.js_heap_delta_bytes.median)} KiB`);
    p();
  }
  if (r.report) printReportBench(p, r.report, r.previous_report);
  if (r.collector) {
    p(`5. Collector throughput: POST /v1/responses on loopback, ${r.collector.seconds} s per level`);
    for (const setup of r.collector.setups) {
      p(`   ${setup.setup}`);
      p(`   ${'clients'.padStart(7)}${'answers/s'.padStart(11)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'max ms'.padStart(9)}${'non-202'.padStart(9)}  every 202 stored`);
      for (const l of setup.levels) {
        const non202 = l.requests - l.accepted_202 + l.errors;
        p(`   ${String(l.connections).padStart(7)}${String(Math.round(l.answers_per_s)).padStart(11)}${String(l.latency_ms.p50).padStart(9)}` +
          `${String(l.latency_ms.p99).padStart(9)}${String(l.latency_ms.max).padStart(9)}${String(non202).padStart(9)}  ${l.every_202_stored} (${l.rows_stored} rows, ${l.accepted_202_total} 202s)`);
      }
    }
    p();
  }
  if (r.hooks) printHooksBench(p, r.hooks);
  if (r.quiet) printQuietBench(p, r.quiet);
  p(`machine: ${r.machine.cpus} cores, load average ${r.machine.loadavg_start.join(' ')} at start, ${r.machine.loadavg_end.join(' ')} at end`);
  return lines.join('\n');
}

// ------------------------------------------------------------------------------------- main

mkdirSync(WORK, { recursive: true });
mkdirSync(RESULTS, { recursive: true });
snapshotPkg();
const report = {
  date: new Date().toISOString(),
  command: './build.sh bench',
  commit: (() => { try { return execFileSync('git', ['-C', ROOT, 'describe', '--always', '--dirty'], { encoding: 'utf8' }).trim(); } catch { return null; } })(),
  machine: { cpus: cpus().length, node: process.version, loadavg_start: loadavg().map((x) => round(x, 2)) },
};
if (ONLY === 'all' || ONLY === 'size') report.sizes = sizes();
if (ONLY === 'all' || ONLY === 'browser') report.browser = await browserBench();
if (ONLY === 'all' || ONLY === 'quiet') report.quiet = await quietPageBench();
if (ONLY === 'all' || ONLY === 'collector') report.collector = await collectorBench();
if (ONLY === 'all' || ONLY === 'report') {
  report.report = await reportBench({ collectorBin: COLLECTOR, work: WORK, startCollector, startPostgres, stats, chromium,
    chromiumArgs: CHROMIUM_ARGS, answers: REPORT_ANSWERS, runs: RUNS });
}
if (ONLY === 'all' || ONLY === 'hooks') {
  report.hooks = await hooksBench({ startCollector, run, loadgen: LOADGEN, work: WORK, seconds: SECONDS });
}
report.machine.loadavg_end = loadavg().map((x) => round(x, 2));
// The previous run's report figures, printed next to this run's (not stored again).
const previous = (() => { try { return JSON.parse(readFileSync(join(RESULTS, 'latest.json'), 'utf8')).report; } catch { return null; } })();
const text = printReport({ ...report, previous_report: previous?.answers === report.report?.answers ? previous : null });
const stamp = report.date.replace(/[:.]/g, '-');
writeFileSync(join(RESULTS, `bench-${stamp}.json`), JSON.stringify(report, null, 2) + '\n');
writeFileSync(join(RESULTS, 'latest.json'), JSON.stringify(report, null, 2) + '\n');
console.log(text);
console.log(`\nwritten: bench-results/bench-${stamp}.json (and bench-results/latest.json)`);
