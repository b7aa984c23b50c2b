// nps-widget script-tag loader (classic script). Keeps the `nps(...)` calls made before it
// arrived, loads the module next to itself, then replays them in order. With data-endpoint on
// its own tag it initialises itself, so pages with a strict CSP need no inline script.
(function (w, d) {
  var script = d.currentScript;
  if (!script || !script.src) return;
  var queue = (w.nps && w.nps.q) || [];
  var stub = function () {
    queue.push(arguments);
  };
  stub.q = queue;
  w.nps = stub;
  var data = script.dataset;
  if (data.endpoint) {
    var config = { endpoint: data.endpoint };
    if (data.product) config.product = data.product;
    if (data.language) config.language = data.language;
    if (data.debug !== undefined) config.debug = data.debug !== 'false';
    if (data.userId) {
      config.user = { id: data.userId };
      if (data.userEmail) config.user.email = data.userEmail;
      if (data.userCreatedAt) config.user.createdAt = data.userCreatedAt;
      if (data.userHash) config.user.hash = data.userHash;
    }
    queue.unshift(['init', config]);
  }
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
        for (var i = 0; i < queue.length; i++) m.nps.apply(null, queue[i]);
        queue.length = 0;
      });
    })
    .catch(function (error) {
      console.error('nps-widget: could not load ' + script.src, error);
    });
})(window, document);
