// A throwaway PostgreSQL cluster for the benchmarks that compare the backends: `initdb` into a
// temporary directory (as the `postgres` user when run as root: PostgreSQL refuses root), the
// server on a free loopback port with its default durability (fsync and synchronous commit on:
// a committed answer is on disk, as SQLite's synchronous=FULL), stopped by `stop()`. Debian's
// `postgresql` package provides the programs (`./build.sh` installs it).
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, openSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SUPERUSER = 'nps';

/** The newest installed server's programs. */
function binDir() {
  const root = '/usr/lib/postgresql';
  const versions = (existsSync(root) ? readdirSync(root) : [])
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(a) - Number(b));
  if (!versions.length) throw new Error('PostgreSQL is not installed; ./build.sh installs it');
  return join(root, versions.at(-1), 'bin');
}

/** `{ uid, gid }` of `postgres` when running as root, else nothing. */
function serverUser() {
  if (process.getuid() !== 0) return {};
  const id = (flag) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

const freePort = () => new Promise((resolve) => {
  const server = createServer();
  server.listen(0, '127.0.0.1', () => { const { port } = server.address(); server.close(() => resolve(port)); });
});

const accepts = (port) => new Promise((resolve) => {
  const socket = connect(port, '127.0.0.1', () => { socket.destroy(); resolve(true); });
  socket.on('error', () => resolve(false));
});

/** Starts a cluster; `{ database(name): url, stop() }`. */
export async function startPostgres() {
  const bin = binDir();
  const user = serverUser();
  const dir = mkdtempSync(join(tmpdir(), 'nps-bench-pg-'));
  if (user.uid !== undefined) chownSync(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  execFileSync(join(bin, 'initdb'), ['--auth=trust', '--encoding=UTF8', '--locale=C', '--username', SUPERUSER, '-D', data],
    { ...user, stdio: ['ignore', 'ignore', 'inherit'] });
  const port = await freePort();
  const log = openSync(join(dir, 'server.log'), 'a');
  const server = spawn(join(bin, 'postgres'), ['-D', data, '-p', String(port), '-k', dir,
    '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'shared_buffers=512MB'],
  { ...user, stdio: ['ignore', log, log] });
  const deadline = Date.now() + 30_000;
  while (!(await accepts(port))) {
    if (server.exitCode !== null || Date.now() > deadline) throw new Error(`PostgreSQL did not start; see ${dir}/server.log`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const url = (name) => `postgres://${SUPERUSER}@127.0.0.1:${port}/${name}`;
  return {
    /** A new, empty database's URL. */
    database(name) {
      execFileSync(join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', SUPERUSER, name]);
      return url(name);
    },
    stop() {
      try {
        execFileSync(join(bin, 'pg_ctl'), ['stop', '-m', 'fast', '-w', '-D', data], { ...user, stdio: 'ignore' });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
