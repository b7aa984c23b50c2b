// The hooks' benchmark, part of `./build.sh bench`: does queueing deliveries in the answer's
// transaction slow the answer's POST? The same open-loop load (1,000 answers/s from 16
// keep-alive clients, bench/loadgen --rate) against a collector without hooks and one with
// three hooks that each hear of every final answer, alternating, on fresh databases; the hooks
// send to a receiver on loopback (bench/hook-receiver.mjs, in the idle scheduling class) that
// answers 204. Goal: POST p99 with hooks within 1.2x of without. Also: how many deliveries
// were queued, and how long the worker took to send them all after the load stopped; and a
// control, without hooks beside a busy loop in the idle class, which tells what background
// CPU work alone (the worker's sends, the receiver) costs the answers' p99 on this machine.
import { fork, spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const TOKEN = 'npsa_bench_hooks_token_0123456789abcdef';
const RATE = 1000;
const CONNECTIONS = 16;
const ROUNDS = Number(process.env.HOOKS_ROUNDS ?? 7);
/** Goal: p99 with hooks / p99 without. */
export const HOOKS_P99_GOAL = 1.2;

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]; };
/** The `p`th percentile (nearest rank) of sorted `xs`. */
const percentile = (xs, p) => xs[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];

/**
 * Starts bench/hook-receiver.mjs in Linux's idle scheduling class (`chrt --idle`; at normal
 * priority where that is refused), so that the receiver, which stands in for services on other
 * machines, takes only CPU the collector leaves. `RECEIVER_PRIORITY=normal` runs it at normal
 * priority instead, to see what a receiver sharing the collector's cores costs.
 */
async function receiver() {
  const script = fileURLToPath(new URL('./hook-receiver.mjs', import.meta.url));
  const idle = process.env.RECEIVER_PRIORITY !== 'normal' && spawnSync('chrt', ['--idle', '0', 'true']).status === 0;
  const child = fork(script, [], idle ? { execPath: 'chrt', execArgv: ['--idle', '0', process.execPath] } : {});
  const { port } = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`hook receiver exited (${code})`)));
  });
  // One question at a time (the bench asks in turn): the next message is the answer.
  const count = () => new Promise((resolve, reject) => {
    const gone = (code) => reject(new Error(`hook receiver exited (${code})`));
    child.once('exit', gone);
    child.once('message', (message) => { child.off('exit', gone); resolve(message.count); });
    child.send('count');
  });
  return { url: `http://127.0.0.1:${port}/hooks`, idle, count, close: () => child.disconnect() };
}

