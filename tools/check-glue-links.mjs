// Fails the build when the renamed glue and the renamed wasm no longer fit together: every
// export the glue calls must exist in the wasm, and the bundled ES module must instantiate the
// wasm (a missing or misnamed import is a LinkError) and run its start-up.
// usage: node tools/check-glue-links.mjs <unbundled glue.js> <pkg dir>
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [gluePath, pkg] = process.argv.slice(2);
const bytes = readFileSync(join(pkg, 'nps_widget_bg.wasm'));
const exported = new Set(WebAssembly.Module.exports(new WebAssembly.Module(bytes)).map((e) => e.name));
const called = new Set([...readFileSync(gluePath, 'utf8').matchAll(/\bwasm\.(\w+)/g)].map((m) => m[1]));
const missing = [...called].filter((name) => !exported.has(name));
if (missing.length) {
  console.error(`check-glue-links: the glue calls wasm exports that do not exist: ${missing.join(', ')}`);
  process.exit(1);
}
const errors = [];
console.error = (...args) => errors.push(args.join(' '));
const module = await import(pathToFileURL(resolve(pkg, 'index.js')).href);
if (!(await module.start(bytes))) {
  process.stderr.write(`check-glue-links: pkg/index.js could not instantiate pkg/nps_widget_bg.wasm:\n${errors.join('\n')}\n`);
  process.exit(1);
}
