// The report's benchmark, part of `./build.sh bench`: the admin API and the dashboard on a
// database of a year of seeded sample answers (1,000,000 by default; seeded once and kept in
// target/bench/ between runs, since seeding takes a few minutes).
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

/** What each figure is, and its goal in ms (null: no goal, shown for context). */
export const REPORT_FIGURES = [
  ['report_week_by_plan', 'GET /v1/report, 12 months, weekly, by plan', 300],
  ['report_week', 'GET /v1/report, 12 months, weekly', null],
  ['report_week_by_account', 'GET /v1/report, 12 months, weekly, by account', null],
  ['report_where_plan_by_language', 'GET /v1/report, 12 months, where plan, by language', null],
  ['answers_first_page', 'GET /v1/answers, first page of 50', 50],
  ['dashboard_paint', 'dashboard: navigation -> report drawn (Chromium)', 1000],
];

const day = (date) => date.toISOString().slice(0, 10);

/** The seeded database, made once (a marker file says it is complete). */
function seededDatabase(collectorBin, work, answers) {
  const db = join(work, `report-${answers}.sqlite3`);
  const done = db + '.seeded';
  if (existsSync(done)) return { db, seeded_s: null };
  for (const suffix of ['', '-wal', '-shm']) rmSync(db + suffix, { force: true });
  console.error(`seeding ${answers} sample answers into ${db} (once; kept for later runs)`);
  const start = performance.now();
  execFileSync(collectorBin, ['seed', '--db', db, '--answers', String(answers), '--seed', '1'], { stdio: 'inherit' });
  writeFileSync(done, new Date().toISOString() + '\n');
  return { db, seeded_s: Math.round((performance.now() - start) / 100) / 10 };
}

/** Resident memory of a process, in bytes. */
function residentBytes(pid) {
  const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return match ? Number(match[1]) * 1024 : null;
}

/** The number of records of a CSV text (quoted cells may hold line breaks). */
function csvRecords(text) {
  let records = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) quoted = !quoted;
    else if (c === 10 && !quoted) records++;
  }
  return records;
}

/** The API figures of REPORT_FIGURES (all but the dashboard's) from the collector at `url`. */
async function apiFigures({ url, headers, year, runs, stats }) {
  const timed = async (path) => {
    const times = [];
    for (let i = 0; i <= runs; i++) {
      const start = performance.now();
      const response = await fetch(url + path, { headers });
      if (response.status !== 200) throw new Error(`${path}: ${response.status} ${await response.text()}`);
      await response.arrayBuffer();
      if (i > 0) times.push(performance.now() - start); // the first run warms the cache
    }
    return stats(times);
  };
  return {
    report_week_by_plan: await timed(`/v1/report?${year}&by=user.properties.plan`),
    report_week: await timed(`/v1/report?${year}`),
    report_week_by_account: await timed(`/v1/report?${year}&by=account.name`),
    report_where_plan_by_language: await timed(`/v1/report?${year}&where=user.properties.plan:pro&by=language`),
    answers_first_page: await timed('/v1/answers?limit=50'),
  };
}

/**
 * The same API figures with the seeded answers copied into PostgreSQL (`nps-collector
 * migrate`, timed) and a collector on it.
 */
async function postgresFigures({ collectorBin, work, startCollector, startPostgres, db, token, headers, year, runs, stats }) {
  const postgres = await startPostgres();
  try {
    const url = postgres.database('report');
    const start = performance.now();
    execFileSync(collectorBin, ['migrate', '--from', `sqlite:${db}`, '--to', url], { stdio: ['ignore', 'ignore', 'inherit'] });
    const migrated_s = Math.round((performance.now() - start) / 100) / 10;
    const collector = await startCollector([], join(work, 'collector-report-postgres.log'),
      { db: url, env: { NPS_ADMIN_TOKEN: token }, startSeconds: 120 });
    try {
      return { migrated_s, figures: await apiFigures({ url: collector.url, headers, year, runs, stats }) };
    } finally {
      await collector.stop();
    }
  } finally {
    postgres.stop();
  }
}

