// The hooks' benchmark's second control (bench/hooks.mjs): loopback request-and-answer round
// trips at the rate the hooks' worker sends deliveries (1,800 a second, on three kept-alive
// connections, one request in flight on each, 1.5 KB each way), between two processes in the
// idle scheduling class, doing nothing for the collector. Run beside a collector without
// hooks, it tells what the round trips alone cost the answers' p99 on this machine, whoever
// makes them. Started as `node round-trips.mjs` (the clients), which forks the server; both
// end when the bench has gone (their parent changes).
import { fork } from 'node:child_process';
import { createConnection, createServer } from 'node:net';

const PER_SECOND = 1800;
const CONNECTIONS = 3;
const TICK_MS = 10;
const BODY = 1536;

const watchParent = () => {
  const parent = process.ppid;
  setInterval(() => { if (process.ppid !== parent) process.exit(); }, 100).unref();
};

if (process.argv[2] === 'server') {
  // Answers each request (a length-prefixed body) with a body of the same size.
  const answer = Buffer.alloc(4 + BODY, 0x61);
  answer.writeUInt32BE(BODY, 0);
  createServer((socket) => {
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= 4 + pending.readUInt32BE(0)) {
        pending = pending.subarray(4 + pending.readUInt32BE(0));
        socket.write(answer);
      }
    });
    socket.on('error', () => {});
  }).listen(0, '127.0.0.1', function listening() { process.send(this.address().port); });
  watchParent();
} else {
  const server = fork(new URL(import.meta.url).pathname, ['server']);
  server.on('exit', () => process.exit(1));
  const port = await new Promise((resolve) => server.once('message', resolve));
  watchParent();
  const request = Buffer.alloc(4 + BODY, 0x62);
  request.writeUInt32BE(BODY, 0);
  // Each connection sends its share of each tick's requests one after the other.
  const perTick = Math.round((PER_SECOND * TICK_MS) / 1000 / CONNECTIONS);
  for (let i = 0; i < CONNECTIONS; i++) {
    const socket = createConnection(port, '127.0.0.1');
    socket.setNoDelay(true);
    let owed = 0;
    let inFlight = false;
    let pending = Buffer.alloc(0);
    const next = () => {
      if (inFlight || owed === 0) return;
      owed -= 1;
      inFlight = true;
      socket.write(request);
    };
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= 4 + pending.readUInt32BE(0)) {
        pending = pending.subarray(4 + pending.readUInt32BE(0));
        inFlight = false;
        next();
      }
    });
    socket.on('error', () => process.exit(1));
    // At most a second's worth owed: a starved control catches up, then keeps the rate.
    setInterval(() => { owed = Math.min(owed + perTick, PER_SECOND / CONNECTIONS); next(); }, TICK_MS);
  }
}
