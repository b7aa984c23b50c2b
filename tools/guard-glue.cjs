// Makes wasm-bindgen's glue stop the widget for good after an internal error, instead of
// letting the error reach the host page again and again. An exception that leaves the wasm
// (a trap, or a JavaScript error thrown through it) leaves its state half-changed, so nothing
// may call into it afterwards. This adds `stopped()` to the glue: `stopped()` says whether the
// widget has stopped, `stopped(error)` stops it, logging one `nps-widget:` error the first time.
// Every callback the wasm handed to the browser (timers, listeners, promise callbacks) checks
// it first and, if it fails, stops the widget rather than throwing into the page.
// usage: node tools/guard-glue.cjs <glue.js>   (rewritten in place; fails if the glue changed shape)
const fs = require('fs');
const [gluePath] = process.argv.slice(2);
let js = fs.readFileSync(gluePath, 'utf8');

function replaceAll(pattern, replacement, expected, what) {
  let count = 0;
  js = js.replace(pattern, (...m) => { count++; return typeof replacement === 'function' ? replacement(...m) : replacement; });
  if (count !== expected) {
    console.error(`guard-glue: expected ${expected} ${what} in ${gluePath}, found ${count}; wasm-bindgen's glue changed shape`);
    process.exit(1);
  }
}

// The closures' calls into the wasm: `return f(a, state.b, ...args);` (FnMut) and
// `return f(state.a, state.b, ...args);` (Fn).
replaceAll(/return f\((a|state\.a), state\.b, \.\.\.args\);/g,
  (_, a) => `if (__npsStopped) return; try { return f(${a}, state.b, ...args); } catch (error) { stopped(error); }`,
  2, 'closure calls');
// The closures' destructors (also run by a FinalizationRegistry): not after a stop.
replaceAll(/wasm\.(\w+)\(state\.a, state\.b\)/g,
  (_, name) => `(__npsStopped || wasm.${name}(state.a, state.b))`,
  3, 'closure destructor calls');

js += `
let __npsStopped = false;
/** Whether the widget stopped after an internal error; with an error, stops it (logged once). */
export function stopped(error) {
    if (error !== undefined && !__npsStopped) {
        __npsStopped = true;
        console.error('nps-widget: stopped after an internal error; no survey on this page until it reloads', error);
    }
    return __npsStopped;
}
`;
fs.writeFileSync(gluePath, js);