async function api(collector, path, body) {
  const response = await fetch(collector.url + path, {
    method: body ? 'POST' : 'GET',
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    body: body && JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** Pending deliveries of every hook (the newest 500 of each are enough to see the tail). */
async function pending(collector, hooks) {
  let n = 0;
  for (const hook of hooks) {
    const { deliveries } = await api(collector, `/v1/hooks/${hook.id}/deliveries?limit=500`);
    n += deliveries.filter((d) => d.status === 'pending').length;
  }
  return n;
}

/**
 * One round of one setting: without hooks, with three, or without hooks beside a control in
 * the idle scheduling class, doing nothing for the collector: `busy`, a loop that keeps one
 * core busy; `trips`, loopback round trips at the rate of the hooks' deliveries
 * (bench/round-trips.mjs).
 */
async function once({ startCollector, run, loadgen, work, seconds }, withHooks, round, sink, control = null) {
  const setting = withHooks ? 'on' : control ?? 'off';
  const collector = await startCollector(['--allow-private-hooks'], join(work, `hooks-${setting}-${round}.log`),
    { env: { NPS_ADMIN_TOKEN: TOKEN } });
  // Busy, but it looks up every 100 ms and ends when the bench has gone (its parent changes).
  const spin = 'const parent = process.ppid; for (;;) { const t = Date.now(); while (Date.now() - t < 100); if (process.ppid !== parent) process.exit(); }';
  const trips = fileURLToPath(new URL('./round-trips.mjs', import.meta.url));
  const loop = control && spawn('chrt', ['--idle', '0', process.execPath, ...(control === 'busy' ? ['-e', spin] : [trips])], { stdio: 'ignore' });
  loop?.on('error', (error) => console.error(`the ${control} control did not start: ${error.message}`));
  try {
    const hooks = [];
    if (withHooks) {
      for (const [name, format] of [['CRM', 'webhook'], ['Warehouse', 'webhook'], ['#nps', 'slack']]) {
        hooks.push(await api(collector, '/v1/hooks', { name, url: sink.url, format, events: ['response.completed'] }));
      }
    }
    const before = await sink.count();
    const latencies = join(work, `hooks-${setting}-${round}.latencies`);
    const out = JSON.parse(await run(loadgen, ['--url', collector.url + '/v1/responses', '--connections', String(CONNECTIONS),
      '--duration', String(seconds), '--warmup', '1', '--rate', String(RATE), '--latencies', latencies]));
    const result = { answers_per_s: out.answers_per_s, p50: out.latency_ms.p50, p99: out.latency_ms.p99, non_202: out.requests - out.accepted_202 + out.errors,
      latencies: readFileSync(latencies, 'utf8').split('\n').filter(Boolean).map(Number) };
    if (withHooks) {
      // Every final answer is one delivery per hook: wait until the worker has sent them all.
      const stopped = performance.now();
      while (await pending(collector, hooks) > 0) await new Promise((resolve) => setTimeout(resolve, 100));
      result.drain_ms = Math.round(performance.now() - stopped);
      result.delivered = (await sink.count()) - before;
    }
    return result;
  } finally {
    loop?.kill();
    await collector.stop();
    collector.cleanup();
  }
}

/** Alternating rounds without and with hooks; medians and the p99 ratio. */
export async function hooksBench(context) {
  const sink = await receiver();
  const rounds = { off: [], on: [], busy: [], trips: [] };
  try {
    for (let round = 0; round < ROUNDS; round++) {
      rounds.off.push(await once(context, false, round, sink));
      rounds.on.push(await once(context, true, round, sink));
      // The control: what CPU work beside the collector, at the lowest priority, costs the
      // answers' p99 on this machine (the hooks' worker and receiver are such work).
      if (sink.idle) {
        rounds.busy.push(await once(context, false, round, sink, 'busy'));
        rounds.trips.push(await once(context, false, round, sink, 'trips'));
      }
    }
  } finally {
    sink.close();
  }
  // Every request of every round, pooled: the p99 of all the answers' POSTs in each setting,
  // steadier than any one round's (70,000 requests each rather than 10,000).
  const pooled = (list) => {
    const all = list.flatMap((r) => r.latencies).sort((a, b) => a - b);
    for (const r of list) delete r.latencies;
    return { requests: all.length, p50_ms: percentile(all, 50) / 1000, p99_ms: percentile(all, 99) / 1000 };
  };
  const pooledOff = pooled(rounds.off);
  const pooledOn = pooled(rounds.on);
  const pooledBusy = rounds.busy.length ? pooled(rounds.busy) : null;
  const pooledTrips = rounds.trips.length ? pooled(rounds.trips) : null;
  const pick = (list, key) => median(list.map((r) => r[key]));
  const summary = (list) => ({ answers_per_s: pick(list, 'answers_per_s'), p50_ms: pick(list, 'p50'), p99_ms: pick(list, 'p99'),
    non_202: list.reduce((t, r) => t + r.non_202, 0) });
  const off = summary(rounds.off);
  const on = { ...summary(rounds.on), drain_ms: pick(rounds.on, 'drain_ms'), delivered: rounds.on.map((r) => r.delivered) };
  // Each round's pair ran back to back: its ratio cancels most of the machine's drift.
  const paired = rounds.on.map((r, i) => r.p99 / rounds.off[i].p99);
  return { rate: RATE, connections: CONNECTIONS, seconds: context.seconds, receiver: sink.idle ? 'idle class' : 'normal priority', rounds, without_hooks: off, with_three_hooks: on,
    p99_ratio: Math.round((on.p99_ms / off.p99_ms) * 100) / 100,
    p99_paired_ratio_median: Math.round(median(paired) * 100) / 100,
    pooled: { without_hooks: pooledOff, with_three_hooks: pooledOn, p99_ratio: Math.round((pooledOn.p99_ms / pooledOff.p99_ms) * 100) / 100 },
    control: pooledBusy && { without_hooks_one_idle_busy_loop: pooledBusy, p99_ratio: Math.round((pooledBusy.p99_ms / pooledOff.p99_ms) * 100) / 100 },
    control_round_trips: pooledTrips && { without_hooks_idle_round_trips: pooledTrips, p99_ratio: Math.round((pooledTrips.p99_ms / pooledOff.p99_ms) * 100) / 100 },
    goal: HOOKS_P99_GOAL };
}

/** The section's lines. */
export function printHooksBench(p, h) {
  p(`7. Answer POST under hooks: ${h.rate} answers/s open loop from ${h.connections} clients, ${h.seconds} s, ${h.rounds.on.length} alternating rounds (medians)`);
  const row = (label, r) => p(`   ${label.padEnd(34)}${String(Math.round(r.answers_per_s)).padStart(6)} answers/s  p50 ${r.p50_ms} ms  p99 ${r.p99_ms} ms  non-202 ${r.non_202}`);
  row('no hooks', h.without_hooks);
  row('three hooks, every final answer', h.with_three_hooks);
  p(`   every request of every round pooled (${h.pooled.without_hooks.requests} and ${h.pooled.with_three_hooks.requests}): ` +
    `p99 ${h.pooled.without_hooks.p99_ms} ms without, ${h.pooled.with_three_hooks.p99_ms} ms with; ratio ${h.pooled.p99_ratio}`);
  p(`   p99 with / without: ${h.pooled.p99_ratio} (pooled), ${h.p99_ratio} (medians of the rounds), ${h.p99_paired_ratio_median} (median of the rounds' ratios); goal <= ${h.goal}`);
  if (h.control) {
    p(`   control, no hooks beside one busy loop in the idle class: p99 ${h.control.without_hooks_one_idle_busy_loop.p99_ms} ms pooled, ` +
      `ratio ${h.control.p99_ratio} to no hooks (what background CPU work alone costs the answers here)`);
  }
  if (h.control_round_trips) {
    p(`   control, no hooks beside 1,800 loopback round trips a second in the idle class: p99 ${h.control_round_trips.without_hooks_idle_round_trips.p99_ms} ms pooled, ` +
      `ratio ${h.control_round_trips.p99_ratio} to no hooks (what the deliveries' round trips alone cost, whoever makes them)`);
  }
  p(`   receiver on loopback at ${h.receiver}; deliveries per round ${h.with_three_hooks.delivered.join(', ')}, ` +
    `all sent ${h.with_three_hooks.drain_ms} ms after the load stopped (median)`);
  p();
}
