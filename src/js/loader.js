// nps-widget script-tag loader (classic script, bundled with src/js/quiet.js). Keeps the
// `nps(...)` calls made before it arrived and takes the ones made after. When the quiet record
// holds (see quiet.js), that is all a page view runs; otherwise it loads the module next to
// itself and replays the calls in order. With data-endpoint on its own tag it initialises
// itself, so pages with a strict CSP need no inline script.
import { front } from './quiet.js';

(function (w, d) {
  var script = d.currentScript;
  if (!script || !script.src) return;
  var queue = (w.nps && w.nps.q) || [];
  var data = script.dataset;
  if (data.endpoint) {
    // data-endpoint, data-product, data-language, data-debug; data-user-id, data-user-email,
    // data-user-created-at, data-user-hash (a user only with an id).
    var config = {};
    for (var key in data) {
      var name = /^(endpoint|product|language|debug)$|^user(Id|Email|CreatedAt|Hash)$/.exec(key);
      var value = key == 'debug' ? data[key] != 'false' : data[key];
      if (!name || value === '') continue;
      if (name[1]) config[key] = value;
      else if (data.userId) (config.user = config.user || {})[name[2][0].toLowerCase() + name[2].slice(1)] = value;
    }
    queue.unshift(['init', config]);
  }
  var quiet = front(function (held) {
    // The widget is needed: calls wait in a queue again while it loads.
    var stub = function () {
      held.push(arguments);
    };
    stub.q = held;
    w.nps = stub;
    // The wasm download starts now, in parallel with the module's, instead of after it.
    var wasm;
    try {
      wasm = fetch(new URL('nps_widget_bg.wasm', script.src).href);
      wasm.catch(function () {}); // a failure is reported once, by start()
    } catch (e) {
      wasm = undefined; // a host's fetch wrapper that throws: start() fetches (and reports)
    }
    import(new URL('index.js', script.src).href)
      .then(function (m) {
        return m.start(wasm).then(function (ready) {
          if (!ready) return;
          w.nps = m.nps;
          m.replay(held);
          held.length = 0;
        });
      })
      .catch(function (error) {
        console.error('nps-widget: could not load ' + script.src, error);
      });
  });
  var nps = function () {
    if (!quiet.take(arguments)) w.nps.apply(null, arguments);
  };
  w.nps = nps;
  for (var i = 0; i < queue.length; i++) nps.apply(null, queue[i]);
})(window, document);
