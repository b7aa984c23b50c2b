// The hooks' benchmark, part of `./build.sh bench`: does queueing deliveries in the answer's
// transaction slow the answer's POST? The same open-loop load (1,000 answers/s from 16
// keep-alive clients, bench/loadgen --rate) against a collector without hooks and one with
// three hooks that each hear of every final answer, alternating, on fresh databases; the hooks
// send to a receiver on loopback that answers 204. Goal: POST p99 with hooks within 1.2x of
// without. Also: how many deliveries were queued, and how long the worker took to send them
// all after the load stopped.
import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const TOKEN = 'npsa_bench_hooks_token_0123456789abcdef';
const RATE = 1000;
const CONNECTIONS = 16;
const ROUNDS = 7;
/** Goal: p99 with hooks / p99 without. */
export const HOOKS_P99_GOAL = 1.2;

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]; };
/** The `p`th percentile (nearest rank) of sorted `xs`. */
const percentile = (xs, p) => xs[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];

/**
 * A loopback receiver that answers every request 204 and counts them: raw TCP with the least
 * parsing (a request ends with its Content-Length), so that on a small machine the receiver
 * takes as little as possible of the CPU the collector is measured on.
 */
async function receiver() {
  let count = 0;
  const server = createServer((socket) => {
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        const end = pending.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = pending.subarray(0, end).toString('latin1');
        const length = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
        if (pending.length < end + 4 + length) return;
        pending = pending.subarray(end + 4 + length);
        count += 1;
        socket.write('HTTP/1.1 204 No Content\r\n\r\n');
      }
    });
    socket.on('error', () => {});
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/hooks`, count: () => count, close: () => server.close() };
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

async function once({ startCollector, run, loadgen, work, seconds }, withHooks, round, sink) {
  const collector = await startCollector(['--allow-private-hooks'], join(work, `hooks-${withHooks ? 'on' : 'off'}-${round}.log`),
    { env: { NPS_ADMIN_TOKEN: TOKEN } });
  try {
    const hooks = [];
    if (withHooks) {
      for (const [name, format] of [['CRM', 'webhook'], ['Warehouse', 'webhook'], ['#nps', 'slack']]) {
        hooks.push(await api(collector, '/v1/hooks', { name, url: sink.url, format, events: ['response.completed'] }));
      }
    }
    const before = sink.count();
    const latencies = join(work, `hooks-${withHooks ? 'on' : 'off'}-${round}.latencies`);
    const out = JSON.parse(await run(loadgen, ['--url', collector.url + '/v1/responses', '--connections', String(CONNECTIONS),
      '--duration', String(seconds), '--warmup', '1', '--rate', String(RATE), '--latencies', latencies]));
    const result = { answers_per_s: out.answers_per_s, p50: out.latency_ms.p50, p99: out.latency_ms.p99, non_202: out.requests - out.accepted_202 + out.errors,
      latencies: readFileSync(latencies, 'utf8').split('\n').filter(Boolean).map(Number) };
    if (withHooks) {
      // Every final answer is one delivery per hook: wait until the worker has sent them all.
      const stopped = performance.now();
      while (await pending(collector, hooks) > 0) await new Promise((resolve) => setTimeout(resolve, 100));
      result.drain_ms = Math.round(performance.now() - stopped);
      result.delivered = sink.count() - before;
    }
    return result;
  } finally {
    await collector.stop();
    collector.cleanup();
  }
}

/** Alternating rounds without and with hooks; medians and the p99 ratio. */
export async function hooksBench(context) {
  const sink = await receiver();
  const rounds = { off: [], on: [] };
  try {
    for (let round = 0; round < ROUNDS; round++) {
      rounds.off.push(await once(context, false, round, sink));
      rounds.on.push(await once(context, true, round, sink));
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
  const pick = (list, key) => median(list.map((r) => r[key]));
  const summary = (list) => ({ answers_per_s: pick(list, 'answers_per_s'), p50_ms: pick(list, 'p50'), p99_ms: pick(list, 'p99'),
    non_202: list.reduce((t, r) => t + r.non_202, 0) });
  const off = summary(rounds.off);
  const on = { ...summary(rounds.on), drain_ms: pick(rounds.on, 'drain_ms'), delivered: rounds.on.map((r) => r.delivered) };
  // Each round's pair ran back to back: its ratio cancels most of the machine's drift.
  const paired = rounds.on.map((r, i) => r.p99 / rounds.off[i].p99);
  return { rate: RATE, connections: CONNECTIONS, seconds: context.seconds, rounds, without_hooks: off, with_three_hooks: on,
    p99_ratio: Math.round((on.p99_ms / off.p99_ms) * 100) / 100,
    p99_paired_ratio_median: Math.round(median(paired) * 100) / 100,
    pooled: { without_hooks: pooledOff, with_three_hooks: pooledOn, p99_ratio: Math.round((pooledOn.p99_ms / pooledOff.p99_ms) * 100) / 100 },
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
  p(`   deliveries per round ${h.with_three_hooks.delivered.join(', ')}, ` +
    `all sent ${h.with_three_hooks.drain_ms} ms after the load stopped (median)`);
  p();
}