export async function reportBench({ collectorBin, work, startCollector, startPostgres, stats, chromium, chromiumArgs, answers, runs }) {
  const { db, seeded_s } = seededDatabase(collectorBin, work, answers);
  const token = 'npsa_' + randomBytes(32).toString('hex');
  const collector = await startCollector([], join(work, 'collector-report.log'),
    { db, env: { NPS_ADMIN_TOKEN: token }, startSeconds: 600 });
  const headers = { Authorization: `Bearer ${token}` };
  const to = new Date();
  const from = new Date(to.getTime() - 364 * 86_400_000);
  const year = `from=${day(from)}&to=${day(to)}&tz=Europe/Berlin&interval=week`;
  const figures = {};
  try {
    Object.assign(figures, await apiFigures({ url: collector.url, headers, year, runs, stats }));

    // About 100,000 answers: the last 37 days. Memory is sampled while the CSV streams.
    const csvFrom = day(new Date(to.getTime() - 36 * 86_400_000));
    const before = residentBytes(collector.pid);
    let peak = before;
    const sampler = setInterval(() => { peak = Math.max(peak, residentBytes(collector.pid) ?? 0); }, 20);
    const start = performance.now();
    const response = await fetch(`${collector.url}/v1/answers.csv?from=${csvFrom}&to=${day(to)}&tz=Europe/Berlin`, { headers });
    const text = await response.text();
    const seconds = (performance.now() - start) / 1000;
    clearInterval(sampler);
    peak = Math.max(peak, residentBytes(collector.pid) ?? 0);
    const csv = {
      rows: csvRecords(text) - 1,
      megabytes: Math.round(text.length / 1e5) / 10,
      seconds: Math.round(seconds * 100) / 100,
      memory_growth_mb: Math.round((peak - before) / 1e5) / 10,
      memory_before_mb: Math.round(before / 1e5) / 10,
    };

    figures.dashboard_paint = await dashboardPaint({ chromium, chromiumArgs, url: collector.url, token, year, runs, stats });
    await collector.stop();
    const postgres = await postgresFigures({ collectorBin, work, startCollector, startPostgres, db, token, headers, year, runs, stats });
    return { answers, db_bytes: statSync(db).size, seeded_s, figures, csv, postgres };
  } finally {
    await collector.stop();
  }
}

/**
 * Time from navigation start to the frame after the dashboard drew the report (the headline,
 * the distribution and the trend: `performance.mark('nps-dashboard-report')`), in fresh
 * contexts that carry a session cookie.
 */
async function dashboardPaint({ chromium, chromiumArgs, url, token, year, runs, stats }) {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: chromiumArgs });
  try {
    const login = await browser.newContext();
    const page = await login.newPage();
    await page.goto(url + '/dashboard/login');
    await page.getByLabel(/token/i).fill(token);
    await page.keyboard.press('Enter');
    await page.waitForURL('**/dashboard/');
    const storageState = await login.storageState();
    await login.close();
    const times = [];
    const paintRuns = Math.max(5, Math.ceil(runs / 2));
    for (let i = 0; i <= paintRuns; i++) {
      const context = await browser.newContext({ storageState });
      await context.addInitScript(() => {
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) {
            if (entry.name === 'nps-dashboard-report') {
              requestAnimationFrame(() => setTimeout(() => { window.__npsReportPainted = performance.now(); }));
            }
          }
        }).observe({ type: 'mark' });
      });
      const page = await context.newPage();
      await page.goto(`${url}/dashboard/?${year}&by=user.properties.plan`);
      const painted = await (await page.waitForFunction(() => window.__npsReportPainted, null, { timeout: 60_000 })).jsonValue();
      if (i > 0) times.push(painted);
      await context.close();
    }
    return stats(times);
  } finally {
    await browser.close();
  }
}

/** Lines of the report benchmark's section, each figure next to the previous run's. */
export function printReportBench(p, r, previous) {
  const median = (x) => (x ? `${x.median}` : 'n/a');
  p(`6. The report on ${r.answers.toLocaleString('en')} seeded answers (SQLite, ${Math.round(r.db_bytes / 1e6)} MB` +
    (r.seeded_s ? `, seeded in ${r.seeded_s} s` : '') + '); median ms');
  p(`   ${'figure'.padEnd(54)}${'goal'.padStart(7)}${'now'.padStart(9)}${'p95'.padStart(9)}${'previous'.padStart(10)}${'PostgreSQL'.padStart(12)}`);
  for (const [key, label, goal] of REPORT_FIGURES) {
    const now = r.figures[key];
    const before = previous?.figures?.[key];
    const pg = r.postgres?.figures?.[key];
    p(`   ${label.padEnd(54)}${(goal ? '<= ' + goal : '').padStart(7)}${median(now).padStart(9)}${String(now?.p95 ?? 'n/a').padStart(9)}${median(before).padStart(10)}${median(pg).padStart(12)}`);
  }
  if (r.postgres) p(`   PostgreSQL: the same answers copied by nps-collector migrate in ${r.postgres.migrated_s} s; medians of the same requests`);
  const c = r.csv;
  const pc = previous?.csv;
  p(`   GET /v1/answers.csv, last 37 days: ${c.rows} rows, ${c.megabytes} MB in ${c.seconds} s; collector memory ` +
    `${c.memory_before_mb} MB before, +${c.memory_growth_mb} MB while streaming` +
    (pc ? ` (previous: ${pc.rows} rows in ${pc.seconds} s, +${pc.memory_growth_mb} MB)` : ''));
  p();
}
