// The hooks' benchmark's receiver, run by bench/hooks.mjs as a child process: a loopback server
// that answers every request 204 and counts them. It stands in for Slack or a CRM, which run on
// other machines; on the bench's small machine it runs in Linux's idle scheduling class (see
// `startReceiver`), so that its CPU, which a real receiver takes from its own machine, is not
// taken from the collector being measured. Raw TCP with the least parsing (a request ends with
// its Content-Length). Tells its parent its port, then answers `count` messages with the number
// of requests received.
import { createServer } from 'node:net';

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

server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', (message) => {
  if (message === 'count') process.send({ count });
});
process.on('disconnect', () => process.exit(0));
