// Shortens the wasm's import and export names, and the glue's matching names, to one or two
// letters. wasm-bindgen names every import `__wbg_<name>_<16 hex digits>`: about 6 KB of the
// wasm and as much of the glue, random hex that gzip cannot squeeze.
// usage: node tools/minify-wasm-names.cjs <module.wasm> <glue.js>   (both rewritten in place)
const fs = require('fs');
const [wasmPath, gluePath] = process.argv.slice(2);
const wasm = fs.readFileSync(wasmPath);
let js = fs.readFileSync(gluePath, 'utf8');

function readU32(buf, at) {
  let value = 0, shift = 0, byte;
  do { byte = buf[at++]; value += (byte & 0x7f) * 2 ** shift; shift += 7; } while (byte & 0x80);
  return [value, at];
}
function u32(value) {
  const out = [];
  do { let byte = value & 0x7f; value >>>= 7; if (value) byte |= 0x80; out.push(byte); } while (value);
  return Buffer.from(out);
}
function name(text) { const bytes = Buffer.from(text, 'utf8'); return Buffer.concat([u32(bytes.length), bytes]); }
function readName(buf, at) { let len; [len, at] = readU32(buf, at); return [buf.toString('utf8', at, at + len), at + len]; }
function shortName(i) {
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  let s = '';
  do { s = letters[i % 52] + s; i = Math.floor(i / 52) - 1; } while (i >= 0);
  return s;
}
function escape(text) { return text.replace(/[$.*+?()[\]{}|^\\]/g, '\\$&'); }

const importNames = new Map(), exportNames = new Map();
const parts = [wasm.subarray(0, 8)];
let at = 8;
while (at < wasm.length) {
  const id = wasm[at];
  let size, body;
  [size, body] = readU32(wasm, at + 1);
  const end = body + size;
  if (id === 2 || id === 7) {
    let count, p;
    [count, p] = readU32(wasm, body);
    const out = [u32(count)];
    for (let i = 0; i < count; i++) {
      if (id === 2) {
        let module, field;
        [module, p] = readName(wasm, p);
        [field, p] = readName(wasm, p);
        const kind = wasm[p];
        // wasm-bindgen's output imports only functions, all from its glue module.
        if (kind !== 0 || (importNames.module && module !== importNames.module)) throw new Error('unexpected import ' + module + ' ' + field);
        if (!importNames.has(field)) importNames.set(field, shortName(importNames.size));
        let index;
        [index, p] = readU32(wasm, p + 1);
        out.push(name('a'), name(importNames.get(field)), Buffer.from([0]), u32(index));
        importNames.module = module;
      } else {
        let field;
        [field, p] = readName(wasm, p);
        const kind = wasm[p];
        let index;
        [index, p] = readU32(wasm, p + 1);
        exportNames.set(field, shortName(exportNames.size));
        out.push(name(exportNames.get(field)), Buffer.from([kind]), u32(index));
      }
    }
    if (p !== end) throw new Error('section parse mismatch');
    const content = Buffer.concat(out);
    parts.push(Buffer.from([id]), u32(content.length), content);
  } else {
    parts.push(wasm.subarray(at, end));
  }
  at = end;
}

for (const [long, short] of importNames) {
  const pattern = new RegExp('\\b' + escape(long) + '\\b', 'g');
  if (!pattern.test(js)) throw new Error('import not found in the glue: ' + long);
  js = js.replace(pattern, short);
}
const moduleKey = JSON.stringify(importNames.module);
if (!js.includes(moduleKey + ':')) throw new Error('import module not found in the glue: ' + moduleKey);
js = js.split(moduleKey + ':').join('a:');
for (const [long, short] of exportNames) {
  js = js.replace(new RegExp('\\bwasm\\.' + escape(long) + '\\b', 'g'), 'wasm.' + short);
}
const left = js.match(/\bwasm\.(?!([a-zA-Z]{1,2})\b)[\w$]+/);
if (left) throw new Error('export still named in the glue: ' + left[0]);
fs.writeFileSync(wasmPath, Buffer.concat(parts));
fs.writeFileSync(gluePath, js);
